// JobQueue without a runner: submitting (also inside a caller's transaction), reading, listing,
// canceling, and the runner primitives' fencing.
#include "jobs/job_queue.h"

#include <gtest/gtest.h>

#include "jobs/jobs_fixture.h"

namespace rally::jobs {
namespace {

Status Noop(JobContext&) { return Status::Ok(); }

class JobQueueTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    queue_ = std::make_unique<JobQueue>(*db_);
    queue_->RegisterHandler("test.a", Noop);
    queue_->RegisterHandler("test.b", Noop);
  }

  Id MustSubmit(Id ws, std::string_view kind, json::value payload = nullptr,
                SubmitOptions options = {}) {
    auto id = queue_->Submit(ws, kind, std::move(payload), options);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.value_or(0);
  }

  FakeClock clock_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueueTest, SubmitStoresTheJobQueued) {
  SubmitOptions options;
  options.max_attempts = 5;
  options.actor = JobActor{"import", 77};
  options.created_by = 12;
  Id id = MustSubmit(ws_, "test.a", json::object{{"file", "contacts.csv"}, {"rows", 3}}, options);
  auto job = queue_->Get(ws_, id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->workspace_id, ws_);
  EXPECT_EQ(job->kind, "test.a");
  EXPECT_EQ(job->payload, (json::value{{"file", "contacts.csv"}, {"rows", 3}}));
  EXPECT_EQ(job->state, JobState::kQueued);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->max_attempts, 5);
  EXPECT_EQ(job->actor.type, "import");
  EXPECT_EQ(job->actor.id, 77);
  EXPECT_EQ(job->created_by, 12);
  EXPECT_EQ(job->created_at, clock_.now());
  EXPECT_EQ(job->run_after, clock_.now());
  EXPECT_TRUE(job->progress.empty());
  EXPECT_TRUE(job->result.is_null());
  EXPECT_FALSE(job->started_at || job->finished_at || job->lease_expires_at);

  // Another workspace never sees it.
  EXPECT_EQ(queue_->Get(other_ws_, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(queue_->Get(ws_, id + 1).status().code(), StatusCode::kNotFound);
}

TEST_F(JobQueueTest, SubmitRefusesBadInput) {
  struct Case {
    std::string name;
    std::string kind;
    int max_attempts;
    std::string want_field;
  };
  const Case cases[] = {
      {"unregistered kind", "test.typo", 3, "kind"},
      {"empty kind", "", 3, "kind"},
      {"no attempts", "test.a", 0, "max_attempts"},
      {"too many attempts", "test.a", 101, "max_attempts"},
  };
  for (const Case& c : cases) {
    SubmitOptions options;
    options.max_attempts = c.max_attempts;
    auto id = queue_->Submit(ws_, c.kind, nullptr, options);
    ASSERT_FALSE(id.ok()) << c.name;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << c.name;
    ASSERT_EQ(id.status().details().size(), 1u) << c.name;
    EXPECT_EQ(id.status().details()[0].field, c.want_field) << c.name;
  }
  EXPECT_EQ(CountJobs(), 0);
}

// A job queued together with the write that needs it exists exactly when that write commits,
// and this process's runners are woken only then.
TEST_F(JobQueueTest, SubmitInTxCommitsAndRollsBackWithTheCallersWrite) {
  std::atomic<int> wakeups{0};
  int handle = queue_->AddSubmitListener([&] { ++wakeups; });
  struct Case {
    std::string name;
    bool fail_after_submit;
    int64_t want_jobs;
  };
  const Case cases[] = {
      {"rolled back", true, 0},
      {"committed", false, 1},
  };
  for (const Case& c : cases) {
    Id job_id = 0;
    Status s = db_->Write([&](storage::Transaction& tx) -> Status {
      auto id = queue_->SubmitInTx(tx, ws_, "test.a", json::object{{"n", 1}});
      if (!id.ok()) return id.status();
      job_id = *id;
      RALLY_RETURN_IF_ERROR(WriteEffect(tx, ws_, job_id));
      if (c.fail_after_submit) return FailedPrecondition("the caller's write failed");
      return Status::Ok();
    });
    EXPECT_EQ(s.ok(), !c.fail_after_submit) << c.name << ": " << s.ToString();
    EXPECT_EQ(CountJobs(), c.want_jobs) << c.name;
    EXPECT_EQ(CountEffects(), c.want_jobs) << c.name;
    EXPECT_EQ(wakeups.load(), c.want_jobs) << c.name;
    EXPECT_EQ(queue_->Get(ws_, job_id).ok(), c.want_jobs == 1) << c.name;
  }
  queue_->RemoveSubmitListener(handle);
  MustSubmit(ws_, "test.a");
  EXPECT_EQ(wakeups.load(), 1) << "a removed listener is not called";
}

TEST_F(JobQueueTest, ListPagesNewestFirstAndFilters) {
  std::vector<Id> a, b;
  for (int i = 0; i < 5; ++i) a.push_back(MustSubmit(ws_, "test.a", json::object{{"i", i}}));
  for (int i = 0; i < 2; ++i) b.push_back(MustSubmit(ws_, "test.b"));
  MustSubmit(other_ws_, "test.a");
  ASSERT_TRUE(queue_->Cancel(ws_, a[1]).ok());

  auto ids = [](const std::vector<Job>& jobs) {
    std::vector<Id> out;
    for (const Job& j : jobs) out.push_back(j.id);
    return out;
  };
  struct Case {
    std::string name;
    JobListOptions options;
    std::vector<Id> want;  // every page, concatenated
  };
  const Case cases[] = {
      {"all, three per page",
       {3, std::nullopt, "", ""},
       {b[1], b[0], a[4], a[3], a[2], a[1], a[0]}},
      {"one kind", {50, std::nullopt, "test.b", ""}, {b[1], b[0]}},
      {"one state", {50, JobState::kCanceled, "", ""}, {a[1]}},
      {"state and kind", {1, JobState::kQueued, "test.a", ""}, {a[4], a[3], a[2], a[0]}},
      {"unknown kind", {50, std::nullopt, "test.none", ""}, {}},
  };
  for (const Case& c : cases) {
    std::vector<Id> got;
    JobListOptions options = c.options;
    for (int page = 0; page < 20; ++page) {
      auto p = queue_->List(ws_, options);
      ASSERT_TRUE(p.ok()) << c.name << ": " << p.status().ToString();
      EXPECT_LE(static_cast<int>(p->jobs.size()), options.limit) << c.name;
      for (Id id : ids(p->jobs)) got.push_back(id);
      if (p->next_cursor.empty()) break;
      options.cursor = p->next_cursor;
    }
    EXPECT_EQ(got, c.want) << c.name;
  }

  struct Bad {
    JobListOptions options;
    std::string want_field;
  };
  const Bad bad[] = {
      {{0, std::nullopt, "", ""}, "limit"},
      {{1001, std::nullopt, "", ""}, "limit"},
      {{50, std::nullopt, "", "abc"}, "cursor"},
  };
  for (const Bad& c : bad) {
    auto p = queue_->List(ws_, c.options);
    ASSERT_FALSE(p.ok()) << c.want_field;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    ASSERT_FALSE(p.status().details().empty());
    EXPECT_EQ(p.status().details()[0].field, c.want_field);
  }
}

// Cancel from each state a job can be in.
TEST_F(JobQueueTest, CancelByState) {
  enum class Drive { kNone, kClaim, kComplete, kFail, kCancelFirst };
  struct Case {
    std::string name;
    Drive drive;
    Id ws;  // the workspace Cancel is called with (0: the job's)
    StatusCode want_code;
    JobState want_state;
    bool want_cancel_requested;
  };
  const Case cases[] = {
      {"queued: canceled at once", Drive::kNone, 0, StatusCode::kOk, JobState::kCanceled, true},
      {"running: flagged", Drive::kClaim, 0, StatusCode::kOk, JobState::kRunning, true},
      {"succeeded: refused", Drive::kComplete, 0, StatusCode::kFailedPrecondition,
       JobState::kSucceeded, false},
      {"failed: refused", Drive::kFail, 0, StatusCode::kFailedPrecondition, JobState::kFailed,
       false},
      {"canceled again: idempotent", Drive::kCancelFirst, 0, StatusCode::kOk, JobState::kCanceled,
       true},
      {"another workspace's job", Drive::kNone, -1, StatusCode::kNotFound, JobState::kQueued,
       false},
  };
  for (const Case& c : cases) {
    Id id = MustSubmit(ws_, "test.a", nullptr, SubmitOptions{1});
    if (c.drive != Drive::kNone && c.drive != Drive::kCancelFirst) {
      auto claimed = queue_->Claim("tester", 30 * kMicrosPerSecond);
      ASSERT_TRUE(claimed.ok() && claimed->has_value()) << c.name;
      ASSERT_EQ((*claimed)->id, id) << c.name;
      Lease lease{ws_, id, (*claimed)->lease_owner};
      if (c.drive == Drive::kComplete) {
        ASSERT_TRUE(queue_->Complete(lease, json::object{}).ok()) << c.name;
      }
      if (c.drive == Drive::kFail) {
        ASSERT_TRUE(queue_->Fail(lease, InvalidArgument("bad"), std::nullopt).ok()) << c.name;
      }
    }
    if (c.drive == Drive::kCancelFirst) {
      ASSERT_TRUE(queue_->Cancel(ws_, id).ok()) << c.name;
    }

    auto canceled = queue_->Cancel(c.ws == -1 ? other_ws_ : ws_, id);
    EXPECT_EQ(canceled.status().code(), c.want_code)
        << c.name << ": " << canceled.status().ToString();
    auto job = queue_->Get(ws_, id);
    ASSERT_TRUE(job.ok()) << c.name;
    EXPECT_EQ(job->state, c.want_state) << c.name;
    EXPECT_EQ(job->cancel_requested, c.want_cancel_requested) << c.name;
    EXPECT_EQ(job->finished_at.has_value(), IsFinished(c.want_state)) << c.name;
    if (canceled.ok()) {
      EXPECT_EQ(canceled->state, c.want_state) << c.name;
    }
    // Leave no job queued for the next case's claim.
    if (job->state == JobState::kQueued) {
      ASSERT_TRUE(queue_->Cancel(ws_, id).ok());
    }
  }
  EXPECT_EQ(queue_->Cancel(ws_, 12345).status().code(), StatusCode::kNotFound);
  // A canceled job is never claimed.
  auto claimed = queue_->Claim("tester", 30 * kMicrosPerSecond);
  ASSERT_TRUE(claimed.ok());
  EXPECT_FALSE(claimed->has_value());
}

// Claims take the oldest due job of a registered kind, across workspaces, and nothing else.
TEST_F(JobQueueTest, ClaimTakesTheOldestDueJobOfAKnownKind) {
  SubmitOptions later;
  later.run_after = clock_.now() + 60 * kMicrosPerSecond;
  Id delayed = MustSubmit(ws_, "test.a", nullptr, later);
  clock_.Advance(1);
  Id first = MustSubmit(other_ws_, "test.b");
  clock_.Advance(1);
  Id second = MustSubmit(ws_, "test.a");

  auto claim = [&]() -> Id {
    auto c = queue_->Claim("tester", 30 * kMicrosPerSecond);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() && c->has_value() ? (*c)->id : 0;
  };
  EXPECT_EQ(claim(), first);
  EXPECT_EQ(claim(), second);
  EXPECT_EQ(claim(), 0) << "the delayed job is not due yet";
  clock_.Advance(60 * kMicrosPerSecond);
  auto c = queue_->Claim("tester", 30 * kMicrosPerSecond);
  ASSERT_TRUE(c.ok() && c->has_value());
  const Job& job = **c;
  EXPECT_EQ(job.id, delayed);
  EXPECT_EQ(job.state, JobState::kRunning);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.lease_owner.rfind("tester#", 0), 0u) << job.lease_owner;
  EXPECT_EQ(job.lease_expires_at, clock_.now() + 30 * kMicrosPerSecond);
  EXPECT_EQ(job.started_at, clock_.now());

  // A queue whose process has no handler for a kind leaves its jobs to processes that do.
  JobQueue other(*db_);
  other.RegisterHandler("test.other", Noop);
  MustSubmit(ws_, "test.a");
  auto none = other.Claim("other", 30 * kMicrosPerSecond);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// Every write for a claimed job is fenced by its lease: a stale lease changes nothing.
TEST_F(JobQueueTest, WritesUnderAStaleLeaseAreRefused) {
  Id id = MustSubmit(ws_, "test.a");
  auto claimed = queue_->Claim("tester", 30 * kMicrosPerSecond);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  const Lease good{ws_, id, (*claimed)->lease_owner};
  const Lease stale{ws_, id, "tester#1"};
  const Lease elsewhere{other_ws_, id, (*claimed)->lease_owner};
  for (const Lease& bad : {stale, elsewhere}) {
    EXPECT_EQ(queue_->Renew(bad, kMicrosPerSecond, nullptr).status().code(),
              StatusCode::kFailedPrecondition);
    EXPECT_EQ(queue_->Complete(bad, json::object{}).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(queue_->Fail(bad, Internal("x"), std::nullopt).code(),
              StatusCode::kFailedPrecondition);
    EXPECT_EQ(queue_->FinishCanceled(bad).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(queue_->Release(bad).code(), StatusCode::kFailedPrecondition);
  }
  auto job = queue_->Get(ws_, id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->state, JobState::kRunning);
  ASSERT_TRUE(queue_->Complete(good, json::object{{"ok", true}}).ok());
  EXPECT_EQ(queue_->Complete(good, json::object{}).code(), StatusCode::kFailedPrecondition)
      << "a job completes once";
  job = queue_->Get(ws_, id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->state, JobState::kSucceeded);
  EXPECT_EQ(job->result, (json::value{{"ok", true}}));
  EXPECT_TRUE(job->lease_owner.empty());
}

TEST_F(JobQueueTest, PurgeDeletesOnlyJobsFinishedBeforeTheCutoff) {
  Id old_job = MustSubmit(ws_, "test.a");
  ASSERT_TRUE(queue_->Cancel(ws_, old_job).ok());
  clock_.Advance(kMicrosPerDay);
  Id recent = MustSubmit(ws_, "test.a");
  ASSERT_TRUE(queue_->Cancel(ws_, recent).ok());
  Id waiting =
      MustSubmit(ws_, "test.a", nullptr, SubmitOptions{3, clock_.now() - 2 * kMicrosPerDay});
  auto purged = queue_->PurgeFinished(clock_.now() - kMicrosPerDay / 2);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(queue_->Get(ws_, old_job).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(queue_->Get(ws_, recent).ok());
  EXPECT_TRUE(queue_->Get(ws_, waiting).ok()) << "unfinished jobs are never purged";
}

TEST(JobTest, RetryDelayDoublesUpToTheCap) {
  RetryPolicy p{kMicrosPerSecond, 10 * kMicrosPerSecond};
  const std::pair<int, Micros> cases[] = {{1, 1}, {2, 2}, {3, 4}, {4, 8}, {5, 10}, {60, 10}};
  for (const auto& [attempts, seconds] : cases)
    EXPECT_EQ(p.Delay(attempts), seconds * kMicrosPerSecond) << attempts;
}

TEST(JobTest, WhichFailuresAreRetried) {
  const std::pair<Status, bool> cases[] = {
      {Unavailable("db down"), true},
      {Status(StatusCode::kResourceExhausted, "rate"), true},
      {Internal("bug"), true},
      {Status(StatusCode::kCanceled, "interrupted"), true},
      {InvalidArgument("bad row"), false},
      {NotFound("gone"), false},
      {FailedPrecondition("state"), false},
      {PermissionDenied("no"), false},
      {AlreadyExists("dup"), false},
      {TooLarge("big"), false},
  };
  for (const auto& [status, want] : cases)
    EXPECT_EQ(IsRetryable(status), want) << status.ToString();
}

TEST(JobTest, StateNamesRoundTrip) {
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded, JobState::kFailed,
                     JobState::kCanceled})
    EXPECT_EQ(ParseJobState(JobStateName(s)), s);
  EXPECT_EQ(ParseJobState("done"), std::nullopt);
  EXPECT_EQ(ParseJobState("Queued"), std::nullopt);
}

}  // namespace
}  // namespace rally::jobs
