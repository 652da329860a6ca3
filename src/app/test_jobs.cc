#include "app/test_jobs.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "api/api.h"
#include "api/authenticator.h"
#include "http/router.h"
#include "jobs/job_queue.h"

namespace rally::app {
namespace {

// An integer member of `obj` in [lo, hi], `fallback` when absent.
Result<int64_t> IntIn(const json::object& obj, std::string_view key, int64_t lo, int64_t hi,
                      int64_t fallback, const std::string& field) {
  const json::value* v = obj.if_contains(key);
  if (!v) return fallback;
  if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
    return FieldInvalid(field, "invalid",
                        field + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v->as_int64();
}

Status RunSteps(jobs::JobContext& ctx) {
  const json::object* payload = ctx.payload().if_object();
  json::object empty;
  const json::object& p = payload ? *payload : empty;
  RALLY_ASSIGN_OR_RETURN(int64_t steps, IntIn(p, "steps", 1, 10000, 1, "payload.steps"));
  RALLY_ASSIGN_OR_RETURN(int64_t step_ms, IntIn(p, "step_ms", 0, 60000, 0, "payload.step_ms"));
  const int64_t pid = ::getpid();
  for (int64_t i = 1; i <= steps; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
    RALLY_RETURN_IF_ERROR(ctx.ReportProgress(json::object{{"done", i}, {"total", steps}, {"pid", pid}}));
  }
  ctx.SetResult(json::object{{"pid", pid}, {"attempt", ctx.attempt()}, {"steps", steps}});
  return Status::Ok();
}

}  // namespace

void RegisterTestJobs(http::Router& router, const api::Authenticator& auth, jobs::JobQueue& queue) {
  queue.RegisterHandler(kTestStepsKind, RunSteps);
  router.Add(http::Method::kPost, "/api/v1/test/jobs",
             auth.Require([&queue](http::Request& req, const auth::Principal& p) {
               auto body = api::ParseObjectBody(req);
               if (!body.ok()) return api::ErrorResponse(body.status());
               auto attempts = IntIn(*body, "max_attempts", 1, 100, 3, "max_attempts");
               if (!attempts.ok()) return api::ErrorResponse(attempts.status());
               jobs::SubmitOptions options;
               options.max_attempts = static_cast<int>(*attempts);
               options.created_by = p.user_id;
               const json::value* payload = body->if_contains("payload");
               auto id = queue.Submit(p.workspace_id, kTestStepsKind, payload ? *payload : json::value(),
                                      options);
               if (!id.ok()) return api::ErrorResponse(id.status());
               return api::JsonResponse(201, json::object{{"id", IdToString(*id)}});
             }));
}

}  // namespace rally::app
