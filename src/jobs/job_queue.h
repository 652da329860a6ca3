// JobQueue: the durable job queue (DESIGN.md src/jobs/). Imports, exports, mail sync, workflow
// runs and webhooks submit work here; runners (jobs/job_runner.h) in any `rally serve` process
// sharing the database claim it, run it and record the outcome. Nothing about a job lives only
// in one process: its state, lease, progress and result are rows of the jobs table.
//
// Life of a job: Submit (queued) -> a runner claims it (running, attempts + 1, leased to the
// runner for RunnerOptions::lease) -> the handler for its kind runs, renewing the lease by its
// progress reports and by the runner's heartbeat -> succeeded | failed | canceled, or queued
// again for a retry. If the runner's process dies, the lease expires and any runner's reaper
// requeues the job (or fails it once max_attempts are spent). Every write for a claimed job is
// fenced by its Lease, so exactly one run completes a job. Design and trade-offs:
// docs/decisions/0005-job-queue.md.
//
// Kinds are plain strings ("import.contacts", "webhook.deliver"), namespaced by their module.
// Each process registers a handler per kind at start-up; a runner claims only kinds its process
// has a handler for (so during a rolling upgrade an old process never takes a kind it does not
// know), and Submit refuses kinds with no handler (a typo would otherwise queue forever).
//
// Thread safety: safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "jobs/job.h"
#include "jobs/job_context.h"
#include "storage/database.h"

namespace rally::jobs {

struct SubmitOptions {
  int max_attempts = 3;             // 1..100
  std::optional<Micros> run_after;  // not before this instant; now when unset
  JobActor actor;                   // whom the job's changes are attributed to
  Id created_by = 0;                // the submitting user, 0 for the system
};

struct JobListOptions {
  int limit = 50;                 // 1..1000
  std::optional<JobState> state;  // only jobs in this state
  std::string kind;               // only this kind ("" = every kind)
  std::string cursor;             // next_cursor of the previous page
};

struct JobPage {
  std::vector<Job> jobs;
  std::string next_cursor;  // "" on the last page
  // {"data":[JobToJson...],"next_cursor":"..."|null}
  json::object ToJson() const;
};

class JobQueue {
 public:
  explicit JobQueue(storage::Database& db) : db_(db) {}
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  storage::Database& db() { return db_; }

  // --- Handlers ---

  // Registers the handler of `kind`. Runners pick new kinds up at their next claim.
  // REQUIRES: kind not empty and not registered yet.
  void RegisterHandler(std::string kind, Handler handler);
  // The handler of `kind`, or an empty function.
  Handler HandlerFor(std::string_view kind) const;
  // Every registered kind, sorted.
  std::vector<std::string> Kinds() const;

  // --- Submitting and watching ---

  // Queues a job in its own transaction and wakes this process's runners. Returns its id.
  // Errors: invalid_argument naming "kind" (no handler registered) or "max_attempts" (outside
  // 1..100); the database's errors.
  Result<Id> Submit(Id workspace_id, std::string_view kind, json::value payload,
                    const SubmitOptions& options = {});
  // The same inside the caller's transaction, so the job exists if and only if the caller's
  // writes commit (an import queued together with the import record that needs it). This
  // process's runners are woken after the commit.
  Result<Id> SubmitInTx(storage::Transaction& tx, Id workspace_id, std::string_view kind,
                        json::value payload, const SubmitOptions& options = {});

  // Errors: not_found (also for another workspace's job).
  Result<Job> Get(Id workspace_id, Id id);
  // The workspace's jobs, newest first.
  // Errors: invalid_argument naming "limit" or "cursor".
  Result<JobPage> List(Id workspace_id, const JobListOptions& options);

  // Cancels a job: a queued one is canceled at once and never runs; a running one is flagged,
  // and its handler learns of it at its next progress report (or the runner's next heartbeat),
  // stops, and the job ends canceled. Canceling a canceled job, or re-flagging a running one,
  // is allowed (idempotent). Returns the job as it now is.
  // Errors: not_found; failed_precondition when the job already succeeded or failed.
  Result<Job> Cancel(Id workspace_id, Id id);

  // --- Runner primitives (used by jobs::Runner; public so tests can play a runner that dies) ---

  // Claims the oldest due queued job of a registered kind (any workspace) for `owner` until
  // now + lease. The claimed job's lease_owner is `owner` plus a suffix unique to this claim,
  // which is the fencing token of its Lease. nullopt when nothing is due.
  Result<std::optional<Job>> Claim(std::string_view owner, Micros lease);

  // Extends a claimed job's lease to now + lease, storing `progress` when given. Returns
  // whether the job has been asked to cancel. With `deferred`, the write may share its commit
  // with the writes that follow (storage::Database::WriteDeferred): a progress report then
  // does not cost a bulk job's deferred batches (an import's) a commit of their own.
  // Errors: failed_precondition when the lease is no longer ours; a failed commit of
  // `deferred`'s.
  Result<bool> Renew(const Lease& lease, Micros lease_duration, const json::object* progress,
                     storage::CommitTicket* deferred = nullptr);

  // running -> succeeded. Errors: failed_precondition when the lease is no longer ours.
  Status Complete(const Lease& lease, const json::value& result);
  Status CompleteInTx(storage::Transaction& tx, const Lease& lease, const json::value& result);
  // Records a failed attempt: queued again at `retry_at` when given, failed otherwise.
  // Errors: failed_precondition when the lease is no longer ours.
  Status Fail(const Lease& lease, const Status& error, std::optional<Micros> retry_at);
  // running -> canceled. Errors as Complete.
  Status FinishCanceled(const Lease& lease);
  // Hands a job back unfinished (a stopping runner): queued and due now, the attempt not
  // counted; canceled instead when a cancel was requested. Errors as Complete.
  Status Release(const Lease& lease);

  // Requeues running jobs whose lease expired (their runner died or hung) with `retry`
  // backoff; fails those that spent max_attempts and cancels those asked to cancel. Runs in
  // batches of 100. Returns how many jobs it changed.
  Result<int> ReapExpired(const RetryPolicy& retry, std::string_view reaper_owner);

  // Deletes jobs that finished before `before`. Returns how many.
  Result<int64_t> PurgeFinished(Micros before);

  // --- Wake-ups within this process ---

  // `listener` runs after each Submit commits (on the submitting thread; keep it short).
  // Returns a handle for RemoveSubmitListener.
  int AddSubmitListener(std::function<void()> listener);
  void RemoveSubmitListener(int handle);

 private:
  Result<Job> NewJob(Id workspace_id, std::string_view kind, json::value payload,
                     const SubmitOptions& options) const;
  void NotifySubmitted();

  storage::Database& db_;
  mutable std::mutex mu_;
  std::map<std::string, Handler, std::less<>> handlers_;
  std::map<int, std::function<void()>> listeners_;
  int next_listener_ = 1;
};

}  // namespace rally::jobs
