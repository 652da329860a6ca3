// Job: one unit of background work in the durable queue (jobs/job_queue.h), as stored in the
// jobs table, and the small value types around it.
//
// Thread safety: value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/status.h"

namespace rally::jobs {

// queued -> running -> succeeded | failed | canceled; running -> queued again for a retry, when
// a lease expires, or when a stopping runner hands the job back. A queued job may be canceled
// directly.
enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCanceled };

// "queued", "running", "succeeded", "failed", "canceled".
std::string_view JobStateName(JobState s);
std::optional<JobState> ParseJobState(std::string_view name);
// succeeded, failed or canceled: the job will not run again.
bool IsFinished(JobState s);

// Who the job acts as, for timeline entries and audit: a timeline actor type name ("import",
// "workflow", "email_sync", "user", "api_token", "system") and its id (0 for system). jobs/ sits
// beside timeline/ in the layering and may not include it; handlers above both turn this into a
// timeline::Actor with timeline::ParseActorType.
struct JobActor {
  std::string type = "system";
  Id id = 0;
};

struct Job {
  Id workspace_id = 0;
  Id id = 0;
  std::string kind;
  json::value payload;  // as submitted
  JobState state = JobState::kQueued;
  int attempts = 0;  // claims so far, this one included while running
  int max_attempts = 1;
  Micros run_after = 0;     // a queued job is not claimed before this instant
  std::string lease_owner;  // the claim's fencing token while running, "" otherwise
  std::optional<Micros> lease_expires_at;
  bool cancel_requested = false;
  json::object progress;  // the handler's last report, {} before any
  json::value result;     // set on success (null when the handler gave none)
  std::string error;      // the last failure ("unavailable: smtp down"), "" when none
  JobActor actor;
  Id created_by = 0;  // the submitting user, 0 for the system
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<Micros> started_at;   // the first claim
  std::optional<Micros> finished_at;  // set once finished
};

// The API shape: {"id","kind","state","payload","attempts","max_attempts","run_after",
// "cancel_requested","progress","result","error","actor":{"type","id"},"created_by",
// "created_at","updated_at","started_at","finished_at"}; ids and times as strings, absent
// values as null. The lease is not shown.
json::object JobToJson(const Job& job);

// The fencing token of one claim. Every write a runner makes for a claimed job (progress,
// lease renewal, completion) is conditioned on the job still being running under this owner,
// so a job taken over by another runner after its lease expired is never completed twice.
struct Lease {
  Id workspace_id = 0;
  Id job_id = 0;
  std::string owner;  // jobs.lease_owner as set by the claim: unique per claim
};

// When a failed attempt is retried: base * 2^(attempts-1), at most `max`.
struct RetryPolicy {
  Micros base = kMicrosPerSecond;
  Micros max = 300 * kMicrosPerSecond;
  Micros Delay(int attempts) const;
};

// Whether a handler's failure is worth another attempt: unavailable, resource_exhausted,
// internal (bugs and unexpected backend errors may be transient) and canceled (an interrupted
// operation, when nobody canceled the job). Every other code describes input or state that a
// retry would meet again, so the job fails at once.
bool IsRetryable(const Status& status);

}  // namespace rally::jobs
