// JobContext: what a job handler sees while it runs one claimed job: the job (payload,
// workspace, actor), progress reporting (which renews the lease and reports cancellation), and
// completion inside the handler's own transaction.
//
// A handler is a plain function registered per kind (JobQueue::RegisterHandler):
//
//   Status ImportContacts(jobs::JobContext& ctx) {
//     for (each batch) {
//       ... write the batch ...
//       RALLY_RETURN_IF_ERROR(ctx.ReportProgress({{"done", n}, {"total", total}}));
//     }
//     return db.Write([&](storage::Transaction& tx) {
//       ... last writes ...
//       return ctx.CompleteInTx(tx, json::object{{"created", created}});
//     });
//   }
//
// What it returns decides the job's fate: OK -> succeeded (with the result given to SetResult or
// CompleteInTx); kCanceled after a cancel -> canceled; a retryable error (jobs::IsRetryable) ->
// queued again with backoff until max_attempts, then failed; any other error -> failed at once.
//
// Execution is at least once, completion exactly once: a handler may run again after its
// process died or its lease was lost, but only one run can complete the job. So handlers must
// be idempotent, or better, write their side effects in the same transaction as the completion
// (CompleteInTx): then a run that lost its lease rolls its writes back with its completion.
//
// Thread safety: the handler's thread calls the handler-side methods; the runner's heartbeat
// calls Heartbeat() concurrently, which is safe.
#pragma once

#include <atomic>
#include <functional>

#include "base/json.h"
#include "base/result.h"
#include "jobs/job.h"
#include "storage/database.h"

namespace rally::jobs {

class JobQueue;
class JobContext;

using Handler = std::function<Status(JobContext&)>;

class JobContext {
 public:
  // Made by the runner for a job it has just claimed (job.lease_owner is the claim's token).
  JobContext(JobQueue& queue, Job job, Micros lease_duration);
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  // --- For handlers ---
  const Job& job() const { return job_; }
  Id workspace_id() const { return job_.workspace_id; }
  Id job_id() const { return job_.id; }
  const json::value& payload() const { return job_.payload; }
  const JobActor& actor() const { return job_.actor; }
  int attempt() const { return job_.attempts; }  // 1 on the first run

  // Stores `progress` (by convention {"done":N,"total":N,"message":"..."} plus any counts) and
  // renews the lease. One write per call: report per batch, not per row. Committed when it
  // returns.
  // Returns OK; kCanceled when the job has been canceled (stop, and return that status);
  // kFailedPrecondition when the lease was lost (another runner has the job: stop without
  // further side effects); kUnavailable when the runner is stopping and has handed the job back
  // to the queue, or when the database is unreachable.
  Status ReportProgress(json::object progress);
  // ReportProgress for a handler whose own writes are deferred (storage::Database::
  // WriteDeferred: an import's batches): the report commits with them rather than costing them
  // a commit of its own, so readers may see it up to a second later.
  Status ReportProgressWithNextCommit(json::object progress);

  // Whether a cancel was seen by the last progress report or heartbeat (no database access).
  bool cancel_requested() const { return cancel_requested_.load(); }

  // The result recorded when the handler returns OK without having called CompleteInTx.
  void SetResult(json::value result) { result_ = std::move(result); }

  // Marks the job succeeded with `result` as part of `tx`, the handler's own write, so the job's
  // side effects and its completion commit together or not at all.
  // Errors: kFailedPrecondition when the lease is no longer ours (return it from the write
  // function so the transaction rolls back); kUnavailable when the runner handed the job back.
  Status CompleteInTx(storage::Transaction& tx, json::value result);

  // --- For the runner ---
  const Lease& lease() const { return lease_; }
  // Renews the lease without new progress; outcomes as ReportProgress.
  Status Heartbeat();
  // The runner handed the job back to the queue: later reports and completion are refused.
  void MarkReleased() { released_.store(true); }
  bool released() const { return released_.load(); }
  bool lease_lost() const { return lease_lost_.load(); }
  // CompleteInTx's transaction committed.
  bool completed() const { return completed_.load(); }
  const json::value& result() const { return result_; }

 private:
  Status Renew(const json::object* progress, storage::CommitTicket* deferred);

  JobQueue& queue_;
  Job job_;
  Lease lease_;
  Micros lease_duration_;
  // ReportProgressWithNextCommit's (JobQueue::Renew); only the handler's thread reports.
  storage::CommitTicket progress_ticket_;
  json::value result_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> lease_lost_{false};
  std::atomic<bool> released_{false};
  std::atomic<bool> completed_{false};
};

}  // namespace rally::jobs
