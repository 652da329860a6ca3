#include "auth/auth_service.h"

#include <algorithm>

#include "auth/auth_repository.h"
#include "base/log.h"
#include "base/strings.h"
#include "fields/field.h"
#include "storage/dialect.h"

namespace rally::auth {
namespace {

constexpr size_t kMaxNameBytes = 200;
// More candidate users than this for one email (without a workspace_id) would make a login
// cost that many password hashes; such logins must name the workspace.
constexpr size_t kMaxLoginCandidates = 5;
// Serializes first-start bootstraps across processes (two `rally serve` started together on an
// empty PostgreSQL database must not both create a workspace): "rally boot".
constexpr int64_t kBootstrapLock = 0x72616c6c79626f6f;

Status BadLogin() { return Unauthenticated("email or password is wrong"); }

Result<std::string> CleanName(std::string_view name, std::string_view field, bool required) {
  std::string out = CollapseSpaces(name);
  if (required && out.empty()) {
    return FieldInvalid(std::string(field), "required", std::string(field) + " is required");
  }
  if (out.size() > kMaxNameBytes) {
    return FieldInvalid(std::string(field), "too_long",
                        std::string(field) + " must be at most 200 bytes");
  }
  if (!IsValidUtf8(out)) {
    return FieldInvalid(std::string(field), "invalid", std::string(field) + " is not valid UTF-8");
  }
  return out;
}

Result<std::string> CleanRegion(std::string_view region) {
  std::string r = AsciiLower(Trim(region));
  if (r.size() != 2 || !std::all_of(r.begin(), r.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return FieldInvalid("default_region", "invalid",
                        "default_region must be a two-letter country code such as \"US\"");
  }
  for (char& c : r) c = static_cast<char>(c - 'a' + 'A');
  return r;
}

// The login lookup key: the normalized email, or for text NormalizeEmail refuses (such as the
// bootstrap admin's "admin@localhost") its case-folded trimmed form, which is how such a
// stored key was made.
std::string LoginKey(std::string_view email) {
  auto norm = fields::NormalizeEmail(email);
  if (norm.ok()) return norm->key;
  return CaseFold(Trim(email));
}

// The address without the port ("127.0.0.1:5312" -> "127.0.0.1", "[::1]:80" -> "::1"), so
// each new connection of one client counts against the same limit.
std::string ClientHost(std::string_view addr) {
  if (!addr.empty() && addr.front() == '[') {
    size_t close = addr.find(']');
    if (close != std::string_view::npos) return std::string(addr.substr(1, close - 1));
  }
  size_t colon = addr.rfind(':');
  if (colon != std::string_view::npos && addr.find(':') == colon) {
    return std::string(addr.substr(0, colon));
  }
  return std::string(addr);
}

}  // namespace

AuthService::AuthService(storage::Database& db, AuthOptions options)
    : db_(db),
      options_(options),
      cache_(options.cache_ttl, options.cache_capacity),
      login_limiter_(options.max_failed_logins, options.failed_login_window) {}

AuthService::~AuthService() = default;

// ---- Authentication ----

Result<Principal> AuthService::Authenticate(std::string_view bearer_token) {
  std::optional<Id> workspace_id = TokenWorkspace(bearer_token, kApiTokenPrefix);
  if (!workspace_id) return Unauthenticated("invalid API token");
  std::string key = Sha256Hex(bearer_token);
  Micros now = Now();
  if (auto hit = cache_.Get(key, now)) {
    // Checked here first so the common case takes the cache lock once.
    if (now - hit->last_used_at >= options_.touch_interval) {
      MaybeTouchToken(key, hit->principal, now);
    }
    return std::move(hit->principal);
  }
  uint64_t generation = cache_.generation();
  std::optional<repo::TokenPrincipal> found;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(found, repo::LoadTokenPrincipal(c, *workspace_id, key));
    return Status::Ok();
  }));
  if (!found) return Unauthenticated("invalid API token");
  cache_.Put(key, PrincipalCache::Entry{found->principal, found->last_used_at.value_or(0), 0},
             generation, now);
  MaybeTouchToken(key, found->principal, now);
  return std::move(found->principal);
}

