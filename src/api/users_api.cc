// Routes: GET /api/v1/users, POST /api/v1/users (admin), GET /api/v1/users/{id},
// PATCH /api/v1/users/{id} (admin).
#include "api/api.h"
#include "api/auth_api.h"
#include "api/auth_body.h"
#include "auth/auth_service.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response ListUsers(const auth::Principal& p, auth::AuthService& auth_service) {
  auto users = auth_service.ListUsers(p.workspace_id);
  if (!users.ok()) return ErrorResponse(users.status());
  json::array data;
  for (const auto& u : *users) data.emplace_back(UserToJson(u));
  // A workspace has few users: one page, in the list shape every resource shares.
  return JsonResponse(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
}

Response CreateUser(const Request& req, const auth::Principal& p,
                    auth::AuthService& auth_service) {
  auto body = ParseObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auth_body::BodyReader in(*body, {"email", "name", "role", "password"});
  auth::NewUser user;
  user.email = in.String("email", /*required=*/true).value_or("");
  user.name = in.String("name").value_or("");
  user.role = in.RoleField("role").value_or(auth::Role::kMember);
  user.password = in.String("password").value_or("");
  if (Status s = in.Finish(); !s.ok()) return ErrorResponse(s);
  auto created = auth_service.CreateUser(p.workspace_id, user);
  if (!created.ok()) return ErrorResponse(created.status());
  return JsonResponse(201, UserToJson(*created));
}

Response GetUser(const Request& req, const auth::Principal& p, auth::AuthService& auth_service) {
  auto id = PathId(req);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = auth_service.GetUser(p.workspace_id, *id);
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(200, UserToJson(*user));
}

Response UpdateUser(const Request& req, const auth::Principal& p,
                    auth::AuthService& auth_service) {
  auto id = PathId(req);
  if (!id.ok()) return ErrorResponse(id.status());
  auto body = ParseObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auth_body::BodyReader in(*body, {"name", "role", "disabled", "password"});
  auth::UserPatch patch;
  patch.name = in.String("name");
  patch.role = in.RoleField("role");
  patch.disabled = in.Bool("disabled");
  patch.password = in.String("password");
  if (Status s = in.Finish(); !s.ok()) return ErrorResponse(s);
  auto updated = auth_service.UpdateUser(p.workspace_id, *id, patch);
  if (!updated.ok()) return ErrorResponse(updated.status());
  return JsonResponse(200, UserToJson(*updated));
}

}  // namespace

void AddUserRoutes(http::Router& router, const Authenticator& authenticator,
                   auth::AuthService& auth_service) {
  auto& svc = auth_service;
  router.Add(Method::kGet, "/api/v1/users",
             authenticator.Require(
                 [&svc](Request&, const auth::Principal& p) { return ListUsers(p, svc); }));
  router.Add(Method::kPost, "/api/v1/users",
             authenticator.Require([&svc](Request& req, const auth::Principal& p) {
               return CreateUser(req, p, svc);
             }, auth::Role::kAdmin));
  router.Add(Method::kGet, "/api/v1/users/{id}",
             authenticator.Require([&svc](Request& req, const auth::Principal& p) {
               return GetUser(req, p, svc);
             }));
  router.Add(Method::kPatch, "/api/v1/users/{id}",
             authenticator.Require([&svc](Request& req, const auth::Principal& p) {
               return UpdateUser(req, p, svc);
             }, auth::Role::kAdmin));
}

}  // namespace rally::api
