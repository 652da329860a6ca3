// What only the PostgreSQL backend does: connection loss and server restarts, the pool,
// concurrent migrations from several processes. Postgres* suites run only in the "pg:" CTest
// runs (they need the test server); the rest of the contract is tests/storage/database_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fixtures/temp_dir.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/postgres/postgres_database.h"

namespace rally::storage {
namespace {

using rally::testing::TempDir;
using rally::testing::TestDatabaseUrl;

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!rally::testing::TestingOnPostgres()) GTEST_SKIP() << "needs RALLY_TEST_PG_URL_FILE";
  }
  std::unique_ptr<Database> Open(const std::string& url, int connections = 2) {
    OpenOptions o;
    o.url = url;
    o.read_connections = connections;
    auto db = storage::Open(o);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
};

TEST_F(PostgresDatabaseTest, UnreachableServerIsUnavailable) {
  OpenOptions o;
  o.url = "postgres://rally@127.0.0.1:1/rally";
  auto db = storage::Open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(db.status().message().find("cannot connect to PostgreSQL"), std::string::npos)
      << db.status().ToString();
}

TEST_F(PostgresDatabaseTest, TextWithNulIsRefusedNotCut) {
  TempDir dir;
  TestDatabaseUrl url(dir);
  auto db = Open(url.url());
  ASSERT_NE(db, nullptr);
  Status s = db->Read([](Connection& c) {
    Value nul[] = {std::string("a\0b", 3)};
    return c.QueryText("SELECT ?", nul).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

// A killed session (as after a server restart): the statement running on it fails with
// kUnavailable, and the next calls get a new connection.
TEST_F(PostgresDatabaseTest, KilledConnectionsFailInFlightThenReconnect) {
  TempDir dir;
  TestDatabaseUrl url(dir);
  auto db = Open(url.url());
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write([](Transaction& tx) { return tx.ExecScript("CREATE TABLE t (v BIGINT)"); }).ok());

  Status in_flight = db->Write([](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (1)").status());
    return tx.QueryInt("SELECT pg_terminate_backend(pg_backend_pid())::int").status();
  });
  EXPECT_EQ(in_flight.code(), StatusCode::kUnavailable) << in_flight.ToString();

  // Every idle pooled connection dies too, from outside.
  ASSERT_TRUE(ExecPostgresCommand(rally::testing::TestPostgresServerUrl(),
                                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                  "datname = '" + url.url().substr(url.url().rfind('/') + 1) +
                                      "' AND pid <> pg_backend_pid()")
                  .ok());
  for (int i = 0; i < 3; ++i) {
    Status s = db->Write([](Transaction& tx) { return tx.Execute("INSERT INTO t VALUES (2)").status(); });
    EXPECT_TRUE(s.ok()) << "write " << i << " after the connections died: " << s.ToString();
  }
  auto n = std::make_shared<int64_t>(0);
  ASSERT_TRUE(db->Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT COUNT(*) FROM t"));
                   *n = v.value_or(-1);
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(*n, 3) << "the in-flight write was rolled back, the later ones committed";
}

// Several processes starting on one new database: each migration is applied exactly once.
TEST_F(PostgresDatabaseTest, ConcurrentMigrationsApplyEachOnce) {
  TempDir dir;
  TestDatabaseUrl url(dir);
  constexpr int kProcesses = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kProcesses; ++i) dbs.push_back(Open(url.url(), 1));
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (auto& db : dbs) {
    threads.emplace_back([&, d = db.get()] {
      auto n = Migrate(*d);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (n.ok()) applied += *n;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), static_cast<int>(EmbeddedMigrations(Dialect::kPostgres).size()));
  auto v = SchemaVersion(*dbs[0]);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, EmbeddedMigrations(Dialect::kPostgres).back().version);
}

// A real restart of a server of the test's own: a request in flight fails with kUnavailable,
// the ones after it succeed on new connections.
TEST_F(PostgresDatabaseTest, ServerRestartFailsInFlightRequestsOnly) {
  TempDir dir;
  // The server may run as another user (the `postgres` one, when tests run as root).
  std::filesystem::permissions(dir.path(), std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  std::string server = dir.File("pg");
  std::string script = RALLY_TEST_POSTGRES_SCRIPT;
  ASSERT_EQ(std::system((script + " start " + server + " >/dev/null").c_str()), 0);
  struct Stop {
    std::string cmd;
    ~Stop() { (void)std::system(cmd.c_str()); }
  } stop{script + " stop " + server};
  std::string url;
  {
    std::ifstream in(server + "/url");
    std::getline(in, url);
  }
  auto db = Open(url, 3);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write([](Transaction& tx) { return tx.ExecScript("CREATE TABLE t (v BIGINT)"); }).ok());
  // Fill the pool, so every connection is a stale one after the restart.
  std::vector<std::thread> fill;
  for (int i = 0; i < 3; ++i) {
    fill.emplace_back([&] {
      EXPECT_TRUE(db->Read([](Connection& c) { return c.QueryInt("SELECT 1 FROM pg_sleep(0.2)").status(); }).ok());
    });
  }
  for (auto& t : fill) t.join();

  std::atomic<bool> started{false};
  Status in_flight;
  std::thread slow([&] {
    in_flight = db->Read([&](Connection& c) {
      started = true;
      return c.QueryInt("SELECT 1 FROM pg_sleep(30)").status();
    });
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(std::system((script + " restart " + server).c_str()), 0);
  slow.join();
  EXPECT_EQ(in_flight.code(), StatusCode::kUnavailable) << in_flight.ToString();

  for (int i = 0; i < 5; ++i) {
    Status s = db->Write([](Transaction& tx) { return tx.Execute("INSERT INTO t VALUES (1)").status(); });
    EXPECT_TRUE(s.ok()) << "write " << i << " after the restart: " << s.ToString();
  }
  db->Close();
}

TEST(PostgresUrlTest, ReplacesTheDatabaseName) {
  struct Case {
    std::string url, want;
  };
  const std::vector<Case> cases = {
      {"postgres://u@h:5432/postgres", "postgres://u@h:5432/x"},
      {"postgres://u:p@h/db?sslmode=disable", "postgres://u:p@h/x?sslmode=disable"},
      {"postgresql://h", "postgresql://h/x"},
      {"postgres://h?host=/tmp", "postgres://h/x?host=/tmp"},
      {"postgres:///db", "postgres:///x"},
  };
  for (const Case& c : cases) EXPECT_EQ(PostgresUrlWithDatabase(c.url, "x"), c.want) << c.url;
}

}  // namespace
}  // namespace rally::storage
