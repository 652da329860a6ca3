// Runner: running handlers to their outcome, retries, progress, cancellation, leases that
// expire when a runner dies, several runners sharing one database, and a graceful stop.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "jobs/jobs_fixture.h"

namespace rally::jobs {
namespace {

constexpr Micros kLease = 30 * kMicrosPerSecond;

// Lets a test hold a handler inside its run until released.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class RunnerTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    queue_ = std::make_unique<JobQueue>(*db_);
  }

  RunnerOptions Options(std::string owner) {
    RunnerOptions o;
    o.owner = std::move(owner);
    o.lease = kLease;
    o.heartbeat = std::chrono::milliseconds(10);
    o.idle_poll = std::chrono::milliseconds(5);
    o.stop_grace = std::chrono::milliseconds(200);
    o.retry = RetryPolicy{kMicrosPerSecond, 60 * kMicrosPerSecond};
    return o;
  }

  Id MustSubmit(std::string_view kind, json::value payload = nullptr, SubmitOptions options = {}) {
    auto id = queue_->Submit(ws_, kind, std::move(payload), options);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.value_or(0);
  }

  Job MustGet(Id id) {
    auto job = queue_->Get(ws_, id);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  bool RunOnce(Runner& runner) {
    auto ran = runner.RunOnce();
    EXPECT_TRUE(ran.ok()) << ran.status().ToString();
    return ran.value_or(false);
  }

  FakeClock clock_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(RunnerTest, RunsAJobToSuccess) {
  Job seen;
  queue_->RegisterHandler("test.echo", [&](JobContext& ctx) {
    seen = ctx.job();
    ctx.SetResult(json::object{{"echo", ctx.payload()}});
    return Status::Ok();
  });
  SubmitOptions options;
  options.actor = JobActor{"workflow", 5};
  Id id = MustSubmit("test.echo", json::object{{"x", 1}}, options);
  Runner runner(*queue_, Options("a"));
  ASSERT_TRUE(RunOnce(runner));
  EXPECT_FALSE(RunOnce(runner)) << "nothing left";

  EXPECT_EQ(seen.id, id);
  EXPECT_EQ(seen.workspace_id, ws_);
  EXPECT_EQ(seen.state, JobState::kRunning);
  EXPECT_EQ(seen.attempts, 1);
  EXPECT_EQ(seen.actor.type, "workflow");
  EXPECT_EQ(seen.actor.id, 5);
  Job job = MustGet(id);
  EXPECT_EQ(job.state, JobState::kSucceeded);
  EXPECT_EQ(job.result, (json::value{{"echo", {{"x", 1}}}}));
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.finished_at, clock_.now());
  EXPECT_TRUE(job.lease_owner.empty());
  EXPECT_FALSE(job.lease_expires_at.has_value());
}

TEST_F(RunnerTest, ProgressIsStoredAndRenewsTheLease) {
  Id id = 0;
  std::vector<Job> during;
  queue_->RegisterHandler("test.progress", [&](JobContext& ctx) {
    for (int done = 1; done <= 2; ++done) {
      clock_.Advance(10 * kMicrosPerSecond);
      Status s =
          ctx.ReportProgress(json::object{{"done", done}, {"total", 2}, {"message", "rows"}});
      if (!s.ok()) return s;
      during.push_back(MustGet(id));
    }
    return Status::Ok();
  });
  id = MustSubmit("test.progress");
  Runner runner(*queue_, Options("a"));
  ASSERT_TRUE(RunOnce(runner));
  ASSERT_EQ(during.size(), 2u);
  for (size_t i = 0; i < during.size(); ++i) {
    EXPECT_EQ(during[i].state, JobState::kRunning);
    EXPECT_EQ(during[i].progress,
              (json::object{{"done", static_cast<int>(i) + 1}, {"total", 2}, {"message", "rows"}}));
    EXPECT_EQ(during[i].lease_expires_at, during[i].updated_at + kLease)
        << "each report renews the lease";
  }
  Job job = MustGet(id);
  EXPECT_EQ(job.state, JobState::kSucceeded);
  EXPECT_EQ(job.progress, (json::object{{"done", 2}, {"total", 2}, {"message", "rows"}}))
      << "the last report stays";
}

// What each attempt's handler returns, and where the job ends.
TEST_F(RunnerTest, FailuresAreRetriedWithBackoffOrFailTheJob) {
  struct Case {
    std::string name;
    int max_attempts;
    std::vector<std::optional<Status>> attempts;  // nullopt: the handler throws
    JobState want_state;
    std::string want_error;  // part of the job's last error
  };
  const Case cases[] = {
      {"transient then success",
       3,
       {Unavailable("smtp down"), Unavailable("smtp down"), Status::Ok()},
       JobState::kSucceeded,
       ""},
      {"permanent failure",
       3,
       {InvalidArgument("row 3: bad email")},
       JobState::kFailed,
       "invalid_argument: row 3"},
      {"attempts exhausted",
       2,
       {Unavailable("smtp down"), Unavailable("still down")},
       JobState::kFailed,
       "unavailable: still down"},
      {"a throwing handler is a failed attempt",
       3,
       {std::nullopt, Status::Ok()},
       JobState::kSucceeded,
       ""},
  };
  for (const Case& c : cases) {
    const std::string kind = "test.fail." + std::to_string(&c - cases);
    size_t runs = 0;
    queue_->RegisterHandler(kind, [&](JobContext& ctx) -> Status {
      EXPECT_EQ(ctx.attempt(), static_cast<int>(runs) + 1) << c.name;
      const auto& outcome = c.attempts.at(runs++);
      if (!outcome) throw std::runtime_error("handler bug");
      return *outcome;
    });
    Id id = MustSubmit(kind, nullptr, SubmitOptions{c.max_attempts});
    Runner runner(*queue_, Options("a"));
    for (size_t attempt = 1; attempt <= c.attempts.size(); ++attempt) {
      ASSERT_TRUE(RunOnce(runner)) << c.name << " attempt " << attempt;
      Job job = MustGet(id);
      EXPECT_EQ(job.attempts, static_cast<int>(attempt)) << c.name;
      if (job.state != JobState::kQueued) break;
      // Retried only after the backoff: 1 s, then 2 s.
      const Micros delay =
          RetryPolicy{kMicrosPerSecond, 60 * kMicrosPerSecond}.Delay(static_cast<int>(attempt));
      EXPECT_EQ(job.run_after, clock_.now() + delay) << c.name;
      EXPECT_FALSE(job.error.empty()) << c.name << ": the failure is recorded";
      EXPECT_FALSE(RunOnce(runner)) << c.name << ": not due yet";
      clock_.Advance(delay);
    }
    Job job = MustGet(id);
    EXPECT_EQ(runs, c.attempts.size()) << c.name;
    EXPECT_EQ(job.state, c.want_state) << c.name;
    if (c.want_error.empty()) {
      EXPECT_TRUE(job.error.empty()) << c.name << ": " << job.error;
    } else {
      EXPECT_NE(job.error.find(c.want_error), std::string::npos) << c.name << ": " << job.error;
    }
    EXPECT_TRUE(job.finished_at.has_value()) << c.name;
  }
}

// A cancel reaches a running handler through its progress report, or through the heartbeat when
// it reports nothing; a handler that finishes its work regardless still succeeds.
TEST_F(RunnerTest, CancelReachesARunningHandler) {
  struct Case {
    std::string name;
    bool through_progress;  // else the handler only polls cancel_requested()
    bool obey;
    JobState want_state;
  };
  const Case cases[] = {
      {"progress report says canceled", true, true, JobState::kCanceled},
      {"heartbeat passes it on", false, true, JobState::kCanceled},
      {"handler finishes anyway", true, false, JobState::kSucceeded},
  };
  for (const Case& c : cases) {
    const std::string kind = "test.cancel." + std::to_string(&c - cases);
    std::atomic<bool> started{false};
    Gate canceled;
    Status progress_status;
    queue_->RegisterHandler(kind, [&](JobContext& ctx) -> Status {
      started = true;
      canceled.Wait();
      if (c.through_progress) {
        progress_status = ctx.ReportProgress(json::object{{"done", 1}});
      } else {
        WaitFor([&] { return ctx.cancel_requested(); }, std::chrono::seconds(10));
        progress_status =
            ctx.cancel_requested() ? Status(StatusCode::kCanceled, "seen") : Status::Ok();
      }
      return c.obey ? progress_status : Status::Ok();
    });
    Id id = MustSubmit(kind);
    Runner runner(*queue_, Options("a"));
    runner.Start();
    ASSERT_TRUE(WaitFor([&] { return started.load(); })) << c.name;
    auto job = queue_->Cancel(ws_, id);
    ASSERT_TRUE(job.ok()) << c.name << ": " << job.status().ToString();
    EXPECT_EQ(job->state, JobState::kRunning) << c.name;
    EXPECT_TRUE(job->cancel_requested) << c.name;
    canceled.Open();
    ASSERT_TRUE(WaitFor([&] { return IsFinished(MustGet(id).state); })) << c.name;
    runner.Stop();
    EXPECT_EQ(progress_status.code(), StatusCode::kCanceled)
        << c.name << ": " << progress_status.ToString();
    EXPECT_EQ(MustGet(id).state, c.want_state) << c.name;
  }
}

// Runner A claims a job and dies (never renews, never completes). Once the lease has expired,
// runner B's reaper takes the job back and B runs it; A's late writes are refused.
TEST_F(RunnerTest, AJobOfADeadRunnerIsRetakenAfterItsLease) {
  struct Case {
    std::string name;
    int max_attempts;
    bool cancel_while_dead;
    JobState want_state;
    int want_runs_by_b;
  };
  const Case cases[] = {
      {"retried by another runner", 3, false, JobState::kSucceeded, 1},
      {"no attempts left: failed", 1, false, JobState::kFailed, 0},
      {"canceled meanwhile: canceled", 3, true, JobState::kCanceled, 0},
  };
  for (const Case& c : cases) {
    const std::string kind = "test.lease." + std::to_string(&c - cases);
    int runs_by_b = 0;
    queue_->RegisterHandler(kind, [&](JobContext& ctx) {
      ++runs_by_b;
      EXPECT_EQ(ctx.attempt(), 2) << c.name;
      ctx.SetResult(json::object{{"by", "b"}});
      return Status::Ok();
    });
    Id id = MustSubmit(kind, nullptr, SubmitOptions{c.max_attempts});
    auto claimed = queue_->Claim("runner-a", kLease);  // runner A, which then dies
    ASSERT_TRUE(claimed.ok() && claimed->has_value()) << c.name;
    const Lease a{ws_, id, (*claimed)->lease_owner};
    if (c.cancel_while_dead) {
      ASSERT_TRUE(queue_->Cancel(ws_, id).ok());
    }

    Runner b(*queue_, Options("runner-b"));
    clock_.Advance(kLease - 1);
    EXPECT_FALSE(RunOnce(b)) << c.name << ": the lease still holds";
    EXPECT_EQ(MustGet(id).state, JobState::kRunning) << c.name;
    clock_.Advance(2);
    // The reaper requeues with backoff; B runs the job once it is due.
    RunOnce(b);
    clock_.Advance(kMicrosPerSecond);
    RunOnce(b);

    Job job = MustGet(id);
    EXPECT_EQ(job.state, c.want_state) << c.name;
    EXPECT_EQ(runs_by_b, c.want_runs_by_b) << c.name;
    if (c.want_state == JobState::kSucceeded) {
      EXPECT_EQ(job.result, (json::value{{"by", "b"}})) << c.name;
      EXPECT_EQ(job.attempts, 2) << c.name;
    }
    if (c.want_state == JobState::kFailed) {
      EXPECT_NE(job.error.find("expired"), std::string::npos) << job.error;
    }
    // A wakes up late: everything it tries is refused and changes nothing.
    EXPECT_EQ(queue_->Renew(a, kLease, nullptr).status().code(), StatusCode::kFailedPrecondition)
        << c.name;
    EXPECT_EQ(queue_->Complete(a, json::object{{"by", "a"}}).code(),
              StatusCode::kFailedPrecondition)
        << c.name;
    EXPECT_EQ(queue_->Fail(a, Internal("late"), std::nullopt).code(),
              StatusCode::kFailedPrecondition)
        << c.name;
    Job after = MustGet(id);
    EXPECT_EQ(after.state, job.state) << c.name;
    EXPECT_EQ(after.result, job.result) << c.name;
  }
}

// The heartbeat keeps renewing the lease of a handler that reports nothing, so no other runner
// takes the job even when it runs longer than a lease.
TEST_F(RunnerTest, HeartbeatKeepsALongJobLeased) {
  Gate finish;
  std::atomic<int> runs{0};
  queue_->RegisterHandler("test.long", [&](JobContext&) {
    ++runs;
    finish.Wait();
    return Status::Ok();
  });
  Id id = MustSubmit("test.long");
  Runner a(*queue_, Options("runner-a"));
  a.Start();
  ASSERT_TRUE(WaitFor([&] { return MustGet(id).state == JobState::kRunning; }));
  Runner b(*queue_, Options("runner-b"));
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(kLease / 2);
    ASSERT_TRUE(WaitFor([&] { return MustGet(id).lease_expires_at > clock_.now() + kLease / 2; }))
        << "the heartbeat renews the lease";
    EXPECT_FALSE(RunOnce(b));
  }
  finish.Open();
  ASSERT_TRUE(WaitFor([&] { return MustGet(id).state == JobState::kSucceeded; }));
  a.Stop();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(MustGet(id).attempts, 1);
}

