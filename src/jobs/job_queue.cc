#include "jobs/job_queue.h"

#include "storage/dialect.h"

#include "base/log.h"
#include "jobs/job_repository.h"

namespace rally::jobs {
namespace {

constexpr int kMaxAttempts = 100;
constexpr int kMaxListLimit = 1000;
constexpr int kReapBatch = 100;

Status LeaseLost(const Lease& lease) {
  return FailedPrecondition("job " + IdToString(lease.job_id) +
                            ": lease lost (the job was taken over, finished or handed back)");
}

// A fenced write's outcome as a Status.
Status Fenced(const Lease& lease, const Result<bool>& changed) {
  if (!changed.ok()) return changed.status();
  return *changed ? Status::Ok() : LeaseLost(lease);
}

}  // namespace

json::object JobPage::ToJson() const {
  json::array data;
  for (const Job& j : jobs) data.push_back(JobToJson(j));
  return json::object{
      {"data", std::move(data)},
      {"next_cursor", next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor)}};
}

void JobQueue::RegisterHandler(std::string kind, Handler handler) {
  std::lock_guard lock(mu_);
  handlers_[std::move(kind)] = std::move(handler);
}

Handler JobQueue::HandlerFor(std::string_view kind) const {
  std::lock_guard lock(mu_);
  auto it = handlers_.find(kind);
  return it == handlers_.end() ? Handler() : it->second;
}

std::vector<std::string> JobQueue::Kinds() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [kind, unused] : handlers_) out.push_back(kind);
  return out;
}

Result<Job> JobQueue::NewJob(Id workspace_id, std::string_view kind, json::value payload,
                             const SubmitOptions& options) const {
  if (!HandlerFor(kind)) {
    return FieldInvalid("kind", "invalid",
                        "no handler is registered for job kind \"" + std::string(kind) + "\"");
  }
  if (options.max_attempts < 1 || options.max_attempts > kMaxAttempts) {
    return FieldInvalid("max_attempts", "out_of_range",
                        "max_attempts must be from 1 to " + std::to_string(kMaxAttempts));
  }
  Job j;
  j.workspace_id = workspace_id;
  j.id = NewId();
  j.kind = std::string(kind);
  j.payload = std::move(payload);
  j.state = JobState::kQueued;
  j.max_attempts = options.max_attempts;
  j.created_at = j.updated_at = Now();
  j.run_after = options.run_after.value_or(j.created_at);
  j.actor = options.actor;
  j.created_by = options.created_by;
  return j;
}

Result<Id> JobQueue::Submit(Id workspace_id, std::string_view kind, json::value payload,
                            const SubmitOptions& options) {
  RALLY_ASSIGN_OR_RETURN(Job job, NewJob(workspace_id, kind, std::move(payload), options));
  RALLY_RETURN_IF_ERROR(
      db_.Write([&](storage::Transaction& tx) { return JobRepository::Insert(tx, job); }));
  NotifySubmitted();
  return job.id;
}

Result<Id> JobQueue::SubmitInTx(storage::Transaction& tx, Id workspace_id, std::string_view kind,
                                json::value payload, const SubmitOptions& options) {
  RALLY_ASSIGN_OR_RETURN(Job job, NewJob(workspace_id, kind, std::move(payload), options));
  RALLY_RETURN_IF_ERROR(JobRepository::Insert(tx, job));
  tx.AfterCommit([this] { NotifySubmitted(); });
  return job.id;
}

Result<Job> JobQueue::Get(Id workspace_id, Id id) {
  std::optional<Job> job;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(job, JobRepository::Find(c, workspace_id, id));
    return Status::Ok();
  }));
  if (!job) return NotFound("no job " + IdToString(id));
  return std::move(*job);
}

