// Routes: GET /api/v1/tokens, POST /api/v1/tokens, DELETE /api/v1/tokens/{id}.
// Members see and revoke their own tokens; admins every token of the workspace.
#include "api/api.h"
#include "api/auth_api.h"
#include "api/auth_body.h"
#include "auth/auth_service.h"
#include "base/strings.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

bool IsAdmin(const auth::Principal& p) { return p.role == auth::Role::kAdmin; }

Response ListTokens(const auth::Principal& p, auth::AuthService& auth_service) {
  auto tokens = auth_service.ListTokens(
      p.workspace_id, IsAdmin(p) ? std::nullopt : std::optional<Id>(p.user_id));
  if (!tokens.ok()) return ErrorResponse(tokens.status());
  json::array data;
  for (const auto& t : *tokens) data.emplace_back(TokenToJson(t));
  return JsonResponse(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
}

Response CreateToken(const Request& req, const auth::Principal& p,
                     auth::AuthService& auth_service) {
  auto body = ParseObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auth_body::BodyReader in(*body, {"name", "user_id"});
  std::string name = in.String("name", /*required=*/true).value_or("");
  std::optional<Id> user_id = in.IdField("user_id");
  if (Status s = in.Finish(); !s.ok()) return ErrorResponse(s);
  if (Trim(name).empty()) return ErrorResponse(FieldInvalid("name", "required", "name is required"));
  Id owner = user_id.value_or(p.user_id);
  if (owner != p.user_id && !IsAdmin(p)) {
    return ErrorResponse(PermissionDenied("only an admin creates tokens for other users"));
  }
  auto created = auth_service.CreateToken(p.workspace_id, owner, name);
  if (!created.ok()) return ErrorResponse(created.status());
  json::object out = TokenToJson(created->info);
  out["token"] = created->token;
  Response r = JsonResponse(201, out);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response RevokeToken(const Request& req, const auth::Principal& p,
                     auth::AuthService& auth_service) {
  auto id = PathId(req);
  if (!id.ok()) return ErrorResponse(id.status());
  // A member's request for someone else's token is answered 404, like one that does not exist.
  Status s = auth_service.RevokeToken(p.workspace_id, *id,
                                      IsAdmin(p) ? std::nullopt : std::optional<Id>(p.user_id));
  if (!s.ok()) return ErrorResponse(s);
  return Response::NoContent();
}

}  // namespace

void AddTokenRoutes(http::Router& router, const Authenticator& authenticator,
                    auth::AuthService& auth_service) {
  auto& svc = auth_service;
  router.Add(Method::kGet, "/api/v1/tokens",
             authenticator.Require(
                 [&svc](Request&, const auth::Principal& p) { return ListTokens(p, svc); }));
  router.Add(Method::kPost, "/api/v1/tokens",
             authenticator.Require([&svc](Request& req, const auth::Principal& p) {
               return CreateToken(req, p, svc);
             }));
  router.Add(Method::kDelete, "/api/v1/tokens/{id}",
             authenticator.Require([&svc](Request& req, const auth::Principal& p) {
               return RevokeToken(req, p, svc);
             }));
}

}  // namespace rally::api