// Side effects written in the completion's transaction commit with it, or, when the lease was
// lost meanwhile, roll back with it.
TEST_F(RunnerTest, CompleteInTxCommitsSideEffectsOnlyWithTheCompletion) {
  struct Case {
    std::string name;
    bool lose_lease_first;
    JobState want_state;
    int64_t want_effects;
  };
  const Case cases[] = {
      {"lease held: effect and completion commit", false, JobState::kSucceeded, 1},
      {"lease lost: both roll back", true, JobState::kQueued, 0},
  };
  for (const Case& c : cases) {
    const std::string kind = "test.tx." + std::to_string(&c - cases);
    Status write_status;
    queue_->RegisterHandler(kind, [&](JobContext& ctx) {
      if (c.lose_lease_first) {
        // Stalls past its lease; another runner's reaper takes the job back.
        clock_.Advance(kLease + 1);
        EXPECT_EQ(queue_->ReapExpired(RetryPolicy{}, "runner-b").value_or(0), 1);
      }
      write_status = db_->Write([&](storage::Transaction& tx) -> Status {
        RALLY_RETURN_IF_ERROR(WriteEffect(tx, ctx.workspace_id(), ctx.job_id()));
        return ctx.CompleteInTx(tx, json::object{{"imported", 1}});
      });
      return write_status;
    });
    const int64_t effects_before = CountEffects();
    Id id = MustSubmit(kind);
    Runner runner(*queue_, Options("runner-a"));
    ASSERT_TRUE(RunOnce(runner)) << c.name;
    EXPECT_EQ(write_status.ok(), !c.lose_lease_first) << c.name << ": " << write_status.ToString();
    Job job = MustGet(id);
    EXPECT_EQ(job.state, c.want_state) << c.name;
    EXPECT_EQ(CountEffects() - effects_before, c.want_effects) << c.name;
    if (job.state == JobState::kSucceeded) {
      EXPECT_EQ(job.result, (json::value{{"imported", 1}})) << c.name;
    }
    if (job.state == JobState::kQueued) {
      ASSERT_TRUE(queue_->Cancel(ws_, id).ok());
    }
  }
}

