// Routes: GET /api/v1/jobs, GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/cancel (see jobs_api.h).
#include "api/jobs_api.h"

#include "api/api.h"
#include "jobs/job_queue.h"

namespace rally::api {

using http::Method;
using http::Request;

void AddJobsRoutes(http::Router& router, const Authenticator& auth, jobs::JobQueue& jobs) {
  router.Add(
      Method::kGet, "/api/v1/jobs", auth.Require([&](Request& req, const auth::Principal& p) {
        auto limit = ParseLimit(req, 50, 1000);
        if (!limit.ok()) return ErrorResponse(limit.status());
        jobs::JobListOptions opts;
        opts.limit = *limit;
        if (auto s = req.QueryParam("state")) {
          opts.state = jobs::ParseJobState(*s);
          if (!opts.state) {
            return ErrorResponse(
                FieldInvalid("state", "invalid",
                             "state must be one of queued, running, succeeded, failed, canceled"));
          }
        }
        if (auto k = req.QueryParam("kind")) opts.kind = std::string(*k);
        if (auto c = req.QueryParam("cursor")) opts.cursor = std::string(*c);
        auto page = jobs.List(p.workspace_id, opts);
        if (!page.ok()) return ErrorResponse(page.status());
        return JsonResponse(200, page->ToJson());
      }));

  router.Add(Method::kGet, "/api/v1/jobs/{id}",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto job = jobs.Get(p.workspace_id, *id);
               if (!job.ok()) return ErrorResponse(job.status());
               return JsonResponse(200, jobs::JobToJson(*job));
             }));

  router.Add(Method::kPost, "/api/v1/jobs/{id}/cancel",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto id = PathId(req);
               if (!id.ok()) return ErrorResponse(id.status());
               auto job = jobs.Get(p.workspace_id, *id);
               if (!job.ok()) return ErrorResponse(job.status());
               if (p.role != auth::Role::kAdmin && job->created_by != p.user_id) {
                 return ErrorResponse(
                     PermissionDenied("only an admin or the user who started a job may cancel it"));
               }
               auto canceled = jobs.Cancel(p.workspace_id, *id);
               if (!canceled.ok()) return ErrorResponse(canceled.status());
               return JsonResponse(200, jobs::JobToJson(*canceled));
             }));
}

}  // namespace rally::api
