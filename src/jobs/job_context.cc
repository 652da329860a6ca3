#include "jobs/job_context.h"

#include "jobs/job_queue.h"

namespace rally::jobs {
namespace {

Status HandedBack(Id job_id) {
  return Unavailable("job " + IdToString(job_id) +
                     ": the runner is stopping and handed the job back to the queue");
}

}  // namespace

JobContext::JobContext(JobQueue& queue, Job job, Micros lease_duration)
    : queue_(queue),
      job_(std::move(job)),
      lease_{job_.workspace_id, job_.id, job_.lease_owner},
      lease_duration_(lease_duration),
      cancel_requested_(job_.cancel_requested) {}

Status JobContext::ReportProgress(json::object progress) { return Renew(&progress, nullptr); }

Status JobContext::ReportProgressWithNextCommit(json::object progress) {
  return Renew(&progress, &progress_ticket_);
}

Status JobContext::Heartbeat() { return Renew(nullptr, nullptr); }

Status JobContext::Renew(const json::object* progress, storage::CommitTicket* deferred) {
  if (released_.load()) return HandedBack(job_.id);
  if (lease_lost_.load()) return FailedPrecondition("job " + IdToString(job_.id) + ": lease lost");
  Result<bool> canceled = queue_.Renew(lease_, lease_duration_, progress, deferred);
  if (!canceled.ok()) {
    if (canceled.status().code() == StatusCode::kFailedPrecondition) lease_lost_.store(true);
    // A release that raced this write shows as a lost lease; say what really happened.
    if (released_.load()) return HandedBack(job_.id);
    return canceled.status();
  }
  if (*canceled) {
    cancel_requested_.store(true);
    return Status(StatusCode::kCanceled, "job " + IdToString(job_.id) + " was canceled");
  }
  return Status::Ok();
}

Status JobContext::CompleteInTx(storage::Transaction& tx, json::value result) {
  if (released_.load()) return HandedBack(job_.id);
  Status s = queue_.CompleteInTx(tx, lease_, result);
  if (!s.ok()) return s;
  result_ = std::move(result);
  tx.AfterCommit([this] { completed_.store(true); });
  return Status::Ok();
}

}  // namespace rally::jobs