Result<JobPage> JobQueue::List(Id workspace_id, const JobListOptions& options) {
  if (options.limit < 1 || options.limit > kMaxListLimit) {
    return FieldInvalid("limit", "out_of_range", "limit must be a whole number from 1 to 1000");
  }
  std::optional<Id> before;
  if (!options.cursor.empty()) {
    before = ParseId(options.cursor);
    if (!before)
      return FieldInvalid("cursor", "invalid", "cursor must be the next_cursor of a previous page");
  }
  JobPage page;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(page.jobs, JobRepository::List(c, workspace_id, options.state,
                                                          options.kind, before, options.limit + 1));
    return Status::Ok();
  }));
  if (static_cast<int>(page.jobs.size()) > options.limit) {
    page.jobs.resize(options.limit);
    page.next_cursor = IdToString(page.jobs.back().id);
  }
  return page;
}

Result<Job> JobQueue::Cancel(Id workspace_id, Id id) {
  std::optional<Job> job;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    Micros now = Now();
    RALLY_ASSIGN_OR_RETURN(bool canceled, JobRepository::CancelQueued(tx, workspace_id, id, now));
    if (!canceled)
      RALLY_RETURN_IF_ERROR(JobRepository::RequestCancel(tx, workspace_id, id, now).status());
    RALLY_ASSIGN_OR_RETURN(job, JobRepository::Find(tx, workspace_id, id));
    return Status::Ok();
  }));
  if (!job) return NotFound("no job " + IdToString(id));
  if (job->state == JobState::kSucceeded || job->state == JobState::kFailed) {
    return FailedPrecondition("job " + IdToString(id) + " already " +
                              std::string(JobStateName(job->state)));
  }
  return std::move(*job);
}

Result<std::optional<Job>> JobQueue::Claim(std::string_view owner, Micros lease) {
  std::vector<std::string> kinds = Kinds();
  if (kinds.empty()) return std::optional<Job>();
  // A read first: an idle poll then costs a snapshot read, not a turn of the (SQLite) writer.
  bool due = false;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(due, JobRepository::HasDue(c, Now(), kinds));
    return Status::Ok();
  }));
  if (!due) return std::optional<Job>();
  const std::string token = std::string(owner) + "#" + IdToString(NewId());
  std::optional<Job> job;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    // The usual isolation for SKIP LOCKED claims: under REPEATABLE READ a job another worker
    // finished since our snapshot fails the claim with a serialization error (and a retry).
    RALLY_RETURN_IF_ERROR(storage::UseReadCommitted(tx));
    Micros now = Now();
    RALLY_ASSIGN_OR_RETURN(job, JobRepository::Claim(tx, token, now, now + lease, kinds));
    return Status::Ok();
  }));
  return job;
}

Result<bool> JobQueue::Renew(const Lease& lease, Micros lease_duration,
                             const json::object* progress, storage::CommitTicket* deferred) {
  std::optional<std::string> progress_text;
  if (progress) progress_text = ToJson(*progress);
  std::optional<bool> canceled;
  auto renew = [&](storage::Transaction& tx) -> Status {
    Micros now = Now();
    RALLY_ASSIGN_OR_RETURN(
        canceled, JobRepository::Renew(tx, lease, now, now + lease_duration, progress_text));
    return Status::Ok();
  };
  RALLY_RETURN_IF_ERROR(db_.WriteMaybeDeferred(renew, deferred));
  if (!canceled) return LeaseLost(lease);
  return *canceled;
}

Status JobQueue::Complete(const Lease& lease, const json::value& result) {
  return db_.Write([&](storage::Transaction& tx) { return CompleteInTx(tx, lease, result); });
}

Status JobQueue::CompleteInTx(storage::Transaction& tx, const Lease& lease,
                              const json::value& result) {
  return Fenced(lease, JobRepository::Complete(tx, lease, Now(), ToJson(result)));
}

Status JobQueue::Fail(const Lease& lease, const Status& error, std::optional<Micros> retry_at) {
  const std::string text = error.ToString();
  return db_.Write([&](storage::Transaction& tx) {
    Micros now = Now();
    if (retry_at)
      return Fenced(
          lease, JobRepository::Requeue(tx, lease, now, *retry_at, text, /*count_attempt=*/true));
    return Fenced(lease, JobRepository::Fail(tx, lease, now, text));
  });
}

