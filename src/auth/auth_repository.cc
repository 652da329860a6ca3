#include "auth/auth_repository.h"

namespace rally::auth::repo {
namespace {

using storage::Connection;
using storage::Row;

Workspace ReadWorkspace(const Row& r) {
  Workspace w;
  w.id = r.Int(0);
  w.name = std::string(r.Text(1));
  w.default_region = std::string(r.Text(2));
  w.created_at = r.Int(3);
  return w;
}

// Column order of kUserCols, shared by every user query.
User ReadUser(const Row& r) {
  User u;
  u.workspace_id = r.Int(0);
  u.id = r.Int(1);
  u.email = std::string(r.Text(2));
  u.email_norm = std::string(r.Text(3));
  u.name = std::string(r.Text(4));
  u.role = ParseRole(r.Text(5)).value_or(Role::kMember);
  u.has_password = !r.IsNull(6);
  u.created_at = r.Int(7);
  u.disabled_at = r.OptInt(8);
  return u;
}
#define RALLY_USER_COLS \
  "workspace_id, id, email, email_norm, name, role, password_hash, created_at, disabled_at"

ApiToken ReadToken(const Row& r) {
  ApiToken t;
  t.workspace_id = r.Int(0);
  t.id = r.Int(1);
  t.user_id = r.Int(2);
  t.name = std::string(r.Text(3));
  t.created_at = r.Int(4);
  t.last_used_at = r.OptInt(5);
  return t;
}

std::string RoleText(Role r) { return std::string(RoleName(r)); }

}  // namespace

Result<std::optional<Workspace>> LoadWorkspace(Connection& c, Id id) {
  std::optional<Workspace> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT id, name, default_region, created_at FROM workspaces WHERE id = ?", {id},
      [&](const Row& r) {
        out = ReadWorkspace(r);
        return false;
      }));
  return out;
}

Result<std::vector<Workspace>> LoadWorkspaces(Connection& c) {
  std::vector<Workspace> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT id, name, default_region, created_at FROM workspaces ORDER BY created_at, id", {},
      [&](const Row& r) {
        out.push_back(ReadWorkspace(r));
        return true;
      }));
  return out;
}

Status InsertWorkspace(Connection& c, const Workspace& w) {
  return c.Execute("INSERT INTO workspaces (id, name, default_region, created_at) "
                   "VALUES (?, ?, ?, ?)",
                   {w.id, w.name, w.default_region, w.created_at})
      .status();
}

Status UpdateWorkspace(Connection& c, const Workspace& w) {
  // default_region is a field setting: the bump tells caches of them (fields/field_settings.h,
  // which auth cannot call) to reload. Bumped on every update, which is rare.
  return c.Execute("UPDATE workspaces SET name = ?, default_region = ?,"
                   " settings_version = settings_version + 1 WHERE id = ?",
                   {w.name, w.default_region, w.id})
      .status();
}

Result<bool> AnyWorkspace(Connection& c) {
  RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT 1 FROM workspaces LIMIT 1"));
  return v.has_value();
}

Result<std::optional<User>> LoadUser(Connection& c, Id workspace_id, Id id) {
  std::optional<User> out;
  RALLY_RETURN_IF_ERROR(
      c.Query("SELECT " RALLY_USER_COLS " FROM users WHERE workspace_id = ? AND id = ?",
              {workspace_id, id}, [&](const Row& r) {
                out = ReadUser(r);
                return false;
              }));
  return out;
}

Result<std::optional<User>> LoadUserByEmail(Connection& c, Id workspace_id,
                                            const std::string& email_norm) {
  std::optional<User> out;
  RALLY_RETURN_IF_ERROR(
      c.Query("SELECT " RALLY_USER_COLS " FROM users WHERE workspace_id = ? AND email_norm = ?",
              {workspace_id, email_norm}, [&](const Row& r) {
                out = ReadUser(r);
                return false;
              }));
  return out;
}

