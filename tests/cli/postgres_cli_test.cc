// The `rally` binary on PostgreSQL (--database-url): every command, and `rally serve` through a
// database outage. Postgres* suites run only in the "pg:" CTest run, which starts the test
// server (scripts/test-postgres); the same commands on SQLite are tests/cli/cli_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
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

std::string Str(const json::value& v, std::string_view key) {
  const json::string* s = v.is_object() ? GetString(v.get_object(), key) : nullptr;
  return s ? std::string(*s) : std::string();
}

class PostgresCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestingOnPostgres()) GTEST_SKIP() << "needs RALLY_TEST_PG_URL_FILE";
    db_ = std::make_unique<TestDatabaseUrl>(dir_);
  }

  // `rally args... --database-url <the test's database>`.
  RunResult Rally(std::vector<std::string> args) {
    args.push_back("--database-url");
    args.push_back(db_->url());
    return RunRally(args, dir_.path());
  }

  json::value RallyJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Rally(args);
    std::string cmd = "rally";
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.exit_code, 0) << cmd << "\nstdout: " << r.out << "\nstderr: " << r.err;
    auto v = ParseJson(r.out);
    EXPECT_TRUE(v.ok()) << cmd << ": stdout is not JSON: " << r.out;
    return v.ok() ? *v : json::value();
  }

  TempDir dir_;
  std::unique_ptr<TestDatabaseUrl> db_;
};

TEST_F(PostgresCliTest, EveryCommandWorksOnPostgres) {
  json::value first = RallyJson({"migrate"});
  EXPECT_GE(first.at("applied").as_int64(), 1);
  EXPECT_EQ(RallyJson({"migrate"}).at("applied").as_int64(), 0);

  json::value admin = RallyJson({"user", "add", "--email", "admin@example.com", "--password",
                                 "correct horse battery", "--role", "admin"});
  EXPECT_EQ(Str(admin, "role"), "admin");
  RallyJson({"user", "add", "--email", "member@example.com", "--password", "another long one"});
  EXPECT_EQ(RallyJson({"user", "list"}).at("data").as_array().size(), 2u);

  json::value token = RallyJson({"token", "create", "--user", "admin@example.com"});
  EXPECT_TRUE(Str(token, "token").starts_with("rly_")) << json::serialize(token);
  RunResult tokens = Rally({"token", "list", "--json"});
  EXPECT_NE(tokens.out.find(Str(token, "id")), std::string::npos) << tokens.out;
  EXPECT_EQ(Rally({"token", "revoke", Str(token, "id")}).exit_code, 0);

  RallyJson({"fields", "add", "--key", "plan", "--type", "select", "--options", "Free, Pro"});
  RallyJson({"fields", "add", "--key", "seats", "--type", "number"});
  EXPECT_EQ(Str(RallyJson({"fields", "rename", "plan", "--label", "Billing plan"}), "label"), "Billing plan");

  json::value ada = RallyJson({"contacts", "add", "--email", "Ada@Example.com", "--first-name", "Ada",
                               "--tags", "b, a", "--set", "custom.seats=12", "--set", "custom.plan=pro",
                               "--score", "72", "--stage", "Qualified", "--company", "Analytical Engines"});
  std::string ada_id = Str(ada, "id");
  ASSERT_FALSE(ada_id.empty());
  // Custom values keep the order they were written in, as on SQLite.
  EXPECT_EQ(json::serialize(ada.at("custom")), R"({"seats":12,"plan":"Pro"})");
  EXPECT_EQ(ada.at("tags"), (json::array{"a", "b"}));
  EXPECT_EQ(RallyJson({"contacts", "get", " ada@EXAMPLE.com "}), ada);
  RallyJson({"contacts", "add", "--email", "grace@example.com", "--first-name", "Grace"});

  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    std::vector<std::string> args = {"contacts", "list", "--limit", "1"};
    if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
    json::value p = RallyJson(args);
    ASSERT_EQ(p.at("data").as_array().size(), 1u) << json::serialize(p);
    seen.push_back(Str(p.at("data").as_array()[0], "email"));
    if (p.at("next_cursor").is_null()) break;
    cursor = Str(p, "next_cursor");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"grace@example.com", "Ada@Example.com"})) << "newest first";

  EXPECT_EQ(Str(RallyJson({"contacts", "delete", ada_id}), "deleted"), ada_id);
  RunResult gone = Rally({"contacts", "get", ada_id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("error: not_found"), std::string::npos) << gone.err;
  EXPECT_EQ(RallyJson({"contacts", "restore", ada_id}).at("custom"), ada.at("custom"));

  EXPECT_EQ(Str(RallyJson({"fields", "delete", "plan"}), "deleted"), "plan");
  EXPECT_EQ(json::serialize(RallyJson({"contacts", "get", ada_id}).at("custom")), R"({"seats":12})");

  RunResult dup = Rally({"contacts", "add", "--email", "ADA@example.com"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("(email: duplicate)"), std::string::npos) << dup.err;
}

// `rally serve` on a PostgreSQL server of the test's own, which goes down and comes back:
// requests while it is down answer 503, and the same server process answers again once the
// database is back, without a restart of its own.
TEST_F(PostgresCliTest, ServeAnswers503WhileTheDatabaseIsDownThenRecovers) {
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  std::string server = dir_.File("pg");
  std::string script = RALLY_TEST_POSTGRES_SCRIPT;
  ASSERT_EQ(std::system((script + " start " + server + " >/dev/null").c_str()), 0);
  struct Stop {
    std::string cmd;
    ~Stop() { (void)std::system(cmd.c_str()); }
  } stop{script + " stop " + server};
  std::string url = ReadWholeFile(server + "/url");
  while (!url.empty() && url.back() == '\n') url.pop_back();

  RallyProcess serve({"serve", "--database-url", url, "--listen", "127.0.0.1:0", "--workers", "4"},
                     dir_.path());
  ASSERT_TRUE(serve.WaitForStdout("listening on http://", 60s)) << serve.Stdout() << serve.Stderr();
  std::smatch m;
  std::string out = serve.Stdout();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)\n)"))) << out;
  uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(API token: (rly_\S+)\n)"))) << out;
  std::string auth = "Bearer " + std::string(m[1]);

  HttpClient http("127.0.0.1", port);
  auto create = [&](const std::string& email) {
    return http.Request("POST", "/api/v1/contacts", R"({"email":")" + email + R"("})",
                        {{"Authorization", auth}, {"Content-Type", "application/json"}});
  };
  ASSERT_EQ(create("before@example.com").status, 201);

  ASSERT_EQ(std::system((script + " down " + server).c_str()), 0);
  HttpClient::Result down = http.Request("GET", "/api/v1/contacts", "", {{"Authorization", auth}});
  // The principal cache may answer authentication without the database; the list cannot.
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(create("during@example.com").status, 503);

  ASSERT_EQ(std::system((script + " up " + server).c_str()), 0);
  EXPECT_EQ(create("after@example.com").status, 201);
  HttpClient::Result list = http.Request("GET", "/api/v1/contacts", "", {{"Authorization", auth}});
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("before@example.com"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("after@example.com"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("during@example.com"), std::string::npos) << list.body;

  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.WaitExit(20s), 0) << serve.Stderr();
}

}  // namespace
}  // namespace rally::testing
