// `rally copy` through the real binary: a database filled through the API by `rally serve`,
// copied, then served again answers every GET as before (same ids, bodies, timelines, jobs), the
// same API token and session still work and the same password logs in. PostgresCopyCliTest goes
// SQLite -> PostgreSQL -> a new SQLite file (the "pg:" run); CopyCliTest does SQLite -> SQLite
// and the refusals. (Row-for-row checks of every table: tests/storage/copy_test.cc.)
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
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

constexpr auto kStartTimeout = 60s;
constexpr auto kStopTimeout = 20s;

std::string Str(const json::value& v, std::string_view key) {
  const json::string* s = v.is_object() ? GetString(v.get_object(), key) : nullptr;
  return s ? std::string(*s) : std::string();
}

json::value Json(const std::string& body) {
  auto v = ParseJson(body);
  return v.ok() ? *v : json::value();
}

// What the first start printed, and what the API was asked and answered.
struct Recorded {
  std::string admin_email, password, token;
  std::string session_cookie;  // rally_session=... of a login made before the copy
  std::vector<std::string> paths;
  std::map<std::string, std::string> answers;  // path -> "<status> <body>"
};

class CopyCliTestBase : public ::testing::Test {
 protected:
  // Starts `rally serve` on `db_args`; returns it with the port it listens on.
  std::unique_ptr<RallyProcess> Serve(std::vector<std::string> db_args, uint16_t* port, std::string* out = nullptr) {
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--workers", "4", "--access-log", "false",
                                     "--test-jobs", "--job-poll-ms", "50"};
    args.insert(args.end(), db_args.begin(), db_args.end());
    auto p = std::make_unique<RallyProcess>(args, dir_.path());
    EXPECT_TRUE(p->WaitForStdout("listening on http://", kStartTimeout)) << p->Stdout() << p->Stderr();
    std::smatch m;
    std::string text = p->Stdout();
    *port = std::regex_search(text, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)\n)"))
                ? static_cast<uint16_t>(std::stoi(m[1]))
                : 0;
    if (out) *out = text;
    return p;
  }

  static void Stop(RallyProcess& p) {
    p.Signal(SIGTERM);
    EXPECT_EQ(p.WaitExit(kStopTimeout), 0) << p.Stderr();
  }

  static HttpClient::Result Call(HttpClient& c, std::string_view method, const std::string& path,
                                 const std::string& token, const std::string& body = "") {
    return c.Request(method, path, body, {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }

  // Fills a first-started SQLite database through the API and records the answers to the GETs.
  Recorded Populate(const std::string& sqlite_path) {
    Recorded rec;
    uint16_t port = 0;
    std::string banner;
    auto server = Serve({"--db", sqlite_path}, &port, &banner);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(banner, m, std::regex(R"(Admin login: (\S+)\n)"))) << banner;
    rec.admin_email = m[1];
    EXPECT_TRUE(std::regex_search(banner, m, std::regex(R"(Password: +(\S+)\n)")));
    rec.password = m[1];
    EXPECT_TRUE(std::regex_search(banner, m, std::regex(R"(API token: (rly_\S+)\n)")));
    rec.token = m[1];
    HttpClient c("127.0.0.1", port);
    auto post = [&](const std::string& path, const std::string& body, int want) {
      auto r = Call(c, "POST", path, rec.token, body);
      EXPECT_EQ(r.status, want) << path << " " << body << ": " << r.body;
      return Json(r.body);
    };
    post("/api/v1/custom-fields", R"({"key":"plan","label":"Plan","type":"select","options":["Free","Pro"]})", 201);
    post("/api/v1/custom-fields", R"({"key":"seats","type":"number"})", 201);
    const std::string ada = Str(post("/api/v1/contacts", R"({"email":"Ada@Example.com","first_name":"Ada","last_name":"Lovelace",
        "phone":"(415) 555-0132","company":"Analytical Engines","title":"Analyst","lifecycle_stage":"Qualified",
        "lead_score":72,"tags":"inbound, event attendee","linkedin":"adalovelace","custom":{"plan":"pro","seats":12.5}})", 201), "id");
    const std::string grace = Str(post("/api/v1/contacts", R"({"email":"grace@example.com","first_name":"Grace",
        "company":"Navy","tags":["referral"],"custom":{"seats":3}})", 201), "id");
    const std::string bob = Str(post("/api/v1/contacts", R"({"email":"bob@example.com"})", 201), "id");
    EXPECT_EQ(Call(c, "PATCH", "/api/v1/contacts/" + ada, rec.token,
                   R"({"lifecycle_stage":"opportunity","add_tags":["vip"],"lead_score":80})").status, 200);
    post("/api/v1/contacts/" + ada + "/activities", R"({"type":"note","body":"Met at the fair; wants a demo. Zoë too."})", 201);
    post("/api/v1/contacts/batch", R"({"items":[{"email":"zoe@example.com","first_name":"Zoë","tags":["referral"]},
        {"email":"GRACE@example.com","last_name":"Hopper"},{"email":"not-an-email"}]})", 200);
    EXPECT_EQ(Call(c, "DELETE", "/api/v1/contacts/" + bob, rec.token).status, 204);
    post("/api/v1/users", R"({"email":"member@example.com","name":"Mem","role":"member","password":"member password"})", 201);
    post("/api/v1/tokens", R"({"name":"ci"})", 201);
    const std::string job = Str(post("/api/v1/test/jobs", R"({"payload":{"steps":2,"step_ms":10}})", 201), "id");
    for (int i = 0; i < 400; ++i) {
      if (Str(Json(Call(c, "GET", "/api/v1/jobs/" + job, rec.token).body), "state") == "succeeded") break;
      std::this_thread::sleep_for(25ms);
    }
    auto login = c.Request("POST", "/api/v1/auth/login",
                           R"({"email":")" + rec.admin_email + R"(","password":")" + rec.password + R"("})",
                           {{"Content-Type", "application/json"}});
    EXPECT_EQ(login.status, 200) << login.body;
    std::string cookie = login.Header("Set-Cookie");
    rec.session_cookie = cookie.substr(0, cookie.find(';'));
    EXPECT_TRUE(rec.session_cookie.starts_with("rally_session=")) << cookie;

    rec.paths = {"/api/v1/contacts?limit=100",
                 "/api/v1/contacts?sort=-lead_score,last_name&limit=2",
                 "/api/v1/contacts/count",
                 "/api/v1/contacts/" + ada,
                 "/api/v1/contacts/" + grace,
                 "/api/v1/contacts/" + bob,
                 "/api/v1/contacts/by-email/ada@example.com",
                 "/api/v1/contacts/by-email/zoe@example.com",
                 "/api/v1/contacts/" + ada + "/timeline",
                 "/api/v1/contacts/" + grace + "/timeline?limit=1",
                 "/api/v1/tags",
                 "/api/v1/custom-fields",
                 "/api/v1/companies",
                 "/api/v1/jobs",
                 "/api/v1/jobs/" + job,
                 "/api/v1/users",
                 "/api/v1/workspace",
                 "/api/v1/auth/me"};
    rec.answers = Answers(c, rec);
    EXPECT_NE(rec.answers["/api/v1/contacts/count"], "200 {\"count\":0}");
    EXPECT_NE(rec.answers["/api/v1/jobs/" + job].find("\"succeeded\""), std::string::npos) << rec.answers["/api/v1/jobs/" + job];
    Stop(*server);
    return rec;
  }

  std::map<std::string, std::string> Answers(HttpClient& c, const Recorded& rec) {
    std::map<std::string, std::string> out;
    for (const std::string& p : rec.paths) {
      auto r = Call(c, "GET", p, rec.token);
      out[p] = std::to_string(r.status) + " " + r.body;
    }
    return out;
  }

  // Serves the copy and checks it answers as recorded: the same GETs, the same token (just used),
  // the session made before the copy, and a login with the same password; then, when asked,
  // that it takes writes (and still knows its emails).
  void ExpectSameAnswers(const std::vector<std::string>& db_args, const Recorded& rec, bool then_write) {
    uint16_t port = 0;
    std::string banner;
    auto server = Serve(db_args, &port, &banner);
    EXPECT_EQ(banner.find("First start"), std::string::npos) << "the copy has its workspace: " << banner;
    HttpClient c("127.0.0.1", port);
    std::map<std::string, std::string> now = Answers(c, rec);
    for (const std::string& p : rec.paths) EXPECT_EQ(now[p], rec.answers.at(p)) << p;
    auto me = c.Request("GET", "/api/v1/auth/me", "", {{"Cookie", rec.session_cookie}});
    EXPECT_EQ(me.status, 200) << "the session made before the copy: " << me.body;
    auto login = c.Request("POST", "/api/v1/auth/login",
                           R"({"email":")" + rec.admin_email + R"(","password":")" + rec.password + R"("})",
                           {{"Content-Type", "application/json"}});
    EXPECT_EQ(login.status, 200) << login.body;
    auto member = c.Request("POST", "/api/v1/auth/login", R"({"email":"member@example.com","password":"member password"})",
                            {{"Content-Type", "application/json"}});
    EXPECT_EQ(member.status, 200) << member.body;
    if (!then_write) {
      Stop(*server);
      return;
    }
    EXPECT_EQ(Call(c, "POST", "/api/v1/contacts", rec.token, R"({"email":"after@example.com"})").status, 201);
    EXPECT_EQ(Call(c, "POST", "/api/v1/contacts", rec.token, R"({"email":"ADA@example.com"})").status, 409);
    Stop(*server);
  }

  // `rally copy --from A --to B --json`; the parsed report.
  json::value Copy(const std::string& from, const std::string& to) {
    RunResult r = RunRally({"copy", "--from", from, "--to", to, "--json"}, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json::value report = Json(r.out);
    EXPECT_TRUE(report.is_object()) << r.out;
    return report;
  }

  TempDir dir_;
};

