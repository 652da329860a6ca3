// REST routes for login sessions, users and API tokens, and the JSON forms of auth records.
//
//   POST   /api/v1/auth/login    {"email","password","workspace_id"?}  (no auth; sets the
//                                 rally_session cookie: HttpOnly, SameSite=Lax, Path=/)
//   POST   /api/v1/auth/logout   ends the cookie's session, clears the cookie
//   GET    /api/v1/auth/me       user, workspace, role, csrf_token (session auth only)
//   GET    /api/v1/users         every user of the workspace
//   POST   /api/v1/users         admin: {"email","name"?,"role"?,"password"?}
//   GET    /api/v1/users/{id}
//   PATCH  /api/v1/users/{id}    admin: {"name"?,"role"?,"disabled"?,"password"?}
//   GET    /api/v1/tokens        the caller's tokens; an admin sees the workspace's
//   POST   /api/v1/tokens        {"name","user_id"?} -> {"token":...} shown this once; user_id
//                                 (another user's token) admin only
//   DELETE /api/v1/tokens/{id}   revoke: the caller's own; an admin any
//
// A failed login answers 401 "email or password is wrong" whatever was wrong, and 429 after
// too many failures for one email from one client (auth/auth_service.h).
#pragma once

#include "api/authenticator.h"
#include "auth/auth_records.h"
#include "base/json.h"
#include "http/router.h"

namespace rally::auth {
class AuthService;
}

namespace rally::api {

inline constexpr std::string_view kSessionCookieName = "rally_session";

// Registers every route above. `auth_service` and `authenticator` must outlive the router.
void AddAuthRoutes(http::Router& router, const Authenticator& authenticator,
                   auth::AuthService& auth_service);

// GET and PATCH (admin) /api/v1/workspace: the caller's workspace name and default phone region.
void AddWorkspaceRoutes(http::Router& router, const Authenticator& authenticator,
                        auth::AuthService& auth_service);

// The parts of AddAuthRoutes, one per resource file (users_api.cc, tokens_api.cc).
void AddUserRoutes(http::Router& router, const Authenticator& authenticator,
                   auth::AuthService& auth_service);
void AddTokenRoutes(http::Router& router, const Authenticator& authenticator,
                    auth::AuthService& auth_service);

// {"id","email","name","role","disabled","has_password","created_at"}; ids as strings.
json::object UserToJson(const auth::User& user);
// {"id","name","default_region","created_at"}
json::object WorkspaceToJson(const auth::Workspace& workspace);
// {"id","name","user_id","created_at","last_used_at"}; never a secret.
json::object TokenToJson(const auth::ApiToken& token);

}  // namespace rally::api
