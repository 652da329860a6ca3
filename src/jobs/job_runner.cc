#include "jobs/job_runner.h"

#include <unistd.h>

#include <cstdio>
#include <random>

#include "base/log.h"
#include "base/thread_name.h"

namespace rally::jobs {
namespace {

constexpr auto kErrorPause = std::chrono::seconds(1);
constexpr auto kPurgeEvery = std::chrono::hours(1);

}  // namespace

std::string DefaultRunnerOwner() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), "%04x", static_cast<unsigned>(rd() & 0xffff));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

Runner::Runner(JobQueue& queue, RunnerOptions options)
    : queue_(queue), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = DefaultRunnerOwner();
  if (options_.workers < 1) options_.workers = 1;
}

Runner::~Runner() { Stop(); }

void Runner::Start() {
  {
    std::lock_guard lock(mu_);
    if (running_) return;
    running_ = true;
    stopping_ = false;
    heartbeat_done_ = false;
  }
  listener_ = queue_.AddSubmitListener([this] {
    {
      std::lock_guard lock(mu_);
      ++wakeups_;
    }
    cv_.notify_all();
  });
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] {
      SetThreadName("rally-job");
      WorkerLoop();
    });
  heartbeat_ = std::thread([this] {
    SetThreadName("rally-job-hb");
    HeartbeatLoop();
  });
}

void Runner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_ || stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  queue_.RemoveSubmitListener(listener_);

  // Let running handlers finish within the grace period; the heartbeat keeps their leases.
  std::vector<JobContext*> stragglers;
  {
    std::unique_lock lock(mu_);
    idle_cv_.wait_for(lock, options_.stop_grace, [&] { return active_.empty(); });
    stragglers.assign(active_.begin(), active_.end());
    // Marked under the lock: a context leaves active_ (and may be destroyed) only under it.
    for (JobContext* ctx : stragglers) ctx->MarkReleased();
    for (JobContext* ctx : stragglers) {
      Status s = queue_.Release(ctx->lease());
      if (s.ok()) {
        log::Warn("job " + IdToString(ctx->lease().job_id) +
                  " still running at stop: handed back to the queue");
      } else if (s.code() != StatusCode::kFailedPrecondition) {
        log::Warn("job " + IdToString(ctx->lease().job_id) + ": could not hand it back: " +
                  s.ToString() + " (it is retried once its lease expires)");
      }
    }
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  {
    std::lock_guard lock(mu_);
    heartbeat_done_ = true;
  }
  cv_.notify_all();
  heartbeat_.join();
  std::lock_guard lock(mu_);
  running_ = false;
}

Result<bool> Runner::RunOnce() {
  RALLY_RETURN_IF_ERROR(queue_.ReapExpired(options_.retry, options_.owner).status());
  return ClaimAndRun();
}

void Runner::WorkerLoop() {
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    Result<bool> ran = ClaimAndRun();
    if (ran.ok() && *ran) continue;  // there may be more
    if (!ran.ok())
      log::Warn("job runner " + options_.owner + ": claim failed: " + ran.status().ToString());
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, ran.ok() ? options_.idle_poll : std::chrono::milliseconds(kErrorPause),
                 [&] { return stopping_ || wakeups_ != seen; });
  }
}

void Runner::HeartbeatLoop() {
  std::unique_lock lock(mu_);
  while (!heartbeat_done_) {
    cv_.wait_for(lock, options_.heartbeat, [&] { return heartbeat_done_; });
    if (heartbeat_done_) break;
    lock.unlock();
    Heartbeat();
    lock.lock();
  }
}

