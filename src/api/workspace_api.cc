// REST routes for the caller's workspace:
//   GET   /api/v1/workspace   {"id","name","default_region","created_at"}            200
//   PATCH /api/v1/workspace   admin: {"name"?, "default_region"?} (phone numbers
//                             without a country code are read in default_region)     200
#include "api/api.h"
#include "api/auth_api.h"
#include "api/auth_body.h"
#include "auth/auth_service.h"

namespace rally::api {

void AddWorkspaceRoutes(http::Router& router, const Authenticator& auth, auth::AuthService& service) {
  router.Add(http::Method::kGet, "/api/v1/workspace",
             auth.Require([&service](http::Request&, const auth::Principal& p) {
               auto w = service.GetWorkspace(p.workspace_id);
               if (!w.ok()) return ErrorResponse(w.status());
               return JsonResponse(200, WorkspaceToJson(*w));
             }));
  router.Add(http::Method::kPatch, "/api/v1/workspace",
             auth.Require(
                 [&service](http::Request& req, const auth::Principal& p) {
                   auto body = ParseObjectBody(req);
                   if (!body.ok()) return ErrorResponse(body.status());
                   auth_body::BodyReader reader(*body, {"name", "default_region"});
                   auto name = reader.String("name");
                   auto region = reader.String("default_region");
                   Status s = reader.Finish();
                   if (!s.ok()) return ErrorResponse(s);
                   auto w = service.UpdateWorkspace(p.workspace_id, name, region);
                   if (!w.ok()) return ErrorResponse(w.status());
                   return JsonResponse(200, WorkspaceToJson(*w));
                 },
                 auth::Role::kAdmin));
}

}  // namespace rally::api