void AuthService::MaybeTouchToken(const std::string& key, const Principal& p, Micros now) {
  if (!cache_.ClaimTouch(key, now, options_.touch_interval)) return;
  Status s = db_.Write([&](storage::Transaction& tx) {
    return repo::TouchToken(tx, p.workspace_id, p.token_id, now);
  });
  // Losing a last_used_at update is harmless; failing the request for it would not be.
  if (!s.ok()) log::Warn("auth: could not record token use: " + s.ToString());
}

Result<Principal> AuthService::AuthenticateSession(std::string_view session_token) {
  std::optional<Id> workspace_id = TokenWorkspace(session_token, kSessionTokenPrefix);
  if (!workspace_id) return Unauthenticated("invalid session");
  std::string key = Sha256Hex(session_token);
  Micros now = Now();
  if (auto hit = cache_.Get(key, now)) {
    if (hit->session_expires_at <= now) {
      cache_.Erase(key);
      return Unauthenticated("session expired");
    }
    if (now + options_.session_ttl - hit->session_expires_at >= options_.touch_interval) {
      MaybeExtendSession(key, hit->principal, now);
    }
    return std::move(hit->principal);
  }
  uint64_t generation = cache_.generation();
  std::optional<repo::SessionPrincipal> found;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(found, repo::LoadSessionPrincipal(c, *workspace_id, key));
    return Status::Ok();
  }));
  if (!found) return Unauthenticated("invalid session");
  if (found->expires_at <= now) return Unauthenticated("session expired");
  cache_.Put(key, PrincipalCache::Entry{found->principal, 0, found->expires_at}, generation, now);
  MaybeExtendSession(key, found->principal, now);
  return std::move(found->principal);
}

void AuthService::MaybeExtendSession(const std::string& key, const Principal& p, Micros now) {
  Micros expiry = now + options_.session_ttl;
  if (!cache_.ClaimSessionExtension(key, expiry, options_.touch_interval)) return;
  Status s = db_.Write([&](storage::Transaction& tx) {
    return repo::ExtendSession(tx, p.workspace_id, p.session_id, expiry);
  });
  if (!s.ok()) log::Warn("auth: could not extend session: " + s.ToString());
}

// ---- Sessions ----

const std::string& AuthService::DummyHash() {
  std::call_once(dummy_once_, [&] {
    auto h = HashPassword("not a password of anyone", options_.password_limits);
    dummy_hash_ = h.ok() ? *h : std::string();
  });
  return dummy_hash_;
}

Result<LoginResult> AuthService::Login(const LoginRequest& request) {
  const std::string email_key = LoginKey(request.email);
  const std::string limit_key = email_key + "|" + ClientHost(request.client);
  Micros now = Now();
  if (!login_limiter_.Allowed(limit_key, now)) {
    return Status(StatusCode::kResourceExhausted,
                  "too many failed logins; try again in a minute");
  }

  std::vector<repo::UserWithHash> candidates;
  if (!email_key.empty()) {
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(candidates, repo::LoadUsersByEmailEverywhere(c, email_key));
      return Status::Ok();
    }));
  }
  std::erase_if(candidates, [&](const repo::UserWithHash& u) {
    return u.user.disabled() || !u.password_hash ||
           (request.workspace_id && u.user.workspace_id != *request.workspace_id);
  });
  if (candidates.size() > kMaxLoginCandidates) {
    return FieldInvalid("workspace_id", "required",
                        "this email belongs to several workspaces; pass workspace_id");
  }

  std::vector<const repo::UserWithHash*> matched;
  if (candidates.empty()) {
    // Spend what a real check costs, so timing does not tell whether the email exists.
    (void)VerifyPassword(DummyHash(), request.password);
  }
  for (const auto& c : candidates) {
    if (VerifyPassword(*c.password_hash, request.password)) matched.push_back(&c);
  }
  if (matched.empty()) {
    login_limiter_.RecordFailure(limit_key, now);
    return BadLogin();
  }
  if (matched.size() > 1) {
    return FieldInvalid("workspace_id", "required",
                        "this email belongs to several workspaces; pass workspace_id");
  }
  login_limiter_.Reset(limit_key);
  const User& user = matched.front()->user;

  std::optional<std::string> rehash;
  if (PasswordNeedsRehash(*matched.front()->password_hash, options_.password_limits)) {
    auto h = HashPassword(request.password, options_.password_limits);
    if (h.ok()) rehash = std::move(h).value();
  }

  LoginResult out;
  out.user = user;
  out.session_id = NewId();
  out.session_token = NewToken(kSessionTokenPrefix, user.workspace_id);
  out.csrf_token = RandomSecret();
  out.expires_at = now + options_.session_ttl;
  repo::SessionRow row{user.workspace_id, out.session_id,  user.id,      Sha256Hex(out.session_token),
                       out.csrf_token,    now,             out.expires_at};
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto ws, repo::LoadWorkspace(tx, user.workspace_id));
    if (!ws) return BadLogin();
    out.workspace = std::move(*ws);
    RALLY_RETURN_IF_ERROR(repo::DeleteExpiredSessions(tx, user.workspace_id, user.id, now));
    RALLY_RETURN_IF_ERROR(repo::InsertSession(tx, row));
    if (rehash) RALLY_RETURN_IF_ERROR(repo::SetPasswordHash(tx, user.workspace_id, user.id, *rehash));
    return Status::Ok();
  }));
  return out;
}

