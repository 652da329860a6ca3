// Shared set-up of the job queue tests: a fresh migrated database (storage::Database only, so the
// tests run on whichever backend the fixture opens), two workspaces, a controllable clock, and a
// table a handler can write its side effects to.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "base/clock.h"
#include "base/ids.h"
#include "fixtures/temp_dir.h"
#include "jobs/job_queue.h"
#include "storage/database.h"

namespace rally::jobs {

// Replaces the clock for the lifetime of the object. The function is installed once, before any
// runner thread starts, and reads an atomic, so tests may advance time while runners run.
class FakeClock {
 public:
  FakeClock() {
    SetClockForTesting([this] { return now_.load(); });
  }
  ~FakeClock() { SetClockForTesting(nullptr); }
  Micros now() const { return now_.load(); }
  void Advance(Micros d) { now_ += d; }

 private:
  std::atomic<Micros> now_{1'900'000'000 * kMicrosPerSecond};
};

// Polls `done` until it holds or `timeout` passes. Returns whether it held.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    ws_ = AddWorkspace("One");
    other_ws_ = AddWorkspace("Two");
    ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                     return tx.ExecScript(
                         "CREATE TABLE job_test_effects (workspace_id BIGINT NOT NULL, job_id "
                         "BIGINT NOT NULL, "
                         "PRIMARY KEY (workspace_id, job_id))");
                   })
                    .ok());
  }

  Id AddWorkspace(const std::string& name) {
    Id id = NewId();
    Status s = db_->Write([&](storage::Transaction& tx) {
      return tx
          .Execute("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                   {id, name, Now()})
          .status();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  // The side effect a test handler writes: one row per job.
  static Status WriteEffect(storage::Transaction& tx, Id ws, Id job_id) {
    return tx
        .Execute("INSERT INTO job_test_effects (workspace_id, job_id) VALUES (?, ?)", {ws, job_id})
        .status();
  }
  int64_t CountEffects() {
    int64_t n = -1;
    Status s = db_->Read([&](storage::Connection& c) -> Status {
      auto v = c.QueryInt("SELECT COUNT(*) FROM job_test_effects");
      if (!v.ok()) return v.status();
      n = v->value_or(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
  int64_t CountJobs(std::string_view state = "") {
    int64_t n = -1;
    Status s = db_->Read([&](storage::Connection& c) -> Status {
      auto v = state.empty()
                   ? c.QueryInt("SELECT COUNT(*) FROM jobs")
                   : c.QueryInt("SELECT COUNT(*) FROM jobs WHERE state = ?", {std::string(state)});
      if (!v.ok()) return v.status();
      n = v->value_or(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  Id ws_ = 0;
  Id other_ws_ = 0;
};

}  // namespace rally::jobs
