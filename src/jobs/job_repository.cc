#include "jobs/job_repository.h"

#include "storage/dialect.h"

namespace rally::jobs {
namespace {

using storage::Value;

#define RALLY_JOB_COLUMNS                                                                    \
  "workspace_id, id, kind, payload, state, attempts, max_attempts, run_after, lease_owner, " \
  "lease_expires_at, cancel_requested, progress, result, error, actor_type, actor_id, "      \
  "created_by, "                                                                             \
  "created_at, updated_at, started_at, finished_at"

// The WHERE clause of every write made under a lease (parameters: workspace_id, id, owner).
#define RALLY_JOB_FENCE \
  " WHERE workspace_id = ? AND id = ? AND state = 'running' AND lease_owner = ?"

// A JSON document the queue wrote itself; null if it was damaged outside Rally.
json::value ParseStored(std::string_view text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

Job ReadJob(const storage::Row& r) {
  Job j;
  j.workspace_id = r.Int(0);
  j.id = r.Int(1);
  j.kind = std::string(r.Text(2));
  j.payload = ParseStored(r.Text(3));
  j.state = ParseJobState(r.Text(4)).value_or(JobState::kQueued);
  j.attempts = static_cast<int>(r.Int(5));
  j.max_attempts = static_cast<int>(r.Int(6));
  j.run_after = r.Int(7);
  j.lease_owner = std::string(r.Text(8));
  j.lease_expires_at = r.OptInt(9);
  j.cancel_requested = r.Int(10) != 0;
  json::value progress = ParseStored(r.Text(11));
  if (progress.is_object()) j.progress = std::move(progress.get_object());
  j.result = r.IsNull(12) ? json::value(nullptr) : ParseStored(r.Text(12));
  j.error = std::string(r.Text(13));
  j.actor = JobActor{std::string(r.Text(14)), r.Int(15)};
  j.created_by = r.Int(16);
  j.created_at = r.Int(17);
  j.updated_at = r.Int(18);
  j.started_at = r.OptInt(19);
  j.finished_at = r.OptInt(20);
  return j;
}

// "kind IN (?, ?, ...)" and its values appended to `params`.
std::string KindIn(const std::vector<std::string>& kinds, std::vector<Value>& params) {
  std::string sql = "kind IN (";
  for (size_t i = 0; i < kinds.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(kinds[i]);
  }
  return sql + ")";
}

Result<bool> ChangedOne(Result<int64_t> changed) {
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

}  // namespace

Status JobRepository::Insert(storage::Transaction& tx, const Job& j) {
  const Value params[] = {j.workspace_id,
                          j.id,
                          j.kind,
                          ToJson(j.payload),
                          std::string(JobStateName(j.state)),
                          int64_t{j.max_attempts},
                          j.run_after,
                          j.actor.type,
                          j.actor.id,
                          j.created_by != 0 ? Value(j.created_by) : storage::Null(),
                          j.created_at,
                          j.updated_at};
  return tx
      .Execute(
          "INSERT INTO jobs (workspace_id, id, kind, payload, state, max_attempts, run_after, "
          "actor_type, actor_id, created_by, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          params)
      .status();
}

Result<std::optional<Job>> JobRepository::Find(storage::Connection& c, Id ws, Id id) {
  std::optional<Job> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT " RALLY_JOB_COLUMNS
                                " FROM jobs WHERE workspace_id = ? AND id = ?",
                                {ws, id}, [&](const storage::Row& r) {
                                  out = ReadJob(r);
                                  return false;
                                }));
  return out;
}

Result<std::vector<Job>> JobRepository::List(storage::Connection& c, Id ws,
                                             std::optional<JobState> state, const std::string& kind,
                                             std::optional<Id> before_id, int limit) {
  std::string sql = "SELECT " RALLY_JOB_COLUMNS " FROM jobs WHERE workspace_id = ?";
  std::vector<Value> params{ws};
  if (state) {
    sql += " AND state = ?";
    params.emplace_back(std::string(JobStateName(*state)));
  }
  if (!kind.empty()) {
    sql += " AND kind = ?";
    params.emplace_back(kind);
  }
  if (before_id) {
    sql += " AND id < ?";
    params.emplace_back(*before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(int64_t{limit});
  std::vector<Job> out;
  RALLY_RETURN_IF_ERROR(c.Query(sql, params, [&](const storage::Row& r) {
    out.push_back(ReadJob(r));
    return true;
  }));
  return out;
}

Result<bool> JobRepository::HasDue(storage::Connection& c, Micros now,
                                   const std::vector<std::string>& kinds) {
  std::vector<Value> params{now};
  std::string sql = "SELECT 1 FROM jobs WHERE state = 'queued' AND run_after <= ? AND " +
                    KindIn(kinds, params) + " LIMIT 1";
  RALLY_ASSIGN_OR_RETURN(auto found, c.QueryInt(sql, params));
  return found.has_value();
}

Result<std::optional<Job>> JobRepository::Claim(storage::Transaction& tx, const std::string& owner,
                                                Micros now, Micros lease_expires_at,
                                                const std::vector<std::string>& kinds) {
  // One statement: the subquery picks the oldest due job and, on PostgreSQL, locks it while
  // skipping rows other claimers hold, so concurrent claims never wait on or take the same job.
  // On SQLite the single writer runs claims one after another, so the same statement without the
  // locking clause is correct there. The outer WHERE names the key alone, so the update finds
  // the row by primary key (the subquery's lock keeps it queued until then).
  std::vector<Value> params{owner, lease_expires_at, now, now, now};
  std::string sql =
      "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
      "lease_expires_at = ?, "
      "updated_at = ?, started_at = COALESCE(started_at, ?) "
      "WHERE (workspace_id, id) = (SELECT workspace_id, id FROM jobs "
      "WHERE state = 'queued' AND run_after <= ? AND " +
      KindIn(kinds, params) + " ORDER BY run_after, id LIMIT 1" +
      std::string(storage::ForUpdateSkipLocked(tx.dialect())) + ") RETURNING " RALLY_JOB_COLUMNS;
  std::optional<Job> out;
  RALLY_RETURN_IF_ERROR(tx.Query(sql, params, [&](const storage::Row& r) {
    out = ReadJob(r);
    return true;
  }));
  return out;
}

Result<std::optional<bool>> JobRepository::Renew(storage::Transaction& tx, const Lease& lease,
                                                 Micros now, Micros lease_expires_at,
                                                 const std::optional<std::string>& progress) {
  std::optional<bool> canceled;
  RALLY_RETURN_IF_ERROR(
      tx.Query("UPDATE jobs SET lease_expires_at = ?, updated_at = ?, progress = COALESCE(?, "
               "progress)" RALLY_JOB_FENCE " RETURNING cancel_requested",
               {lease_expires_at, now, storage::Opt(progress), lease.workspace_id, lease.job_id,
                lease.owner},
               [&](const storage::Row& r) {
                 canceled = r.Int(0) != 0;
                 return true;
               }));
  return canceled;
}

Result<bool> JobRepository::Complete(storage::Transaction& tx, const Lease& lease, Micros now,
                                     const std::string& result) {
  return ChangedOne(
      tx.Execute("UPDATE jobs SET state = 'succeeded', result = ?, error = NULL, lease_owner = "
                 "NULL, lease_expires_at = NULL, "
                 "updated_at = ?, finished_at = ?" RALLY_JOB_FENCE,
                 {result, now, now, lease.workspace_id, lease.job_id, lease.owner}));
}

Result<bool> JobRepository::Fail(storage::Transaction& tx, const Lease& lease, Micros now,
                                 const std::string& error) {
  return ChangedOne(tx.Execute(
      "UPDATE jobs SET state = 'failed', error = ?, lease_owner = NULL, lease_expires_at = NULL, "
      "updated_at = ?, finished_at = ?" RALLY_JOB_FENCE,
      {error, now, now, lease.workspace_id, lease.job_id, lease.owner}));
}

Result<bool> JobRepository::Requeue(storage::Transaction& tx, const Lease& lease, Micros now,
                                    Micros run_after, const std::string& error,
                                    bool count_attempt) {
  // Two texts rather than a computed expression: each is prepared once.
  const char* sql =
      count_attempt
          ? "UPDATE jobs SET state = 'queued', run_after = ?, error = ?, lease_owner = NULL, "
            "lease_expires_at = NULL, updated_at = ?" RALLY_JOB_FENCE
          : "UPDATE jobs SET state = 'queued', run_after = ?, error = ?, lease_owner = NULL, "
            "lease_expires_at = NULL, updated_at = ?, attempts = attempts - 1" RALLY_JOB_FENCE;
  return ChangedOne(tx.Execute(sql, {run_after, error.empty() ? storage::Null() : Value(error), now,
                                     lease.workspace_id, lease.job_id, lease.owner}));
}

Result<bool> JobRepository::FinishCanceled(storage::Transaction& tx, const Lease& lease,
                                           Micros now) {
  return ChangedOne(
      tx.Execute("UPDATE jobs SET state = 'canceled', lease_owner = NULL, lease_expires_at = NULL, "
                 "updated_at = ?, "
                 "finished_at = ?" RALLY_JOB_FENCE,
                 {now, now, lease.workspace_id, lease.job_id, lease.owner}));
}

Result<bool> JobRepository::CancelQueued(storage::Transaction& tx, Id ws, Id id, Micros now) {
  return ChangedOne(tx.Execute(
      "UPDATE jobs SET state = 'canceled', cancel_requested = 1, updated_at = ?, finished_at = ? "
      "WHERE workspace_id = ? AND id = ? AND state = 'queued'",
      {now, now, ws, id}));
}

Result<bool> JobRepository::RequestCancel(storage::Transaction& tx, Id ws, Id id, Micros now) {
  return ChangedOne(
      tx.Execute("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE workspace_id = ? AND "
                 "id = ? AND state = 'running'",
                 {now, ws, id}));
}

Result<std::vector<ExpiredLease>> JobRepository::ExpiredLeases(storage::Connection& c, Micros now,
                                                               int limit) {
  std::vector<ExpiredLease> out;
  RALLY_RETURN_IF_ERROR(c.Query(
      "SELECT workspace_id, id, lease_owner, attempts, max_attempts, cancel_requested FROM jobs "
      "WHERE state = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT ?",
      {now, int64_t{limit}}, [&](const storage::Row& r) {
        out.push_back(ExpiredLease{Lease{r.Int(0), r.Int(1), std::string(r.Text(2))},
                                   static_cast<int>(r.Int(3)), static_cast<int>(r.Int(4)),
                                   r.Int(5) != 0});
        return true;
      }));
  return out;
}

Result<bool> JobRepository::TakeExpired(storage::Transaction& tx, const Lease& lease, Micros now,
                                        const std::string& new_owner) {
  return ChangedOne(tx.Execute(
      "UPDATE jobs SET lease_owner = ?, updated_at = ?" RALLY_JOB_FENCE " AND lease_expires_at < ?",
      {new_owner, now, lease.workspace_id, lease.job_id, lease.owner, now}));
}

Result<int64_t> JobRepository::PurgeFinished(storage::Transaction& tx, Micros before) {
  return tx.Execute("DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?", {before});
}

}  // namespace rally::jobs
