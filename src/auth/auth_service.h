// AuthService: workspaces, users, roles, passwords, login sessions and API tokens, and the
// authentication of every API request.
//
// Credentials (see auth/credentials.h for the formats):
//   - API tokens "rly_<workspace base36>_<secret>", shown once at creation, stored as SHA-256,
//     looked up by (workspace_id, token_hash): no query spans workspaces.
//   - Session tokens (the "rally_session" cookie) "rlys_<workspace base36>_<secret>", stored as
//     SHA-256, with a CSRF token; they expire `session_ttl` (14 days) after their last use
//     (sliding; the stored expiry moves at most once per `touch_interval`).
//   - Passwords as argon2id strings (libsodium crypto_pwhash_str).
//
// Speed: Authenticate/AuthenticateSession answer from an in-process cache of digest ->
// Principal for `cache_ttl` (10 s), so a hot client costs one SHA-256 and a map lookup per
// request. Revoking a token, logging out, disabling a user or changing a role through THIS
// object takes effect at once in this process; another process sharing the database sees it
// within `cache_ttl` (auth/principal_cache.h). A token's last_used_at is written at most once
// per `touch_interval` (a minute).
//
// Login looks the email up across workspaces (the one cross-workspace query, on the
// users_by_email index); failures never say whether the email exists, take as long as a
// password check, and are rate-limited per email + client address in this process
// (`max_failed_logins` per `failed_login_window` -> kResourceExhausted).
//
// Thread safety: safe from any thread. REQUIRES for every method: not called from inside a
// storage::Database::Write callback (methods run their own transactions).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_records.h"
#include "auth/credentials.h"
#include "auth/login_limiter.h"
#include "auth/principal.h"
#include "auth/principal_cache.h"
#include "base/clock.h"
#include "base/result.h"
#include "storage/database.h"

namespace rally::auth {

struct AuthOptions {
  PasswordLimits password_limits = PasswordLimits::Interactive();
  Micros session_ttl = 14 * kMicrosPerDay;
  Micros cache_ttl = 10 * kMicrosPerSecond;
  size_t cache_capacity = 10'000;
  Micros touch_interval = 60 * kMicrosPerSecond;
  int max_failed_logins = 10;
  Micros failed_login_window = 60 * kMicrosPerSecond;

  // Fast password hashing for tests; everything else as in production.
  static AuthOptions ForTesting() {
    AuthOptions o;
    o.password_limits = PasswordLimits::Minimal();
    return o;
  }
};

class AuthService {
 public:
  // `db` must outlive this object and already be migrated.
  explicit AuthService(storage::Database& db, AuthOptions options = {});
  ~AuthService();
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // ---- Authentication (the hot path) ----

  // The principal of an API token (the value after "Bearer ").
  // Errors: kUnauthenticated when the token is malformed, unknown in the workspace it names,
  // revoked, or its user disabled; kUnavailable when the database cannot be read.
  Result<Principal> Authenticate(std::string_view bearer_token);

  // The principal of a session cookie value, with session_id and csrf_token set. Slides the
  // session's expiry. Errors: kUnauthenticated when malformed, unknown, logged out, expired or
  // the user disabled; kUnavailable.
  Result<Principal> AuthenticateSession(std::string_view session_token);

  // ---- Sessions ----

  // Checks email + password and opens a session.
  // Errors: kUnauthenticated "email or password is wrong" for an unknown email, a wrong
  // password, a disabled user or one without a password (all alike); kInvalidArgument naming
  // "workspace_id" (code "required") when the credentials match users in several workspaces
  // and no workspace_id was given; kResourceExhausted after too many failures for this
  // email + client; kUnavailable.
  Result<LoginResult> Login(const LoginRequest& request);

  // Deletes the session. OK also when it no longer exists (logging out twice is harmless).
  // Errors: kUnavailable.
  Status Logout(std::string_view session_token);

  // ---- Workspaces ----

