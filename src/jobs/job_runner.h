// Runner: the worker threads of one process that claim jobs from the queue and run their
// handlers. Every `rally serve` process runs one (app/ starts it after the port opens and stops
// it on shutdown); several processes on one PostgreSQL database share the work, each job going
// to exactly one of them at a time.
//
//  - `workers` threads each claim one job at a time (JobQueue::Claim), run its handler, and
//    record the outcome. Idle workers look again every `idle_poll`, or at once when this process
//    submits a job. Other processes' submissions are seen at the next poll.
//  - A heartbeat thread renews the lease of every running job every `heartbeat` (so a handler
//    that reports no progress keeps its job), passes cancel requests on to the handlers, requeues
//    other runners' jobs whose lease expired (JobQueue::ReapExpired), and once an hour deletes
//    jobs finished longer than `retention` ago.
//  - Stop() stops claiming, lets running handlers finish for up to `stop_grace`, then hands the
//    jobs still running back to the queue (queued again, the attempt not counted) so another
//    process can take them. A handler learns of it at its next progress report; its late
//    completion is refused. Stop() still waits for every handler to return, since a thread
//    cannot be cut short: handlers of long jobs must report progress.
//
// Thread safety: Start/Stop from one owning thread. RunOnce only while not started.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "jobs/job_queue.h"

namespace rally::jobs {

struct RunnerOptions {
  // Names this runner in lease_owner; "" picks "<hostname>:<pid>:<random>", unique per runner.
  std::string owner;
  int workers = 2;
  // How long a claim lasts without renewal. A job whose process died is retried after this.
  Micros lease = 30 * kMicrosPerSecond;
  // Lease renewal and reaping period. REQUIRES: well under `lease` (a third, say).
  std::chrono::milliseconds heartbeat{10'000};
  std::chrono::milliseconds idle_poll{1'000};
  std::chrono::milliseconds stop_grace{10'000};
  RetryPolicy retry;
  Micros retention = 30 * kMicrosPerDay;  // finished jobs are kept this long
};

// "<hostname>:<pid>:<4 random hex digits>".
std::string DefaultRunnerOwner();

class Runner {
 public:
  Runner(JobQueue& queue, RunnerOptions options);
  ~Runner();  // Stop()
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Starts the workers and the heartbeat. No-op when running.
  void Start();
  // Graceful stop, as above. Idempotent; the runner may be started again afterwards.
  void Stop();

  // Reaps expired leases, then claims one due job and runs it on the calling thread.
  // Returns whether a job ran; errors are the database's.
  // REQUIRES: not started (tests and one-shot commands drive the queue with it).
  Result<bool> RunOnce();

  const std::string& owner() const { return options_.owner; }

 private:
  void WorkerLoop();
  void HeartbeatLoop();
  void Heartbeat();
  // Claims and runs one job. Returns whether one ran.
  Result<bool> ClaimAndRun();
  void Finish(JobContext& ctx, const Status& handled);

  JobQueue& queue_;
  RunnerOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;       // idle workers and the heartbeat wait here
  std::condition_variable idle_cv_;  // Stop waits here for running handlers
  bool running_ = false;
  bool stopping_ = false;         // workers stop claiming
  bool heartbeat_done_ = false;   // set once the workers have returned
  uint64_t wakeups_ = 0;          // bumped by local submits
  std::set<JobContext*> active_;  // contexts of handlers running now
  int listener_ = 0;
  std::vector<std::thread> workers_;
  std::thread heartbeat_;
  std::chrono::steady_clock::time_point next_purge_{};
};

}  // namespace rally::jobs