Status JobQueue::FinishCanceled(const Lease& lease) {
  return db_.Write([&](storage::Transaction& tx) {
    return Fenced(lease, JobRepository::FinishCanceled(tx, lease, Now()));
  });
}

Status JobQueue::Release(const Lease& lease) {
  return db_.Write([&](storage::Transaction& tx) -> Status {
    Micros now = Now();
    RALLY_ASSIGN_OR_RETURN(std::optional<Job> job,
                           JobRepository::Find(tx, lease.workspace_id, lease.job_id));
    if (!job || job->state != JobState::kRunning || job->lease_owner != lease.owner)
      return LeaseLost(lease);
    if (job->cancel_requested) return Fenced(lease, JobRepository::FinishCanceled(tx, lease, now));
    return Fenced(lease,
                  JobRepository::Requeue(tx, lease, now, now, job->error, /*count_attempt=*/false));
  });
}

Result<int> JobQueue::ReapExpired(const RetryPolicy& retry, std::string_view reaper_owner) {
  int changed = 0;
  for (;;) {
    std::vector<ExpiredLease> expired;
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(expired, JobRepository::ExpiredLeases(c, Now(), kReapBatch));
      return Status::Ok();
    }));
    if (expired.empty()) return changed;
    std::vector<std::string> reaped;  // what the committed batch did, for the log
    RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
      reaped.clear();
      Micros now = Now();
      for (const ExpiredLease& e : expired) {
        // Take the lease over first, so a renewal racing this reaper (PostgreSQL) either lands
        // before and keeps the job, or finds the lease gone.
        Lease mine{e.lease.workspace_id, e.lease.job_id,
                   std::string(reaper_owner) + "#" + IdToString(NewId())};
        RALLY_ASSIGN_OR_RETURN(bool taken,
                               JobRepository::TakeExpired(tx, e.lease, now, mine.owner));
        if (!taken) continue;
        const std::string error = "lease of " + e.lease.owner +
                                  " expired (runner stopped or stuck) on attempt " +
                                  std::to_string(e.attempts);
        std::string outcome;
        Result<bool> done = false;
        if (e.cancel_requested) {
          done = JobRepository::FinishCanceled(tx, mine, now);
          outcome = "canceled";
        } else if (e.attempts >= e.max_attempts) {
          done = JobRepository::Fail(tx, mine, now, error);
          outcome = "failed (no attempts left)";
        } else {
          done = JobRepository::Requeue(tx, mine, now, now + retry.Delay(e.attempts), error,
                                        /*count_attempt=*/true);
          outcome = "queued for a retry";
        }
        RALLY_RETURN_IF_ERROR(done.status());
        reaped.push_back("job " + IdToString(e.lease.job_id) + ": lease of " + e.lease.owner +
                         " expired; " + outcome);
      }
      return Status::Ok();
    }));
    changed += static_cast<int>(reaped.size());
    for (const std::string& line : reaped) log::Warn(line);
    // A batch where every lease had meanwhile been renewed would repeat forever.
    if (static_cast<int>(expired.size()) < kReapBatch || reaped.empty()) return changed;
  }
}

Result<int64_t> JobQueue::PurgeFinished(Micros before) {
  int64_t purged = 0;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(purged, JobRepository::PurgeFinished(tx, before));
    return Status::Ok();
  }));
  return purged;
}

int JobQueue::AddSubmitListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  int handle = next_listener_++;
  listeners_.emplace(handle, std::move(listener));
  return handle;
}

void JobQueue::RemoveSubmitListener(int handle) {
  std::lock_guard lock(mu_);
  listeners_.erase(handle);
}

void JobQueue::NotifySubmitted() {
  // Under the lock, so a listener removed by a stopping runner is never called afterwards.
  std::lock_guard lock(mu_);
  for (auto& [handle, listener] : listeners_) listener();
}

}  // namespace rally::jobs
