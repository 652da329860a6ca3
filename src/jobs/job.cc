#include "jobs/job.h"

namespace rally::jobs {
namespace {

struct StateName {
  JobState state;
  std::string_view name;
};
constexpr StateName kStateNames[] = {
    {JobState::kQueued, "queued"},       {JobState::kRunning, "running"},
    {JobState::kSucceeded, "succeeded"}, {JobState::kFailed, "failed"},
    {JobState::kCanceled, "canceled"},
};

json::value OptTime(const std::optional<Micros>& t) {
  if (!t) return nullptr;
  return json::value(FormatTimestamp(*t));
}

}  // namespace

std::string_view JobStateName(JobState s) {
  for (const StateName& n : kStateNames)
    if (n.state == s) return n.name;
  return "queued";
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (const StateName& n : kStateNames)
    if (n.name == name) return n.state;
  return std::nullopt;
}

bool IsFinished(JobState s) {
  return s == JobState::kSucceeded || s == JobState::kFailed || s == JobState::kCanceled;
}

json::object JobToJson(const Job& job) {
  json::object out;
  out["id"] = IdToString(job.id);
  out["kind"] = job.kind;
  out["state"] = JobStateName(job.state);
  out["payload"] = job.payload;
  out["attempts"] = job.attempts;
  out["max_attempts"] = job.max_attempts;
  out["run_after"] = FormatTimestamp(job.run_after);
  out["cancel_requested"] = job.cancel_requested;
  out["progress"] = job.progress;
  out["result"] = job.result;
  out["error"] = job.error.empty() ? json::value(nullptr) : json::value(job.error);
  json::object actor;
  actor["type"] = job.actor.type;
  actor["id"] = job.actor.id != 0 ? json::value(IdToString(job.actor.id)) : json::value(nullptr);
  out["actor"] = std::move(actor);
  out["created_by"] =
      job.created_by != 0 ? json::value(IdToString(job.created_by)) : json::value(nullptr);
  out["created_at"] = FormatTimestamp(job.created_at);
  out["updated_at"] = FormatTimestamp(job.updated_at);
  out["started_at"] = OptTime(job.started_at);
  out["finished_at"] = OptTime(job.finished_at);
  return out;
}

Micros RetryPolicy::Delay(int attempts) const {
  Micros delay = base;
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return delay < max ? delay : max;
}

bool IsRetryable(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
    case StatusCode::kInternal:
    case StatusCode::kCanceled:
      return true;
    default:
      return false;
  }
}

}  // namespace rally::jobs
