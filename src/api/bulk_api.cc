// Route: POST /api/v1/contacts/bulk (see bulk_api.h).
#include "api/bulk_api.h"

#include "api/api.h"
#include "segments/bulk_action_service.h"

namespace rally::api {

void AddBulkRoutes(http::Router& router, const Authenticator& auth, segments::BulkActionService& bulk) {
  router.Add(http::Method::kPost, "/api/v1/contacts/bulk",
             auth.Require([&](http::Request& req, const auth::Principal& p) {
               auto body = ParseObjectBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto request = segments::ParseBulkRequest(*body);
               if (!request.ok()) return ErrorResponse(request.status());
               segments::BulkCaller caller{p.workspace_id, p.user_id, p.role == auth::Role::kAdmin, ActorOf(p)};
               auto out = bulk.Run(caller, *request);
               if (!out.ok()) return ErrorResponse(out.status());
               return JsonResponse(out->job_id ? 202 : 200, out->ToJson());
             }));
}

}  // namespace rally::api
