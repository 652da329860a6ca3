// Routes: POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me (and, through
// AddUserRoutes/AddTokenRoutes, /users and /tokens).
#include "api/auth_api.h"

#include "api/api.h"
#include "api/auth_body.h"
#include "auth/auth_service.h"
#include "base/clock.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

std::string SessionCookie(std::string_view value, Micros max_age) {
  // No "Secure": Rally serves plain HTTP on loopback by default; behind a TLS proxy the
  // browser still sends the cookie only to this origin.
  return std::string(kSessionCookieName) + "=" + std::string(value) +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age / kMicrosPerSecond);
}

std::string ClearedSessionCookie() {
  return std::string(kSessionCookieName) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
}

Response Login(const Request& req, auth::AuthService& auth_service) {
  auto body = ParseObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auth_body::BodyReader in(*body, {"email", "password", "workspace_id"});
  auth::LoginRequest login;
  login.email = in.String("email", /*required=*/true).value_or("");
  login.password = in.String("password", /*required=*/true).value_or("");
  login.workspace_id = in.IdField("workspace_id");
  login.client = req.remote_addr;
  if (Status s = in.Finish(); !s.ok()) return ErrorResponse(s);

  auto result = auth_service.Login(login);
  if (!result.ok()) return ErrorResponse(result.status());
  Response r = JsonResponse(200, json::object{
                                     {"user", UserToJson(result->user)},
                                     {"workspace", WorkspaceToJson(result->workspace)},
                                     {"role", auth::RoleName(result->user.role)},
                                     {"csrf_token", result->csrf_token},
                                     {"expires_at", FormatTimestamp(result->expires_at)},
                                 });
  r.headers.emplace_back("Set-Cookie", SessionCookie(result->session_token,
                                                     auth_service.options().session_ttl));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response Logout(const Request& req, auth::AuthService& auth_service) {
  // Whatever authenticated this request, the cookie's session (if any) ends here.
  if (auto cookie = req.Cookie(kSessionCookieName)) {
    if (Status s = auth_service.Logout(*cookie); !s.ok()) return ErrorResponse(s);
  }
  Response r = Response::NoContent();
  r.headers.emplace_back("Set-Cookie", ClearedSessionCookie());
  return r;
}

Response Me(const Request& req, const auth::Principal& p, auth::AuthService& auth_service) {
  auto user = auth_service.GetUser(p.workspace_id, p.user_id);
  if (!user.ok()) return ErrorResponse(user.status());
  auto workspace = auth_service.GetWorkspace(p.workspace_id);
  if (!workspace.ok()) return ErrorResponse(workspace.status());
  json::object out{
      {"user", UserToJson(*user)},
      {"workspace", WorkspaceToJson(*workspace)},
      {"role", auth::RoleName(p.role)},
      {"auth", p.session_id != 0 ? "session" : "token"},
  };
  if (p.session_id != 0) out["csrf_token"] = p.csrf_token;
  Response r = JsonResponse(200, out);
  r.headers.emplace_back("Cache-Control", "no-store");
  // The server slides the session's expiry; renew the cookie's lifetime to match, so an active
  // user of the UI (which calls /auth/me on load) is not logged out by the browser.
  if (auto cookie = req.Cookie(kSessionCookieName); cookie && p.session_id != 0) {
    r.headers.emplace_back("Set-Cookie",
                           SessionCookie(*cookie, auth_service.options().session_ttl));
  }
  return r;
}

std::optional<std::string> OptTime(const std::optional<Micros>& t) {
  if (!t) return std::nullopt;
  return FormatTimestamp(*t);
}

json::value OrNull(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}

}  // namespace

json::object UserToJson(const auth::User& user) {
  return json::object{
      {"id", IdToString(user.id)},
      {"email", user.email},
      {"name", user.name},
      {"role", auth::RoleName(user.role)},
      {"disabled", user.disabled()},
      {"has_password", user.has_password},
      {"created_at", FormatTimestamp(user.created_at)},
  };
}

json::object WorkspaceToJson(const auth::Workspace& workspace) {
  return json::object{
      {"id", IdToString(workspace.id)},
      {"name", workspace.name},
      {"default_region", workspace.default_region},
      {"created_at", FormatTimestamp(workspace.created_at)},
  };
}

json::object TokenToJson(const auth::ApiToken& token) {
  return json::object{
      {"id", IdToString(token.id)},
      {"name", token.name},
      {"user_id", IdToString(token.user_id)},
      {"created_at", FormatTimestamp(token.created_at)},
      {"last_used_at", OrNull(OptTime(token.last_used_at))},
  };
}

void AddAuthRoutes(http::Router& router, const Authenticator& authenticator,
                   auth::AuthService& auth_service) {
  router.Add(Method::kPost, "/api/v1/auth/login",
             [&auth_service](Request& req) { return Login(req, auth_service); });
  router.Add(Method::kPost, "/api/v1/auth/logout",
             authenticator.Require([&auth_service](Request& req, const auth::Principal&) {
               return Logout(req, auth_service);
             }));
  router.Add(Method::kGet, "/api/v1/auth/me",
             authenticator.Require([&auth_service](Request& req, const auth::Principal& p) {
               return Me(req, p, auth_service);
             }));
  AddUserRoutes(router, authenticator, auth_service);
  AddTokenRoutes(router, authenticator, auth_service);
}

}  // namespace rally::api