Result<std::optional<UserWithHash>> LoadUserWithHash(Connection& c, Id workspace_id, Id id) {
  std::optional<UserWithHash> out;
  RALLY_RETURN_IF_ERROR(
      c.Query("SELECT " RALLY_USER_COLS " FROM users WHERE workspace_id = ? AND id = ?",
              {workspace_id, id}, [&](const Row& r) {
                out = UserWithHash{ReadUser(r), r.OptText(6)};
                return false;
              }));
  return out;
}

Result<std::vector<UserWithHash>> LoadUsersByEmailEverywhere(Connection& c,
                                                             const std::string& email_norm) {
  std::vector<UserWithHash> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT " RALLY_USER_COLS " FROM users WHERE email_norm = ? ORDER BY workspace_id",
      {email_norm}, [&](const Row& r) {
        out.push_back(UserWithHash{ReadUser(r), r.OptText(6)});
        return true;
      }));
  return out;
}

Result<std::vector<User>> LoadUsers(Connection& c, Id workspace_id) {
  std::vector<User> out;
  RALLY_RETURN_IF_ERROR(
      c.Query("SELECT " RALLY_USER_COLS " FROM users WHERE workspace_id = ? ORDER BY id",
              {workspace_id}, [&](const Row& r) {
                out.push_back(ReadUser(r));
                return true;
              }));
  return out;
}

Status InsertUser(Connection& c, const User& u, const std::optional<std::string>& password_hash) {
  return c.Execute("INSERT INTO users (workspace_id, id, email, email_norm, name, role, "
                   "password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {u.workspace_id, u.id, u.email, u.email_norm, u.name, RoleText(u.role),
                    storage::Opt(password_hash), u.created_at, storage::Opt(u.disabled_at)})
      .status();
}

Status UpdateUser(Connection& c, const User& u) {
  return c.Execute("UPDATE users SET name = ?, role = ?, disabled_at = ? "
                   "WHERE workspace_id = ? AND id = ?",
                   {u.name, RoleText(u.role), storage::Opt(u.disabled_at), u.workspace_id, u.id})
      .status();
}

Status SetPasswordHash(Connection& c, Id workspace_id, Id user_id,
                       const std::string& password_hash) {
  return c.Execute("UPDATE users SET password_hash = ? WHERE workspace_id = ? AND id = ?",
                   {password_hash, workspace_id, user_id})
      .status();
}

Result<int64_t> CountActiveAdmins(Connection& c, Id workspace_id) {
  RALLY_ASSIGN_OR_RETURN(auto n, c.QueryInt("SELECT COUNT(*) FROM users WHERE workspace_id = ? "
                                            "AND role = 'admin' AND disabled_at IS NULL",
                                            {workspace_id}));
  return n.value_or(0);
}

Status InsertToken(Connection& c, const ApiToken& t, const std::string& token_hash) {
  return c.Execute("INSERT INTO api_tokens (workspace_id, id, user_id, name, token_hash, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   {t.workspace_id, t.id, t.user_id, t.name, token_hash, t.created_at})
      .status();
}

Result<std::vector<ApiToken>> LoadTokens(Connection& c, Id workspace_id,
                                         std::optional<Id> user_id) {
  std::vector<ApiToken> out;
  auto read = [&](const Row& r) {
    out.push_back(ReadToken(r));
    return true;
  };
  if (user_id) {
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT workspace_id, id, user_id, name, created_at, last_used_at FROM api_tokens "
        "WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL ORDER BY id",
        {workspace_id, *user_id}, read));
  } else {
    RALLY_RETURN_IF_ERROR(c.Query(
        "SELECT workspace_id, id, user_id, name, created_at, last_used_at FROM api_tokens "
        "WHERE workspace_id = ? AND revoked_at IS NULL ORDER BY id",
        {workspace_id}, read));
  }
  return out;
}