  // Errors: kInvalidArgument naming "name" (blank, over 200 bytes) or "default_region" (not
  // two letters; lower case is accepted and upper-cased).
  Result<Workspace> CreateWorkspace(std::string_view name, std::string_view default_region = "US");
  // Errors: kNotFound.
  Result<Workspace> GetWorkspace(Id workspace_id);
  // Oldest first (the CLI's default workspace is the first).
  Result<std::vector<Workspace>> ListWorkspaces();
  // The workspace's default phone region ("US"). Errors: kNotFound.
  Result<std::string> DefaultRegion(Id workspace_id);
  // Errors: kNotFound; kInvalidArgument as CreateWorkspace.
  Status SetDefaultRegion(Id workspace_id, std::string_view region);
  // Renames the workspace and/or changes its default region; absent fields stay. Returns the
  // workspace as stored. Errors: kNotFound; kInvalidArgument naming "name" or "default_region".
  Result<Workspace> UpdateWorkspace(Id workspace_id, std::optional<std::string> name,
                                    std::optional<std::string> default_region);

  // ---- Users ----

  // The email is validated and normalized with fields::NormalizeEmail; the name trimmed; the
  // password (optional: empty means the user cannot log in) at least kMinPasswordBytes.
  // Errors: kInvalidArgument with details naming "email", "name" or "password";
  // kAlreadyExists (detail "email", code "duplicate", existing_id) when the workspace already
  // has a user with that email in any case; kNotFound when the workspace does not exist.
  Result<User> CreateUser(Id workspace_id, const NewUser& user);
  // Errors: kNotFound (also for another workspace's user).
  Result<User> GetUser(Id workspace_id, Id user_id);
  // By email in any case or spacing. Errors: kNotFound.
  Result<User> FindUserByEmail(Id workspace_id, std::string_view email);
  // Every user of the workspace, disabled ones included, by id.
  Result<std::vector<User>> ListUsers(Id workspace_id);
  // Applies `patch`. Disabling deletes the user's sessions; the user's tokens stop working
  // (and work again if re-enabled). Errors: kNotFound; kInvalidArgument naming "name" or
  // "password"; kFailedPrecondition when the change would leave the workspace without an
  // enabled admin.
  Result<User> UpdateUser(Id workspace_id, Id user_id, const UserPatch& patch);

  // ---- API tokens ----

  // A new token for the user; the plaintext is returned here and never again. The name is
  // trimmed (may be empty; at most 200 bytes). Errors: kNotFound (no such user);
  // kFailedPrecondition (user disabled); kInvalidArgument naming "name".
  Result<CreatedToken> CreateToken(Id workspace_id, Id user_id, std::string_view name);
  // Unrevoked tokens, without secrets, by id: the user's when `user_id` is set, else all.
  Result<std::vector<ApiToken>> ListTokens(Id workspace_id, std::optional<Id> user_id = {});
  // Revokes a token; when `owner` is set, only a token of that user. Takes effect immediately
  // in this process. Errors: kNotFound (unknown, already revoked, or not owner's).
  Status RevokeToken(Id workspace_id, Id token_id, std::optional<Id> owner = {});

  // ---- First start ----

  // On a database without any workspace: creates workspace "Default", an admin user
  // admin@localhost with a random password, and an API token for it, all in one transaction,
  // and returns them (to print once). nullopt when a workspace already exists, so calling it on
  // every start is safe. (On a shared PostgreSQL two first starts racing may both bootstrap;
  // start one process first.) Errors: kUnavailable.
  Result<std::optional<BootstrapResult>> Bootstrap();

  const AuthOptions& options() const { return options_; }

 private:
  Result<CreatedToken> InsertToken(storage::Connection& c, Id workspace_id, Id user_id,
                                   std::string name, Micros now);
  const std::string& DummyHash();
  void MaybeTouchToken(const std::string& key, const Principal& p, Micros now);
  void MaybeExtendSession(const std::string& key, const Principal& p, Micros now);

  storage::Database& db_;
  const AuthOptions options_;
  PrincipalCache cache_;
  LoginLimiter login_limiter_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace rally::auth