Status AuthService::Logout(std::string_view session_token) {
  std::optional<Id> workspace_id = TokenWorkspace(session_token, kSessionTokenPrefix);
  if (!workspace_id) return Status::Ok();
  std::string key = Sha256Hex(session_token);
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return repo::DeleteSession(tx, *workspace_id, key).status();
  }));
  cache_.Erase(key);
  return Status::Ok();
}

// ---- Workspaces ----

Result<Workspace> AuthService::CreateWorkspace(std::string_view name,
                                               std::string_view default_region) {
  Workspace w;
  RALLY_ASSIGN_OR_RETURN(w.name, CleanName(name, "name", /*required=*/true));
  RALLY_ASSIGN_OR_RETURN(w.default_region, CleanRegion(default_region));
  w.id = NewId();
  w.created_at = Now();
  RALLY_RETURN_IF_ERROR(
      db_.Write([&](storage::Transaction& tx) { return repo::InsertWorkspace(tx, w); }));
  return w;
}

Result<Workspace> AuthService::GetWorkspace(Id workspace_id) {
  std::optional<Workspace> w;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(w, repo::LoadWorkspace(c, workspace_id));
    return Status::Ok();
  }));
  if (!w) return NotFound("no such workspace");
  return std::move(*w);
}

Result<std::vector<Workspace>> AuthService::ListWorkspaces() {
  std::vector<Workspace> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, repo::LoadWorkspaces(c));
    return Status::Ok();
  }));
  return out;
}

Result<std::string> AuthService::DefaultRegion(Id workspace_id) {
  RALLY_ASSIGN_OR_RETURN(Workspace w, GetWorkspace(workspace_id));
  return std::move(w.default_region);
}

Status AuthService::SetDefaultRegion(Id workspace_id, std::string_view region) {
  RALLY_ASSIGN_OR_RETURN(std::string r, CleanRegion(region));
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto w, repo::LoadWorkspace(tx, workspace_id));
    if (!w) return NotFound("no such workspace");
    w->default_region = r;
    return repo::UpdateWorkspace(tx, *w);
  });
}

Result<Workspace> AuthService::UpdateWorkspace(Id workspace_id, std::optional<std::string> name,
                                               std::optional<std::string> default_region) {
  std::vector<FieldError> errors;
  std::optional<std::string> clean_name, clean_region;
  if (name) {
    auto n = CleanName(*name, "name", /*required=*/true);
    if (n.ok()) clean_name = *n;
    else for (const auto& d : n.status().details()) errors.push_back(d);
  }
  if (default_region) {
    auto r = CleanRegion(*default_region);
    if (r.ok()) clean_region = *r;
    else for (const auto& d : r.status().details()) errors.push_back(d);
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  Workspace out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto w, repo::LoadWorkspace(tx, workspace_id));
    if (!w) return NotFound("no such workspace");
    if (clean_name) w->name = *clean_name;
    if (clean_region) w->default_region = *clean_region;
    RALLY_RETURN_IF_ERROR(repo::UpdateWorkspace(tx, *w));
    out = *w;
    return Status::Ok();
  }));
  return out;
}

// ---- Users ----