Result<int64_t> RevokeToken(Connection& c, Id workspace_id, Id token_id, std::optional<Id> owner,
                            Micros now) {
  if (owner) {
    return c.Execute("UPDATE api_tokens SET revoked_at = ? WHERE workspace_id = ? AND id = ? "
                     "AND user_id = ? AND revoked_at IS NULL",
                     {now, workspace_id, token_id, *owner});
  }
  return c.Execute("UPDATE api_tokens SET revoked_at = ? WHERE workspace_id = ? AND id = ? "
                   "AND revoked_at IS NULL",
                   {now, workspace_id, token_id});
}

Status TouchToken(Connection& c, Id workspace_id, Id token_id, Micros now) {
  return c.Execute("UPDATE api_tokens SET last_used_at = ? WHERE workspace_id = ? AND id = ?",
                   {now, workspace_id, token_id})
      .status();
}

Result<std::optional<TokenPrincipal>> LoadTokenPrincipal(Connection& c, Id workspace_id,
                                                         const std::string& token_hash) {
  std::optional<TokenPrincipal> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT t.id, t.user_id, t.last_used_at, u.role, u.email FROM api_tokens t "
      "JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id "
      "WHERE t.workspace_id = ? AND t.token_hash = ? AND t.revoked_at IS NULL "
      "AND u.disabled_at IS NULL",
      {workspace_id, token_hash}, [&](const Row& r) {
        TokenPrincipal tp;
        tp.principal.workspace_id = workspace_id;
        tp.principal.token_id = r.Int(0);
        tp.principal.user_id = r.Int(1);
        tp.last_used_at = r.OptInt(2);
        tp.principal.role = ParseRole(r.Text(3)).value_or(Role::kMember);
        tp.principal.user_email = std::string(r.Text(4));
        out = std::move(tp);
        return false;
      }));
  return out;
}

Status InsertSession(Connection& c, const SessionRow& s) {
  return c.Execute("INSERT INTO sessions (workspace_id, id, user_id, token_hash, csrf_token, "
                   "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   {s.workspace_id, s.id, s.user_id, s.token_hash, s.csrf_token, s.created_at,
                    s.expires_at})
      .status();
}

Result<std::optional<SessionPrincipal>> LoadSessionPrincipal(Connection& c, Id workspace_id,
                                                             const std::string& token_hash) {
  std::optional<SessionPrincipal> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT s.id, s.user_id, s.csrf_token, s.expires_at, u.role, u.email FROM sessions s "
      "JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.user_id "
      "WHERE s.workspace_id = ? AND s.token_hash = ? AND u.disabled_at IS NULL",
      {workspace_id, token_hash}, [&](const Row& r) {
        SessionPrincipal sp;
        sp.principal.workspace_id = workspace_id;
        sp.principal.session_id = r.Int(0);
        sp.principal.user_id = r.Int(1);
        sp.principal.csrf_token = std::string(r.Text(2));
        sp.expires_at = r.Int(3);
        sp.principal.role = ParseRole(r.Text(4)).value_or(Role::kMember);
        sp.principal.user_email = std::string(r.Text(5));
        out = std::move(sp);
        return false;
      }));
  return out;
}

Status ExtendSession(Connection& c, Id workspace_id, Id session_id, Micros expires_at) {
  return c.Execute("UPDATE sessions SET expires_at = ? WHERE workspace_id = ? AND id = ?",
                   {expires_at, workspace_id, session_id})
      .status();
}

Result<int64_t> DeleteSession(Connection& c, Id workspace_id, const std::string& token_hash) {
  return c.Execute("DELETE FROM sessions WHERE workspace_id = ? AND token_hash = ?",
                   {workspace_id, token_hash});
}

Status DeleteExpiredSessions(Connection& c, Id workspace_id, Id user_id, Micros now) {
  return c.Execute("DELETE FROM sessions WHERE workspace_id = ? AND user_id = ? "
                   "AND expires_at <= ?",
                   {workspace_id, user_id, now})
      .status();
}

Status DeleteUserSessions(Connection& c, Id workspace_id, Id user_id) {
  return c.Execute("DELETE FROM sessions WHERE workspace_id = ? AND user_id = ?",
                   {workspace_id, user_id})
      .status();
}

}  // namespace rally::auth::repo