void Runner::Heartbeat() {
  {
    // Under the lock: a context leaves active_ (and is destroyed) only under it. Renewals are
    // short writes; a finishing worker waits for them at most that long.
    std::lock_guard lock(mu_);
    for (JobContext* ctx : active_) {
      if (ctx->released() || ctx->lease_lost()) continue;
      Status s = ctx->Heartbeat();
      if (s.code() == StatusCode::kFailedPrecondition) {
        log::Warn("job " + IdToString(ctx->job_id()) +
                  ": lease lost while running; its completion will be refused");
      } else if (!s.ok() && s.code() != StatusCode::kCanceled) {
        log::Warn("job " + IdToString(ctx->job_id()) + ": lease renewal failed: " + s.ToString());
      }
    }
    if (stopping_) return;  // leave other runners' jobs and housekeeping to running processes
  }
  Result<int> reaped = queue_.ReapExpired(options_.retry, options_.owner);
  if (!reaped.ok())
    log::Warn("job runner " + options_.owner + ": reaping failed: " + reaped.status().ToString());
  auto now = std::chrono::steady_clock::now();
  if (now >= next_purge_) {
    next_purge_ = now + kPurgeEvery;
    Result<int64_t> purged = queue_.PurgeFinished(Now() - options_.retention);
    if (!purged.ok())
      log::Warn("job runner: purge failed: " + purged.status().ToString());
    else if (*purged > 0)
      log::Info("purged " + std::to_string(*purged) + " finished jobs");
  }
}

Result<bool> Runner::ClaimAndRun() {
  RALLY_ASSIGN_OR_RETURN(std::optional<Job> claimed, queue_.Claim(options_.owner, options_.lease));
  if (!claimed) return false;
  JobContext ctx(queue_, std::move(*claimed), options_.lease);
  Handler handler = queue_.HandlerFor(ctx.job().kind);
  bool stopping;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
    if (!stopping) active_.insert(&ctx);
  }
  if (stopping) {
    // Stop() began while this claim was under way: hand the job straight back.
    Status s = queue_.Release(ctx.lease());
    if (!s.ok())
      log::Warn("job " + IdToString(ctx.job_id()) + ": could not hand it back: " + s.ToString());
    return true;
  }
  Status handled;
  if (!handler) {
    // Claims only take registered kinds; a handler cannot be unregistered. Defensive.
    handled = Internal("no handler for job kind " + ctx.job().kind);
  } else {
    try {
      handled = handler(ctx);
    } catch (const std::exception& e) {
      // Exceptions are bugs: log loudly, then treat the run as a failed attempt.
      log::Error("job " + IdToString(ctx.job_id()) + " (" + ctx.job().kind +
                 ") threw: " + e.what());
      handled = Internal(std::string("handler threw: ") + e.what());
    } catch (...) {
      log::Error("job " + IdToString(ctx.job_id()) + " (" + ctx.job().kind + ") threw");
      handled = Internal("handler threw");
    }
  }
  {
    std::lock_guard lock(mu_);
    active_.erase(&ctx);
  }
  idle_cv_.notify_all();
  Finish(ctx, handled);
  return true;
}

void Runner::Finish(JobContext& ctx, const Status& handled) {
  // Handed back at stop, or already completed in the handler's transaction: nothing to record.
  if (ctx.released() || ctx.completed()) return;
  const Job& job = ctx.job();
  bool stopping;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
  }
  Status s;
  std::string outcome;
  if (handled.ok()) {
    s = queue_.Complete(ctx.lease(), ctx.result());
    outcome = "succeeded";
  } else if (ctx.cancel_requested()) {
    s = queue_.FinishCanceled(ctx.lease());
    outcome = "canceled";
  } else if (stopping && handled.code() == StatusCode::kUnavailable) {
    // A handler that gave up because the process is stopping: not the job's fault.
    s = queue_.Release(ctx.lease());
    outcome = "handed back";
  } else if (IsRetryable(handled) && job.attempts < job.max_attempts) {
    s = queue_.Fail(ctx.lease(), handled, Now() + options_.retry.Delay(job.attempts));
    outcome =
        "failed attempt " + std::to_string(job.attempts) + " (will retry): " + handled.ToString();
  } else {
    s = queue_.Fail(ctx.lease(), handled, std::nullopt);
    outcome = "failed: " + handled.ToString();
  }
  const std::string what = "job " + IdToString(job.id) + " (" + job.kind + ") ";
  if (s.ok()) {
    if (handled.ok())
      log::Debug(what + outcome);
    else
      log::Info(what + outcome);
  } else if (s.code() == StatusCode::kFailedPrecondition) {
    // Another runner took the job over after our lease expired; its outcome stands.
    log::Warn(what + "finished here (" + outcome +
              ") after losing its lease: outcome not recorded");
  } else {
    log::Warn(what + "outcome (" + outcome + ") not recorded: " + s.ToString() +
              "; the job is retried once its lease expires");
  }
}

}  // namespace rally::jobs
