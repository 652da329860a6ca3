// The value types of auth: workspaces, users, API tokens and what login returns. Secrets appear
// only where noted (a token's plaintext once, at creation; a session token at login).
#pragma once

#include <optional>
#include <string>

#include "auth/principal.h"
#include "base/clock.h"
#include "base/ids.h"

namespace rally::auth {

struct Workspace {
  Id id = 0;
  std::string name;
  std::string default_region = "US";  // ISO 3166 alpha-2, for phone numbers without a country
  Micros created_at = 0;
};

struct User {
  Id workspace_id = 0;
  Id id = 0;
  std::string email;       // as typed (trimmed; domain in Unicode)
  std::string email_norm;  // the match key (fields::NormalizeEmail)
  std::string name;
  Role role = Role::kMember;
  bool has_password = false;  // false: the user cannot log in (e.g. made only to own contacts)
  Micros created_at = 0;
  std::optional<Micros> disabled_at;
  bool disabled() const { return disabled_at.has_value(); }
};

struct NewUser {
  std::string email;
  std::string name;
  Role role = Role::kMember;
  std::string password;  // empty: no password, no login
};

// A partial update; unset members are left alone.
struct UserPatch {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};

// An API token as listed: never its secret.
struct ApiToken {
  Id workspace_id = 0;
  Id id = 0;
  Id user_id = 0;
  std::string name;
  Micros created_at = 0;
  std::optional<Micros> last_used_at;  // updated at most once a minute
};

// What CreateToken returns: the token's record and its plaintext, shown to the caller once.
struct CreatedToken {
  ApiToken info;
  std::string token;  // "rly_<ws base36>_<secret>"
};

struct LoginRequest {
  std::string email;
  std::string password;
  std::optional<Id> workspace_id;  // needed only when the email is a user in several workspaces
  std::string client;              // the client's address, for the failed-login rate limit
};

struct LoginResult {
  User user;
  Workspace workspace;
  Id session_id = 0;
  std::string session_token;  // the cookie value; stored only as a digest
  std::string csrf_token;
  Micros expires_at = 0;
};

// What Bootstrap() made on an empty database; the password and token are shown once.
struct BootstrapResult {
  Workspace workspace;
  User admin;
  std::string admin_password;
  CreatedToken token;
};

}  // namespace rally::auth