Result<User> AuthService::CreateUser(Id workspace_id, const NewUser& input) {
  std::vector<FieldError> errors;
  User u;
  u.workspace_id = workspace_id;
  auto email = fields::NormalizeEmail(input.email, "email");
  if (email.ok()) {
    u.email = email->display;
    u.email_norm = email->key;
  } else {
    for (const auto& d : email.status().details()) errors.push_back(d);
  }
  auto name = CleanName(input.name, "name", /*required=*/false);
  if (name.ok()) {
    u.name = *name;
  } else {
    for (const auto& d : name.status().details()) errors.push_back(d);
  }
  if (!input.password.empty()) {
    Status p = ValidateNewPassword(input.password);
    if (!p.ok()) for (const auto& d : p.details()) errors.push_back(d);
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  u.role = input.role;
  u.id = NewId();
  u.created_at = Now();
  u.has_password = !input.password.empty();
  // Hash outside the transaction: argon2 takes tens of milliseconds, which must not hold up
  // the writer that every other request's writes share.
  std::optional<std::string> hash;
  if (u.has_password) {
    RALLY_ASSIGN_OR_RETURN(hash, HashPassword(input.password, options_.password_limits));
  }
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto ws, repo::LoadWorkspace(tx, workspace_id));
    if (!ws) return NotFound("no such workspace");
    RALLY_ASSIGN_OR_RETURN(auto existing, repo::LoadUserByEmail(tx, workspace_id, u.email_norm));
    if (existing) {
      return AlreadyExists("a user with this email already exists",
                           {FieldError{"email", "duplicate", "a user with this email already exists",
                                       IdToString(existing->id)}});
    }
    return repo::InsertUser(tx, u, hash);
  }));
  return u;
}

Result<User> AuthService::GetUser(Id workspace_id, Id user_id) {
  std::optional<User> u;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(u, repo::LoadUser(c, workspace_id, user_id));
    return Status::Ok();
  }));
  if (!u) return NotFound("no such user");
  return std::move(*u);
}

Result<User> AuthService::FindUserByEmail(Id workspace_id, std::string_view email) {
  std::string key = LoginKey(email);
  std::optional<User> u;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(u, repo::LoadUserByEmail(c, workspace_id, key));
    return Status::Ok();
  }));
  if (!u) return NotFound("no user with email \"" + std::string(Trim(email).substr(0, 100)) + "\"");
  return std::move(*u);
}

Result<std::vector<User>> AuthService::ListUsers(Id workspace_id) {
  std::vector<User> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, repo::LoadUsers(c, workspace_id));
    return Status::Ok();
  }));
  return out;
}

Result<User> AuthService::UpdateUser(Id workspace_id, Id user_id, const UserPatch& patch) {
  std::optional<std::string> name;
  if (patch.name) {
    RALLY_ASSIGN_OR_RETURN(name, CleanName(*patch.name, "name", /*required=*/false));
  }
  std::optional<std::string> hash;
  if (patch.password) {
    RALLY_RETURN_IF_ERROR(ValidateNewPassword(*patch.password));
    RALLY_ASSIGN_OR_RETURN(hash, HashPassword(*patch.password, options_.password_limits));
  }
  Micros now = Now();
  User updated;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    // Two admins demoted at once must not both see the other one still there (PostgreSQL).
    RALLY_RETURN_IF_ERROR(storage::UseSerializable(tx));
    RALLY_ASSIGN_OR_RETURN(auto u, repo::LoadUser(tx, workspace_id, user_id));
    if (!u) return NotFound("no such user");
    bool was_admin = u->role == Role::kAdmin && !u->disabled();
    if (name) u->name = *name;
    if (patch.role) u->role = *patch.role;
    if (patch.disabled) {
      if (*patch.disabled && !u->disabled()) u->disabled_at = now;
      if (!*patch.disabled) u->disabled_at.reset();
    }
    RALLY_RETURN_IF_ERROR(repo::UpdateUser(tx, *u));
    if (hash) {
      RALLY_RETURN_IF_ERROR(repo::SetPasswordHash(tx, workspace_id, user_id, *hash));
      u->has_password = true;
    }
    if (u->disabled()) RALLY_RETURN_IF_ERROR(repo::DeleteUserSessions(tx, workspace_id, user_id));
    bool is_admin = u->role == Role::kAdmin && !u->disabled();
    if (was_admin && !is_admin) {
      RALLY_ASSIGN_OR_RETURN(int64_t admins, repo::CountActiveAdmins(tx, workspace_id));
      if (admins == 0) {
        return FailedPrecondition("the workspace needs at least one enabled admin");
      }
    }
    updated = std::move(*u);
    return Status::Ok();
  }));
  // Role and status live in cached principals: drop them so the change applies at once.
  cache_.EraseUser(workspace_id, user_id);
  return updated;
}

