// Two real `rally serve` processes on one PostgreSQL database (DESIGN.md §5, docs/scaling.md):
// overlapping batch upserts sent to both at once give one contact per email; jobs submitted to
// one are run by either; and a process killed (SIGKILL) in the middle of a job loses nothing:
// the lease runs out, the other process takes the job over and completes it, once. Runs only in
// the "pg:" CTest run. The job kind is the test hook of app/test_jobs.h (`--test-jobs`); leases
// are shortened with --job-lease-ms so a dead process's job is retaken within seconds.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/http_client.h"
#include "fixtures/temp_dir.h"

namespace rally::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 60s;
constexpr int64_t kLeaseMs = 1500;

std::string Str(const json::value& v, std::string_view key) {
  const json::string* s = v.is_object() ? GetString(v.get_object(), key) : nullptr;
  return s ? std::string(*s) : std::string();
}

json::value Json(const HttpClient::Result& r) {
  auto v = ParseJson(r.body);
  return v.ok() ? *v : json::value();
}

struct Server {
  std::unique_ptr<RallyProcess> process;
  uint16_t port = 0;
};

class PostgresMultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestingOnPostgres()) GTEST_SKIP() << "needs RALLY_TEST_PG_URL_FILE";
    db_ = std::make_unique<TestDatabaseUrl>(dir_);
    // Both at once on the empty database: migrations and the first-start bootstrap race, and
    // exactly one process may create the workspace and print its credentials.
    Launch(servers_[0]);
    Launch(servers_[1]);
    Await(servers_[0]);
    Await(servers_[1]);
    ASSERT_NE(servers_[0].port, 0);
    ASSERT_NE(servers_[1].port, 0);
    ASSERT_EQ(bootstraps_, 1) << "one first start, not one per process";
    ASSERT_FALSE(token_.empty());
  }

  void Launch(Server& s) {
    s.process = std::make_unique<RallyProcess>(
        std::vector<std::string>{"serve", "--database-url", db_->url(), "--listen", "127.0.0.1:0",
                                 "--workers", "8", "--access-log", "false", "--test-jobs",
                                 "--job-workers", "2", "--job-lease-ms", std::to_string(kLeaseMs),
                                 "--job-heartbeat-ms", "300", "--job-poll-ms", "100"},
        dir_.path());
  }

  void Await(Server& s) {
    EXPECT_TRUE(s.process->WaitForStdout("listening on http://", kStartTimeout))
        << s.process->Stdout() << s.process->Stderr();
    std::string out = s.process->Stdout();
    std::smatch m;
    if (std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)\n)")))
      s.port = static_cast<uint16_t>(std::stoi(m[1]));
    if (std::regex_search(out, m, std::regex(R"(API token: (rly_\S+)\n)"))) {
      token_ = m[1];
      ++bootstraps_;
    }
  }

  HttpClient::Result Call(HttpClient& c, std::string_view method, const std::string& path,
                          const std::string& body = "") {
    return c.Request(method, path, body,
                     {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}});
  }

  // Submits a test.steps job through server `i`. Returns its id.
  std::string Submit(int i, int steps, int step_ms) {
    HttpClient c("127.0.0.1", servers_[i].port);
    auto r = Call(c, "POST", "/api/v1/test/jobs",
                  R"({"payload":{"steps":)" + std::to_string(steps) + R"(,"step_ms":)" +
                      std::to_string(step_ms) + "}}");
    EXPECT_EQ(r.status, 201) << r.body;
    return Str(Json(r), "id");
  }

  // GET /api/v1/jobs/{id} through server `i`.
  json::value GetJob(int i, const std::string& id) {
    HttpClient c("127.0.0.1", servers_[i].port);
    auto r = Call(c, "GET", "/api/v1/jobs/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }

  // Polls job `id` through server `i` until `done` holds (or `timeout`).
  json::value WaitForJob(int i, const std::string& id, const std::function<bool(const json::value&)>& done,
                         std::chrono::milliseconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    json::value job;
    while (std::chrono::steady_clock::now() < deadline) {
      job = GetJob(i, id);
      if (done(job)) break;
      std::this_thread::sleep_for(50ms);
    }
    return job;
  }

  TempDir dir_;
  std::unique_ptr<TestDatabaseUrl> db_;
  Server servers_[2];
  std::string token_;
  int bootstraps_ = 0;
};

bool Finished(const json::value& job) {
  std::string s = Str(job, "state");
  return s == "succeeded" || s == "failed" || s == "canceled";
}

TEST_F(PostgresMultiProcessTest, OverlappingBatchUpsertsThroughBothGiveOneContactPerEmail) {
  // Server 0 gets emails 0..149, server 1 emails 50..199, in the same rounds at the same time;
  // each round also changes first_name so every item after the first round is an update.
  constexpr int kEmails = 200, kRounds = 4;
  auto batch = [](int from, int to, int round, bool reversed) {
    std::string body = R"({"items":[)";
    for (int k = 0; k < to - from; ++k) {
      int i = reversed ? to - 1 - k : from + k;  // opposite orders: the most overlap in time
      body += (k ? "," : "") + std::string(R"({"email":"Person)") + std::to_string(i) +
              R"(@Example.com","first_name":"R)" + std::to_string(round) + R"(","tags":["round)" +
              std::to_string(round) + R"("]})";
    }
    return body + "]}";
  };
  int64_t created = 0, updated = 0, unchanged = 0, errors = 0, items = 0;
  for (int round = 0; round < kRounds; ++round) {
    HttpClient::Result answers[2];
    std::thread senders[2];
    for (int s = 0; s < 2; ++s) {
      senders[s] = std::thread([&, s] {
        HttpClient c("127.0.0.1", servers_[s].port);
        c.set_timeout(60s);
        answers[s] = Call(c, "POST", "/api/v1/contacts/batch",
                          batch(s == 0 ? 0 : 50, s == 0 ? 150 : kEmails, round, s == 1));
      });
    }
    for (auto& t : senders) t.join();
    for (int s = 0; s < 2; ++s) {
      ASSERT_EQ(answers[s].status, 200) << answers[s].body;
      json::value a = Json(answers[s]);
      created += a.at("created").as_int64();
      updated += a.at("updated").as_int64();
      unchanged += a.at("unchanged").as_int64();
      errors += a.at("errors").as_int64();
      items += static_cast<int64_t>(a.at("results").as_array().size());
    }
  }
  EXPECT_EQ(items, kRounds * 300);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(created, kEmails) << "each email created exactly once, by one of the two processes";
  EXPECT_EQ(created + updated + unchanged, items);

  for (int s = 0; s < 2; ++s) {
    HttpClient c("127.0.0.1", servers_[s].port);
    auto count = Call(c, "GET", "/api/v1/contacts/count");
    ASSERT_EQ(count.status, 200) << count.body;
    EXPECT_EQ(Json(count).at("count").as_int64(), kEmails) << "through server " << s;
  }
  HttpClient c("127.0.0.1", servers_[1].port);
  std::set<std::string> ids;
  for (int i = 0; i < kEmails; ++i) {
    auto r = Call(c, "GET", "/api/v1/contacts/by-email/person" + std::to_string(i) + "@example.com");
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
    json::value contact = Json(r);
    ids.insert(Str(contact, "id"));
    EXPECT_EQ(Str(contact, "first_name"), "R" + std::to_string(kRounds - 1)) << i;
    // `tags` sets the list: the last round's, once.
    EXPECT_EQ(contact.at("tags"), (json::array{"round" + std::to_string(kRounds - 1)})) << json::serialize(contact);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEmails));
}

