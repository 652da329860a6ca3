// `rally serve` as a real process: first-start credentials (printed once), the port it picked,
// that what it printed works, that CLI-made tokens work against it, and a clean stop on SIGTERM
// with a request in flight (the request completes, the data is there after a restart, the
// database is intact).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/http_client.h"
#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::testing {
namespace {

using namespace std::chrono_literals;

// An ASan build starts slowly on a busy machine; these bound waits, they are not expectations.
constexpr auto kStartTimeout = 60s;
constexpr auto kStopTimeout = 10s;

// What `rally serve` printed before "listening on".
struct Banner {
  uint16_t port = 0;
  std::string admin_email, password, token;  // empty when not printed
};

Banner ParseBanner(const std::string& out) {
  Banner b;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)\n)")))
    b.port = static_cast<uint16_t>(std::stoi(m[1]));
  if (std::regex_search(out, m, std::regex(R"(Admin login: (\S+)\n)"))) b.admin_email = m[1];
  if (std::regex_search(out, m, std::regex(R"(Password: +(\S+)\n)"))) b.password = m[1];
  if (std::regex_search(out, m, std::regex(R"(API token: (rly_\S+)\n)"))) b.token = m[1];
  return b;
}

class ServeTest : public ::testing::Test {
 protected:
  // Starts `rally serve` on the test database and waits for "listening on".
  std::unique_ptr<RallyProcess> StartServer(Banner* banner) {
    auto p = std::make_unique<RallyProcess>(
        std::vector<std::string>{"serve", "--db", db_, "--listen", "127.0.0.1:0", "--workers", "4"}, dir_.path());
    bool up = p->WaitForStdout("listening on http://", kStartTimeout);
    EXPECT_TRUE(up) << "stdout: " << p->Stdout() << "\nstderr: " << p->Stderr();
    *banner = ParseBanner(p->Stdout());
    EXPECT_NE(banner->port, 0) << p->Stdout();
    return p;
  }

  // SIGTERM, then the exit code (nullopt when it did not stop in time).
  static std::optional<int> Terminate(RallyProcess& p) {
    p.Signal(SIGTERM);
    return p.WaitExit(kStopTimeout);
  }

  RunResult Cli(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return RunRally(args, dir_.path());
  }

  static HttpClient::Result Get(HttpClient& c, const std::string& path, const std::string& token) {
    return c.Request("GET", path, "", {{"Authorization", "Bearer " + token}});
  }

  TempDir dir_;
  std::string db_ = dir_.File("rally.db");
};

TEST_F(ServeTest, FirstStartPrintsWorkingCredentialsOnce) {
  Banner first;
  auto server = StartServer(&first);
  ASSERT_NE(first.port, 0);
  EXPECT_EQ(first.admin_email, "admin@localhost");
  EXPECT_GE(first.password.size(), 12u);
  ASSERT_TRUE(first.token.starts_with("rly_")) << server->Stdout();

  HttpClient http("127.0.0.1", first.port);
  EXPECT_EQ(http.Request("GET", "/healthz").status, 200);
  HttpClient::Result list = Get(http, "/api/v1/contacts", first.token);
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("\"data\":[]"), std::string::npos) << list.body;
  EXPECT_EQ(Get(http, "/api/v1/contacts", "rly_not_a_real_token").status, 401);
  EXPECT_EQ(http.Request("GET", "/api/v1/contacts").status, 401);

  // The printed login works, and only with the printed password.
  json::object login{{"email", first.admin_email}, {"password", first.password}};
  HttpClient::Result in = http.Request("POST", "/api/v1/auth/login", json::serialize(login),
                                       {{"Content-Type", "application/json"}});
  ASSERT_EQ(in.status, 200) << in.body;
  std::string cookie = in.Header("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  ASSERT_FALSE(cookie.empty());
  HttpClient::Result me = http.Request("GET", "/api/v1/auth/me", "", {{"Cookie", cookie}});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find(first.admin_email), std::string::npos) << me.body;
  login["password"] = first.password + "x";
  EXPECT_EQ(http.Request("POST", "/api/v1/auth/login", json::serialize(login),
                         {{"Content-Type", "application/json"}})
                .status,
            401);

  EXPECT_EQ(Terminate(*server), 0) << server->Stderr();

  // Second start on the same database: no credentials, and the first token still works.
  Banner second;
  auto again = StartServer(&second);
  ASSERT_NE(second.port, 0);
  std::string out = again->Stdout();
  EXPECT_EQ(out.find("API token"), std::string::npos) << out;
  EXPECT_EQ(out.find("Password"), std::string::npos) << out;
  EXPECT_EQ(out.find(first.token), std::string::npos) << out;
  HttpClient http2("127.0.0.1", second.port);
  EXPECT_EQ(Get(http2, "/api/v1/contacts", first.token).status, 200);
  EXPECT_EQ(Terminate(*again), 0) << again->Stderr();
}

