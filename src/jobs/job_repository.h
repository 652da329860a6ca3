// JobRepository: the SQL of the jobs table. Every statement keyed by one job filters by
// workspace_id and id. The exceptions, which span workspaces by design (on Citus they fan out to
// every shard, acceptable for a queue's maintenance): HasDue and Claim (the oldest due job of any
// workspace), ExpiredLeases, and PurgeFinished.
//
// Writes made for a claimed job take its Lease and change nothing (returning false or nullopt)
// unless the job is still running under that lease: the fencing that makes completion happen
// once.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "jobs/job.h"
#include "storage/database.h"

namespace rally::jobs {

// A running job whose lease has expired, as the reaper sees it.
struct ExpiredLease {
  Lease lease;
  int attempts = 0;
  int max_attempts = 1;
  bool cancel_requested = false;
};

class JobRepository {
 public:
  static Status Insert(storage::Transaction& tx, const Job& job);
  static Result<std::optional<Job>> Find(storage::Connection& c, Id ws, Id id);
  // Newest first; `before_id` (exclusive) pages on.
  static Result<std::vector<Job>> List(storage::Connection& c, Id ws, std::optional<JobState> state,
                                       const std::string& kind, std::optional<Id> before_id,
                                       int limit);

  // Whether a queued job of one of `kinds` is due at `now` (a cheap read before a claim).
  static Result<bool> HasDue(storage::Connection& c, Micros now,
                             const std::vector<std::string>& kinds);
  // Takes the oldest due queued job of one of `kinds`: running, attempts + 1, leased to `owner`
  // until `lease_expires_at`. nullopt when none is due. REQUIRES: kinds not empty.
  static Result<std::optional<Job>> Claim(storage::Transaction& tx, const std::string& owner,
                                          Micros now, Micros lease_expires_at,
                                          const std::vector<std::string>& kinds);

  // Extends the lease (and stores `progress` when given). Returns cancel_requested, or nullopt
  // when the lease is no longer ours.
  static Result<std::optional<bool>> Renew(storage::Transaction& tx, const Lease& lease, Micros now,
                                           Micros lease_expires_at,
                                           const std::optional<std::string>& progress);
  // running -> succeeded with `result` (JSON text). false when the lease is no longer ours.
  static Result<bool> Complete(storage::Transaction& tx, const Lease& lease, Micros now,
                               const std::string& result);
  // running -> failed with `error`.
  static Result<bool> Fail(storage::Transaction& tx, const Lease& lease, Micros now,
                           const std::string& error);
  // running -> queued, due at `run_after`, recording `error`. `count_attempt` false gives the
  // attempt back (a runner that stops hands its jobs over without spending their attempts).
  static Result<bool> Requeue(storage::Transaction& tx, const Lease& lease, Micros now,
                              Micros run_after, const std::string& error, bool count_attempt);
  // running -> canceled.
  static Result<bool> FinishCanceled(storage::Transaction& tx, const Lease& lease, Micros now);

  // queued -> canceled. false when the job is not queued.
  static Result<bool> CancelQueued(storage::Transaction& tx, Id ws, Id id, Micros now);
  // Flags a running job for cancellation. false when the job is not running.
  static Result<bool> RequestCancel(storage::Transaction& tx, Id ws, Id id, Micros now);

  // Running jobs whose lease expired before `now`, at most `limit`.
  static Result<std::vector<ExpiredLease>> ExpiredLeases(storage::Connection& c, Micros now,
                                                         int limit);
  // Moves an expired lease to `new_owner` (the reaper), so the reaper's next fenced write cannot
  // race a late renewal. false when the lease was renewed or the job finished meanwhile.
  static Result<bool> TakeExpired(storage::Transaction& tx, const Lease& lease, Micros now,
                                  const std::string& new_owner);
  // Deletes finished jobs that finished before `before`. Returns how many.
  static Result<int64_t> PurgeFinished(storage::Transaction& tx, Micros before);
};

}  // namespace rally::jobs