// Stop lets a handler finish within the grace period; past it, the job goes back to the queue
// (its attempt not counted) and the late handler's completion is refused.
TEST_F(RunnerTest, StopHandsBackJobsStillRunningAfterTheGracePeriod) {
  struct Case {
    std::string name;
    bool finish_within_grace;
    JobState want_state;
    int want_attempts;
  };
  const Case cases[] = {
      {"finishes within the grace period", true, JobState::kSucceeded, 1},
      {"still running: handed back", false, JobState::kQueued, 0},
  };
  for (const Case& c : cases) {
    const std::string kind = "test.stop." + std::to_string(&c - cases);
    std::atomic<bool> started{false};
    Gate finish;
    Status late_report;
    queue_->RegisterHandler(kind, [&](JobContext& ctx) {
      started = true;
      finish.Wait();
      late_report = ctx.ReportProgress(json::object{{"done", 1}});
      return Status::Ok();
    });
    Id id = MustSubmit(kind);
    auto runner = std::make_unique<Runner>(*queue_, Options("runner-a"));
    runner->Start();
    ASSERT_TRUE(WaitFor([&] { return started.load(); })) << c.name;
    std::thread stopper([&] { runner->Stop(); });
    if (c.finish_within_grace) {
      finish.Open();
    } else {
      ASSERT_TRUE(WaitFor([&] { return MustGet(id).state == JobState::kQueued; })) << c.name;
      finish.Open();
    }
    stopper.join();
    Job job = MustGet(id);
    EXPECT_EQ(job.state, c.want_state) << c.name;
    EXPECT_EQ(job.attempts, c.want_attempts) << c.name;
    EXPECT_EQ(late_report.ok(), c.finish_within_grace) << c.name << ": " << late_report.ToString();
    if (!c.finish_within_grace) {
      EXPECT_EQ(late_report.code(), StatusCode::kUnavailable) << c.name;
      EXPECT_TRUE(job.lease_owner.empty()) << c.name;
      // Another process takes it from there, as its first counted attempt.
      Runner next(*queue_, Options("runner-b"));
      ASSERT_TRUE(RunOnce(next)) << c.name;
      EXPECT_EQ(MustGet(id).state, JobState::kSucceeded) << c.name;
      EXPECT_EQ(MustGet(id).attempts, 1) << c.name;
    }
  }
}