// `rally user add` + `rally token create` before the first `rally serve`: the server does not
// bootstrap another admin, and the CLI's token (and the CLI's contacts) are what it serves.
TEST_F(ServeTest, CliTokenWorksAgainstServerOnTheSameDatabase) {
  ASSERT_EQ(Cli({"user", "add", "--email", "ops@example.com", "--password", "correct horse battery", "--role",
                 "admin"})
                .exit_code,
            0);
  RunResult token = Cli({"token", "create", "--user", "ops@example.com", "--json"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  auto parsed = ParseJson(token.out);
  ASSERT_TRUE(parsed.ok()) << token.out;
  std::string secret(parsed->at("token").as_string());
  RunResult revoked = Cli({"token", "create", "--user", "ops@example.com", "--json"});
  auto revoked_json = ParseJson(revoked.out);
  ASSERT_TRUE(revoked_json.ok()) << revoked.out;
  ASSERT_EQ(Cli({"token", "revoke", std::string(revoked_json->at("id").as_string())}).exit_code, 0);
  ASSERT_EQ(Cli({"contacts", "add", "--email", "ada@example.com", "--first-name", "Ada"}).exit_code, 0);

  Banner banner;
  auto server = StartServer(&banner);
  ASSERT_NE(banner.port, 0);
  EXPECT_TRUE(banner.token.empty()) << server->Stdout();
  EXPECT_TRUE(banner.password.empty()) << server->Stdout();

  HttpClient http("127.0.0.1", banner.port);
  HttpClient::Result got = Get(http, "/api/v1/contacts/by-email/ada@example.com", secret);
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("\"first_name\":\"Ada\""), std::string::npos) << got.body;
  HttpClient::Result me = Get(http, "/api/v1/auth/me", secret);
  EXPECT_NE(me.body.find("ops@example.com"), std::string::npos) << me.body;
  EXPECT_EQ(Get(http, "/api/v1/contacts", std::string(revoked_json->at("token").as_string())).status, 401);
  EXPECT_EQ(Terminate(*server), 0) << server->Stderr();
}

// A token revoked from the CLI while the server runs stops working there within the principal
// cache's lifetime (10 s; auth/principal_cache.h), as the CLI says.
TEST_F(ServeTest, TokenRevokedByCliStopsWorkingOnRunningServer) {
  Banner banner;
  auto server = StartServer(&banner);
  ASSERT_NE(banner.port, 0);
  RunResult token = Cli({"token", "create", "--user", "admin@localhost", "--json"});
  auto parsed = ParseJson(token.out);
  ASSERT_TRUE(parsed.ok()) << token.out << token.err;
  std::string secret(parsed->at("token").as_string());
  HttpClient http("127.0.0.1", banner.port);
  ASSERT_EQ(Get(http, "/api/v1/contacts", secret).status, 200);  // now cached by the server

  RunResult revoked = Cli({"token", "revoke", std::string(parsed->at("id").as_string())});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_NE(revoked.out.find("within 10 s"), std::string::npos) << revoked.out;
  auto deadline = std::chrono::steady_clock::now() + 12s;
  int status = 0;
  while ((status = Get(http, "/api/v1/contacts", secret).status) == 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(250ms);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(Get(http, "/api/v1/contacts", banner.token).status, 200);  // other tokens unaffected
  EXPECT_EQ(Terminate(*server), 0) << server->Stderr();
}

TEST_F(ServeTest, BadListenAddressOrBusyPortFailsWithExitCodeOne) {
  Banner banner;
  auto server = StartServer(&banner);
  ASSERT_NE(banner.port, 0);

  struct Case {
    std::string listen;
    std::string in_stderr;
  };
  const std::vector<Case> cases = {
      {"nonsense", "listen"},
      {"127.0.0.1:99999", "listen"},
      {"127.0.0.1:" + std::to_string(banner.port), "error: unavailable"},
  };
  for (const Case& c : cases) {
    RunResult r = RunRally({"serve", "--db", db_, "--listen", c.listen}, dir_.path(), {}, 30s);
    SCOPED_TRACE(c.listen + "\nstdout: " + r.out + "\nstderr: " + r.err);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(c.in_stderr), std::string::npos);
    EXPECT_EQ(r.out.find("listening on"), std::string::npos);
  }
  EXPECT_TRUE(server->Running());
  EXPECT_EQ(Terminate(*server), 0) << server->Stderr();
}

// A first start that cannot listen must not use up the one showing of the credentials.
TEST_F(ServeTest, FirstStartOnABusyPortKeepsTheCredentialsForTheNextStart) {
  Banner banner;
  auto busy = StartServer(&banner);
  ASSERT_NE(banner.port, 0);

  std::string fresh = dir_.File("fresh.db");
  RunResult failed = RunRally({"serve", "--db", fresh, "--listen", "127.0.0.1:" + std::to_string(banner.port)},
                              dir_.path(), {}, 30s);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_EQ(failed.out.find("API token"), std::string::npos) << failed.out;

  RallyProcess first({"serve", "--db", fresh, "--listen", "127.0.0.1:0"}, dir_.path());
  ASSERT_TRUE(first.WaitForStdout("listening on", kStartTimeout)) << first.Stderr();
  Banner printed = ParseBanner(first.Stdout());
  EXPECT_TRUE(printed.token.starts_with("rly_")) << first.Stdout();
  EXPECT_FALSE(printed.password.empty()) << first.Stdout();
  HttpClient http("127.0.0.1", printed.port);
  EXPECT_EQ(Get(http, "/api/v1/contacts", printed.token).status, 200);
  EXPECT_EQ(Terminate(first), 0) << first.Stderr();
  EXPECT_EQ(Terminate(*busy), 0) << busy->Stderr();
}

// The printed address is a URL a browser or curl takes, IPv6 included.
TEST_F(ServeTest, ListeningLinePrintsAUsableUrl) {
  struct Case {
    std::string listen;
    std::string url_prefix;  // before the port
    std::string connect_host;
    int stop_signal;  // Ctrl-C stops it as cleanly as SIGTERM
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:0", "http://127.0.0.1:", "127.0.0.1", SIGTERM},
      {"localhost:0", "http://localhost:", "localhost", SIGINT},
      {"[::1]:0", "http://[::1]:", "::1", SIGTERM},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.listen);
    RallyProcess p({"serve", "--db", db_, "--listen", c.listen, "--workers", "2"}, dir_.path());
    if (!p.WaitForStdout("listening on ", kStartTimeout)) {
      // A machine without IPv6 loopback cannot run that case.
      if (c.connect_host == "::1" && p.Stderr().find("error: unavailable") != std::string::npos) continue;
      ADD_FAILURE() << "stdout: " << p.Stdout() << "\nstderr: " << p.Stderr();
      continue;
    }
    std::smatch m;
    std::string out = p.Stdout();
    ASSERT_TRUE(std::regex_search(out, m, std::regex("listening on (\\S+)\n"))) << out;
    std::string url = m[1];
    ASSERT_TRUE(url.starts_with(c.url_prefix)) << url;
    int port = std::stoi(url.substr(c.url_prefix.size()));
    HttpClient http(c.connect_host, static_cast<uint16_t>(port));
    EXPECT_EQ(http.Request("GET", "/healthz").status, 200) << url;
    p.Signal(c.stop_signal);
    EXPECT_EQ(p.WaitExit(kStopTimeout), 0) << p.Stderr();
    EXPECT_NE(p.Stderr().find("stopped cleanly"), std::string::npos) << p.Stderr();
  }
}