// ---- API tokens ----

Result<CreatedToken> AuthService::InsertToken(storage::Connection& c, Id workspace_id,
                                              Id user_id, std::string name, Micros now) {
  CreatedToken out;
  out.info.workspace_id = workspace_id;
  out.info.id = NewId();
  out.info.user_id = user_id;
  out.info.name = std::move(name);
  out.info.created_at = now;
  out.token = NewToken(kApiTokenPrefix, workspace_id);
  RALLY_RETURN_IF_ERROR(repo::InsertToken(c, out.info, Sha256Hex(out.token)));
  return out;
}

Result<CreatedToken> AuthService::CreateToken(Id workspace_id, Id user_id, std::string_view name) {
  RALLY_ASSIGN_OR_RETURN(std::string clean, CleanName(name, "name", /*required=*/false));
  std::optional<CreatedToken> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto u, repo::LoadUser(tx, workspace_id, user_id));
    if (!u) return NotFound("no such user");
    if (u->disabled()) return FailedPrecondition("the user is disabled");
    RALLY_ASSIGN_OR_RETURN(out, InsertToken(tx, workspace_id, user_id, clean, Now()));
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<ApiToken>> AuthService::ListTokens(Id workspace_id, std::optional<Id> user_id) {
  std::vector<ApiToken> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, repo::LoadTokens(c, workspace_id, user_id));
    return Status::Ok();
  }));
  return out;
}

Status AuthService::RevokeToken(Id workspace_id, Id token_id, std::optional<Id> owner) {
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(int64_t n, repo::RevokeToken(tx, workspace_id, token_id, owner, Now()));
    if (n == 0) return NotFound("no such token");
    return Status::Ok();
  }));
  cache_.EraseToken(workspace_id, token_id);
  return Status::Ok();
}

// ---- First start ----

Result<std::optional<BootstrapResult>> AuthService::Bootstrap() {
  bool any = false;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(any, repo::AnyWorkspace(c));
    return Status::Ok();
  }));
  if (any) return std::optional<BootstrapResult>();

  BootstrapResult out;
  out.admin_password = RandomSecret().substr(0, 20);
  RALLY_ASSIGN_OR_RETURN(std::string hash, HashPassword(out.admin_password, options_.password_limits));
  Micros now = Now();
  out.workspace = Workspace{NewId(), "Default", "US", now};
  User& admin = out.admin;
  admin.workspace_id = out.workspace.id;
  admin.id = NewId();
  // "localhost" has one label, which NormalizeEmail refuses; LoginKey finds it by the same
  // case-folded form stored here.
  admin.email = "admin@localhost";
  admin.email_norm = "admin@localhost";
  admin.name = "Admin";
  admin.role = Role::kAdmin;
  admin.has_password = true;
  admin.created_at = now;

  bool lost_race = false;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    // Checked again inside the transaction: another caller may have bootstrapped meanwhile. On
    // PostgreSQL a snapshot taken before that caller committed would still see no workspace
    // (write skew: the two inserts touch no common row), so bootstraps take a lock and each reads
    // what the one before committed.
    RALLY_RETURN_IF_ERROR(storage::SerializeTransaction(tx, kBootstrapLock));
    RALLY_ASSIGN_OR_RETURN(bool exists, repo::AnyWorkspace(tx));
    if (exists) {
      lost_race = true;
      return Status::Ok();
    }
    RALLY_RETURN_IF_ERROR(repo::InsertWorkspace(tx, out.workspace));
    RALLY_RETURN_IF_ERROR(repo::InsertUser(tx, admin, hash));
    RALLY_ASSIGN_OR_RETURN(out.token, InsertToken(tx, admin.workspace_id, admin.id, "bootstrap", now));
    return Status::Ok();
  }));
  if (lost_race) return std::optional<BootstrapResult>();
  return std::optional<BootstrapResult>(std::move(out));
}

}  // namespace rally::auth