TEST_F(PostgresMultiProcessTest, JobsSubmittedToOneAreRunByEither) {
  // Eight half-second jobs through server 0, whose two job workers cannot take them all at once:
  // server 1 claims the rest at its next poll.
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(Submit(0, 5, 100));
  std::set<int64_t> pids;
  for (const std::string& id : ids) {
    json::value job = WaitForJob(1, id, Finished);
    ASSERT_EQ(Str(job, "state"), "succeeded") << json::serialize(job);
    EXPECT_EQ(job.at("attempts").as_int64(), 1) << json::serialize(job);
    pids.insert(job.at("result").at("pid").as_int64());
  }
  EXPECT_EQ(pids, (std::set<int64_t>{servers_[0].process->pid(), servers_[1].process->pid()}))
      << "both processes ran some of the jobs";
}

TEST_F(PostgresMultiProcessTest, AProcessKilledMidJobLosesNothing) {
  // A three-second job, and more queued behind it, all submitted through server 0.
  std::string long_job = Submit(0, 30, 100);
  json::value running = WaitForJob(0, long_job, [](const json::value& j) {
    return Str(j, "state") == "running" && j.at("progress").as_object().contains("done") &&
           j.at("progress").at("done").as_int64() >= 3;
  });
  ASSERT_EQ(Str(running, "state"), "running") << json::serialize(running);
  const int64_t runner_pid = running.at("progress").at("pid").as_int64();
  const int victim = runner_pid == servers_[0].process->pid() ? 0 : 1;
  const int survivor = 1 - victim;
  ASSERT_EQ(runner_pid, servers_[victim].process->pid());
  std::vector<std::string> queued;
  for (int i = 0; i < 4; ++i) queued.push_back(Submit(victim, 3, 100));

  auto killed_at = std::chrono::steady_clock::now();
  servers_[victim].process->Signal(SIGKILL);
  ASSERT_EQ(servers_[victim].process->WaitExit(10s), 128 + SIGKILL);

  // On its way: requeued by the survivor's reaper once the lease ran out, the lost attempt said.
  bool saw_expired = false;
  json::value done = WaitForJob(survivor, long_job, [&](const json::value& j) {
    if (Str(j, "error").find("expired") != std::string::npos) saw_expired = true;
    return Finished(j);
  });
  auto took = std::chrono::steady_clock::now() - killed_at;
  ASSERT_EQ(Str(done, "state"), "succeeded") << json::serialize(done);
  EXPECT_EQ(done.at("attempts").as_int64(), 2) << "the killed run, then the survivor's";
  EXPECT_EQ(done.at("result").at("pid").as_int64(), servers_[survivor].process->pid());
  EXPECT_EQ(done.at("result").at("attempt").as_int64(), 2);
  EXPECT_TRUE(saw_expired) << "the first attempt was recorded as a lost lease";
  // Lease (1.5 s) + the retry's backoff (1 s) + the job itself (3 s), with room for a slow build.
  EXPECT_LT(took, 25s);
  for (const std::string& id : queued) {
    json::value j = WaitForJob(survivor, id, Finished);
    // Finished by either: the victim may have completed one before it was killed.
    EXPECT_EQ(Str(j, "state"), "succeeded") << json::serialize(j);
  }

  // Every job of the workspace is finished, none twice: the list agrees with the jobs above.
  HttpClient c("127.0.0.1", servers_[survivor].port);
  auto list = Call(c, "GET", "/api/v1/jobs?limit=100");
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value page = Json(list);
  const json::array& jobs = page.at("data").as_array();
  EXPECT_EQ(jobs.size(), 5u);
  for (const json::value& j : jobs) EXPECT_EQ(Str(j, "state"), "succeeded") << json::serialize(j);
}

}  // namespace
}  // namespace rally::testing