// A plain socket, for a request the test sends in two parts (HttpClient sends whole requests).
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads up to and including the first blank line (an interim response's end).
  std::string ReadHead() {
    std::string out;
    char c;
    while (!out.ends_with("\r\n\r\n") && ::recv(fd_, &c, 1, 0) == 1) out += c;
    return out;
  }

  // Everything until the server closes the connection (or the 30 s receive timeout).
  std::string ReadToEnd() {
    std::string out;
    char buf[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Regression guard for graceful stop: a 1,000-contact batch whose body is still arriving when
// SIGTERM lands must be read, committed and answered; then the process exits 0, having closed
// the database (SQLite removes the WAL file on a clean close), and everything is there after a
// restart.
TEST_F(ServeTest, SigtermDuringBatchFinishesItAndStopsCleanly) {
  Banner banner;
  auto server = StartServer(&banner);
  ASSERT_NE(banner.port, 0);
  ASSERT_FALSE(banner.token.empty());

  constexpr int kContacts = 1000;
  json::array items;
  for (int i = 0; i < kContacts; ++i) {
    items.push_back(json::object{{"email", "bulk" + std::to_string(i) + "@example.com"},
                                 {"first_name", "Bulk"},
                                 {"last_name", std::to_string(i)},
                                 {"tags", json::array{"bulk", i % 2 ? "odd" : "even"}},
                                 {"lead_score", i % 101}});
  }
  std::string body = json::serialize(json::object{{"items", std::move(items)}});
  std::string head = "POST /api/v1/contacts/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer " + banner.token + "\r\n"
                     "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  size_t half = body.size() / 2;

  // "100 Continue" proves the server has read the header: the request is in flight, not a
  // connection waiting to be read.
  RawConnection conn(banner.port);
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(head));
  std::string interim = conn.ReadHead();
  ASSERT_TRUE(interim.starts_with("HTTP/1.1 100")) << interim;
  ASSERT_TRUE(conn.Send(std::string_view(body).substr(0, half)));
  server->Signal(SIGTERM);

  // The server is stopping (new connections are refused) while our request is half sent.
  HttpClient probe("127.0.0.1", banner.port);
  probe.set_timeout(1s);
  bool refusing = false;
  for (auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
       !refusing && std::chrono::steady_clock::now() < deadline;) {
    refusing = probe.Request("GET", "/healthz").status == 0;
    if (!refusing) {
      probe.Close();
      std::this_thread::sleep_for(20ms);
    }
  }
  ASSERT_TRUE(refusing) << "the server kept accepting connections after SIGTERM";
  EXPECT_TRUE(server->Running());

  ASSERT_TRUE(conn.Send(std::string_view(body).substr(half)));
  std::string response = conn.ReadToEnd();
  ASSERT_TRUE(response.starts_with("HTTP/1.1 200")) << response.substr(0, 2000);
  EXPECT_NE(response.find("\"created\":1000"), std::string::npos) << response.substr(response.size() - 200);
  EXPECT_NE(response.find("\"errors\":0"), std::string::npos);

  EXPECT_EQ(server->WaitExit(kStopTimeout), 0) << server->Stderr();
  std::string log = server->Stderr();
  EXPECT_NE(log.find("received SIGTERM"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped cleanly"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(db_ + "-wal")) << "the database was not closed cleanly";

  {
    storage::OpenOptions open;
    open.url = "sqlite:" + db_;
    auto db = storage::Open(open);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    std::optional<std::string> integrity;
    std::optional<int64_t> count;
    Status s = (*db)->Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(integrity, c.QueryText("PRAGMA integrity_check"));
      RALLY_ASSIGN_OR_RETURN(count, c.QueryInt("SELECT count(*) FROM contacts WHERE deleted_at IS NULL"));
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(integrity.value_or(""), "ok");
    EXPECT_EQ(count.value_or(-1), kContacts);
    (*db)->Close();
  }

  // After a restart the server has every contact, paged as usual.
  Banner again;
  auto restarted = StartServer(&again);
  ASSERT_NE(again.port, 0);
  EXPECT_TRUE(again.token.empty());
  HttpClient http("127.0.0.1", again.port);
  HttpClient::Result page = Get(http, "/api/v1/contacts?limit=1000&sort=email", banner.token);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
  auto parsed = ParseJson(page.body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("data").as_array().size(), static_cast<size_t>(kContacts));
  EXPECT_TRUE(parsed->at("next_cursor").is_null());
  EXPECT_EQ(Get(http, "/api/v1/contacts/by-email/bulk999@example.com", banner.token).status, 200);
  EXPECT_EQ(Terminate(*restarted), 0) << restarted->Stderr();
}

}  // namespace
}  // namespace rally::testing