class CopyCliTest : public CopyCliTestBase {};

TEST_F(CopyCliTest, SqliteToSqliteAnswersTheSame) {
  Recorded rec = Populate(dir_.File("a.db"));
  json::value report = Copy("sqlite:" + dir_.File("a.db"), dir_.File("b.db"));
  EXPECT_GT(report.at("rows").as_int64(), 20) << json::serialize(report);
  EXPECT_EQ(report.at("tables").at("contacts").as_int64(), 4) << json::serialize(report);
  ExpectSameAnswers({"--db", dir_.File("b.db")}, rec, /*then_write=*/true);
}

TEST_F(CopyCliTest, RefusesWhatItCannotDoAndSaysWhy) {
  Populate(dir_.File("a.db"));
  const std::string a = "sqlite:" + dir_.File("a.db");
  ASSERT_EQ(RunRally({"copy", "--from", a, "--to", dir_.File("b.db")}, dir_.path()).exit_code, 0);
  const struct {
    std::string name;
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {"target with data", {"--from", a, "--to", dir_.File("b.db")},
       "error: failed_precondition: the target is not empty (table workspaces has rows)"},
      {"same database", {"--from", a, "--to", dir_.File("a.db")}, "--from and --to name the same database"},
      {"no such workspace", {"--from", a, "--to", dir_.File("c.db"), "--workspace", "Nope"},
       "error: not_found: the source has no workspace \"Nope\""},
      {"not a rally database", {"--from", "sqlite:" + dir_.File("c.db"), "--to", dir_.File("d.db")},
       "the source is not a Rally database"},
      {"missing --to", {"--from", a}, "--to is required"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"copy"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = RunRally(args, dir_.path());
    EXPECT_NE(r.exit_code, 0) << c.name;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.name << ": " << r.err;
  }
  // One workspace by name: the whole of it.
  json::value one = Copy(a, dir_.File("e.db"));
  RunResult by_name = RunRally({"copy", "--from", a, "--to", dir_.File("f.db"), "--workspace", "Default", "--json"}, dir_.path());
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_EQ(Json(by_name.out).at("rows"), one.at("rows")) << by_name.out;
}

class PostgresCopyCliTest : public CopyCliTestBase {
 protected:
  void SetUp() override {
    if (!TestingOnPostgres()) GTEST_SKIP() << "needs RALLY_TEST_PG_URL_FILE";
    pg_ = std::make_unique<TestDatabaseUrl>(dir_);
  }
  std::unique_ptr<TestDatabaseUrl> pg_;
};

TEST_F(PostgresCopyCliTest, SqliteToPostgresAndBackAnswersTheSame) {
  Recorded rec = Populate(dir_.File("a.db"));

  json::value to_pg = Copy("sqlite:" + dir_.File("a.db"), pg_->url());
  EXPECT_EQ(to_pg.at("tables").at("contacts").as_int64(), 4) << json::serialize(to_pg);
  ExpectSameAnswers({"--database-url", pg_->url()}, rec, /*then_write=*/false);

  // And back, into a new SQLite file: the same answers again, and it takes writes.
  // (The logins on PostgreSQL above made two sessions more; nothing else changed.)
  json::value back = Copy(pg_->url(), "sqlite:" + dir_.File("back.db"));
  json::object expected = to_pg.at("tables").as_object();
  expected["sessions"] = expected["sessions"].as_int64() + 2;
  EXPECT_EQ(back.at("tables"), expected) << json::serialize(back);
  ExpectSameAnswers({"--db", dir_.File("back.db")}, rec, /*then_write=*/true);

  RunResult again = RunRally({"copy", "--from", "sqlite:" + dir_.File("a.db"), "--to", pg_->url()}, dir_.path());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("the target is not empty"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace rally::testing