// Two runners (as two processes would) share one database: 200 jobs in three workspaces, each
// run exactly once, by either.
TEST_F(RunnerTest, TwoRunnersRunEachJobExactlyOnce) {
  constexpr int kJobs = 200;
  std::mutex mu;
  std::map<Id, int> runs;
  std::map<std::string, int> by_runner;
  JobQueue other_queue(*db_);
  for (JobQueue* q : {queue_.get(), &other_queue}) {
    const std::string name = q == queue_.get() ? "one" : "two";
    q->RegisterHandler("test.count", [&, name](JobContext& ctx) {
      std::lock_guard lock(mu);
      ++runs[ctx.job_id()];
      ++by_runner[name];
      return Status::Ok();
    });
  }
  Runner one(*queue_, Options("one"));
  Runner two(other_queue, Options("two"));
  one.Start();
  two.Start();
  const Id third_ws = AddWorkspace("Three");
  const Id workspaces[] = {ws_, other_ws_, third_ws};
  std::vector<Id> submitted;
  for (int i = 0; i < kJobs; ++i) {
    JobQueue& q = i % 2 ? other_queue : *queue_;
    auto id = q.Submit(workspaces[i % 3], "test.count", json::object{{"i", i}});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    submitted.push_back(*id);
  }
  ASSERT_TRUE(WaitFor([&] { return CountJobs("succeeded") == kJobs; }, std::chrono::seconds(120)))
      << CountJobs("succeeded") << " of " << kJobs << " succeeded";
  one.Stop();
  two.Stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(runs.size(), static_cast<size_t>(kJobs));
  for (Id id : submitted) EXPECT_EQ(runs[id], 1) << "job " << id;
  EXPECT_GT(by_runner["one"], 0);
  EXPECT_GT(by_runner["two"], 0);
  int64_t attempts = -1;
  ASSERT_TRUE(db_->Read([&](storage::Connection& c) -> Status {
                   auto v = c.QueryInt("SELECT SUM(attempts) FROM jobs");
                   if (!v.ok()) return v.status();
                   attempts = v->value_or(0);
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(attempts, kJobs) << "one claim per job";
}

}  // namespace
}  // namespace rally::jobs
