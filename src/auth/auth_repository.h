// SQL for the auth tables (workspaces, users, api_tokens, sessions), and nothing else: no
// validation, no hashing, no caching (auth_service.cc does those). Every statement but the
// login lookup and the workspace listing is keyed by workspace_id first.
//
// Errors: those of storage::Connection (kAlreadyExists on a unique violation, kUnavailable,
// kInternal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/auth_records.h"
#include "storage/database.h"

namespace rally::auth::repo {

// --- workspaces ---
Result<std::optional<Workspace>> LoadWorkspace(storage::Connection& c, Id id);
Result<std::vector<Workspace>> LoadWorkspaces(storage::Connection& c);  // oldest first
Status InsertWorkspace(storage::Connection& c, const Workspace& w);
// Sets name and default_region, and bumps settings_version (migration 0007).
Status UpdateWorkspace(storage::Connection& c, const Workspace& w);
Result<bool> AnyWorkspace(storage::Connection& c);

// --- users ---
struct UserWithHash {
  User user;
  std::optional<std::string> password_hash;
};
Result<std::optional<User>> LoadUser(storage::Connection& c, Id workspace_id, Id id);
Result<std::optional<User>> LoadUserByEmail(storage::Connection& c, Id workspace_id,
                                            const std::string& email_norm);
Result<std::optional<UserWithHash>> LoadUserWithHash(storage::Connection& c, Id workspace_id,
                                                     Id id);
// Users with this email in ANY workspace, enabled or not, oldest workspace first (login only:
// the one cross-workspace query, served by users_by_email).
Result<std::vector<UserWithHash>> LoadUsersByEmailEverywhere(storage::Connection& c,
                                                             const std::string& email_norm);
Result<std::vector<User>> LoadUsers(storage::Connection& c, Id workspace_id);  // by id
Status InsertUser(storage::Connection& c, const User& u,
                  const std::optional<std::string>& password_hash);
// Writes name, role and disabled_at.
Status UpdateUser(storage::Connection& c, const User& u);
Status SetPasswordHash(storage::Connection& c, Id workspace_id, Id user_id,
                       const std::string& password_hash);
Result<int64_t> CountActiveAdmins(storage::Connection& c, Id workspace_id);

// --- API tokens ---
Status InsertToken(storage::Connection& c, const ApiToken& t, const std::string& token_hash);
// Unrevoked tokens of the workspace, of one user when `user_id` is set; by id.
Result<std::vector<ApiToken>> LoadTokens(storage::Connection& c, Id workspace_id,
                                         std::optional<Id> user_id);
// Revokes an unrevoked token (of `owner` when set). Returns the rows changed (0 or 1).
Result<int64_t> RevokeToken(storage::Connection& c, Id workspace_id, Id token_id,
                            std::optional<Id> owner, Micros now);
Status TouchToken(storage::Connection& c, Id workspace_id, Id token_id, Micros now);

struct TokenPrincipal {
  Principal principal;
  std::optional<Micros> last_used_at;
};
// The principal of an unrevoked token of an enabled user.
Result<std::optional<TokenPrincipal>> LoadTokenPrincipal(storage::Connection& c, Id workspace_id,
                                                         const std::string& token_hash);

// --- sessions ---
struct SessionRow {
  Id workspace_id = 0;
  Id id = 0;
  Id user_id = 0;
  std::string token_hash;
  std::string csrf_token;
  Micros created_at = 0;
  Micros expires_at = 0;
};
Status InsertSession(storage::Connection& c, const SessionRow& s);
struct SessionPrincipal {
  Principal principal;  // csrf_token and session_id set
  Micros expires_at = 0;
};
// The principal of a session (expired or not) of an enabled user.
Result<std::optional<SessionPrincipal>> LoadSessionPrincipal(storage::Connection& c,
                                                             Id workspace_id,
                                                             const std::string& token_hash);
Status ExtendSession(storage::Connection& c, Id workspace_id, Id session_id, Micros expires_at);
Result<int64_t> DeleteSession(storage::Connection& c, Id workspace_id,
                              const std::string& token_hash);
Status DeleteExpiredSessions(storage::Connection& c, Id workspace_id, Id user_id, Micros now);
Status DeleteUserSessions(storage::Connection& c, Id workspace_id, Id user_id);

}  // namespace rally::auth::repo
