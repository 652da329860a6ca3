// The storage contract (storage/database.h), whichever backend runs it: these tests run once on
// SQLite and once on PostgreSQL ("pg:" in CTest).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "fixtures/temp_dir.h"
#include "storage/database.h"
#include "storage/dialect.h"
#include "storage/migrations.h"

namespace rally::storage {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Write([](Transaction& tx) {
                     return tx.ExecScript(
                         "CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT, r DOUBLE PRECISION);"
                         "CREATE TABLE child (k TEXT NOT NULL REFERENCES t (k), n BIGINT CHECK (n > 0))");
                   }).ok());
  }
  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT COUNT(*) FROM t"));
                     n = *v;
                     return Status::Ok();
                   }).ok());
    return n;
  }
  Status Exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    std::vector<Value> p(params);
    return db_->Write([&](Transaction& tx) { return tx.Execute(sql, p).status(); });
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, RunsOnTheBackendTheEnvironmentNames) {
  EXPECT_EQ(db_->dialect(),
            rally::testing::TestingOnPostgres() ? Dialect::kPostgres : Dialect::kSqlite);
}

TEST_F(DatabaseTest, MigrationsAreRecordedAndIdempotent) {
  auto v = SchemaVersion(*db_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, EmbeddedMigrations(db_->dialect()).back().version);
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0);
}

TEST_F(DatabaseTest, BothDialectsHaveTheSameMigrations) {
  const auto& sqlite = EmbeddedMigrations(Dialect::kSqlite);
  const auto& postgres = EmbeddedMigrations(Dialect::kPostgres);
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
  }
}

TEST_F(DatabaseTest, FailedWriteLeavesNothing) {
  Status s = db_->Write([](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("a"), int64_t{1}}).status());
    tx.AfterCommit([] { ADD_FAILURE() << "hook of a rolled-back write ran"; });
    return InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_F(DatabaseTest, ConstraintViolationsMapToCodes) {
  ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('k', 1)").ok());
  struct Case {
    std::string name;
    std::string sql;
    StatusCode want;
  };
  const std::vector<Case> cases = {
      {"unique", "INSERT INTO t (k, v) VALUES ('k', 2)", StatusCode::kAlreadyExists},
      {"not null", "INSERT INTO child (k, n) VALUES (NULL, 1)", StatusCode::kFailedPrecondition},
      {"check", "INSERT INTO child (k, n) VALUES ('k', 0)", StatusCode::kFailedPrecondition},
      {"foreign key", "INSERT INTO child (k, n) VALUES ('nope', 1)", StatusCode::kFailedPrecondition},
      {"syntax", "INSERT INTO nowhere VALUES (1)", StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    Status s = Exec(c.sql);
    EXPECT_EQ(s.code(), c.want) << c.name << ": " << s.ToString();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << "one line: " << s.message();
  }
  EXPECT_EQ(Count(), 1);
}

TEST_F(DatabaseTest, ValuesRoundTrip) {
  struct Case {
    std::string key;
    Value v;  // bound to the BIGINT column
    Value r;  // bound to the DOUBLE column
  };
  const std::vector<Case> cases = {
      {"zero", int64_t{0}, 0.0},
      {"max", int64_t{INT64_MAX}, 1e300},
      {"min", int64_t{INT64_MIN}, -2.5},
      {"nulls", Null(), Null()},
      {"fraction", int64_t{-7}, 0.1},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(Exec("INSERT INTO t (k, v, r) VALUES (?, ?, ?)", {c.key, c.v, c.r}).ok()) << c.key;
  }
  std::string unicode = "Zoë \xF0\x9F\x98\x80 'quoted' \"double\" ? $1 \\ \n";
  ASSERT_TRUE(Exec("INSERT INTO t (k) VALUES (?)", {unicode}).ok());
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   for (const Case& want : cases) {
                     RALLY_RETURN_IF_ERROR(c.Query(
                         "SELECT v, r, v IS NULL FROM t WHERE k = ?", {want.key}, [&](const Row& row) {
                           EXPECT_EQ(row.IsNull(0), std::holds_alternative<std::monostate>(want.v));
                           EXPECT_EQ(row.OptInt(0), std::holds_alternative<int64_t>(want.v)
                                                        ? std::optional(std::get<int64_t>(want.v))
                                                        : std::nullopt)
                               << want.key;
                           if (auto* d = std::get_if<double>(&want.r)) {
                             EXPECT_EQ(row.Real(1), *d) << want.key;
                           }
                           // A boolean expression reads as 1/0 on both backends.
                           bool null = std::holds_alternative<std::monostate>(want.v);
                           EXPECT_EQ(row.Int(2), null ? 1 : 0);
                           EXPECT_EQ(row.Text(2), null ? "1" : "0");
                           return true;
                         }));
                   }
                   Value key[] = {unicode};
                   RALLY_ASSIGN_OR_RETURN(auto text, c.QueryText("SELECT k FROM t WHERE k = ?", key));
                   EXPECT_EQ(text, unicode);
                   // Placeholders inside literals, identifiers and comments are not parameters.
                   Value bang[] = {std::string("!")};
                   RALLY_ASSIGN_OR_RETURN(auto marks,
                                          c.QueryText("SELECT '?' || ? -- a comment? yes\n", bang));
                   EXPECT_EQ(marks, "?!");
                   return Status::Ok();
                 }).ok());
}

TEST_F(DatabaseTest, WrongParameterCountIsAnError) {
  Status s = Exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("a")});
  EXPECT_EQ(s.code(), StatusCode::kInternal) << s.ToString();
  // The statement stays usable with the right count.
  EXPECT_TRUE(Exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("a"), int64_t{1}}).ok());
}

TEST_F(DatabaseTest, ConcurrentWritesAreIsolatedAndAllCommitted) {
  constexpr int kThreads = 16, kPerThread = 50;
  std::atomic<int> failures{0}, hooks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool fail = i % 10 == 0;  // every tenth write fails after inserting
        Status s = db_->Write([&](Transaction& tx) -> Status {
          std::string key = std::to_string(t) + ":" + std::to_string(i);
          RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t (k, v) VALUES (?, ?)", {key, int64_t{i}}).status());
          tx.AfterCommit([&] { hooks++; });
          if (fail) return InvalidArgument("planned");
          return Status::Ok();
        });
        if (!s.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), kThreads * kPerThread / 10);
  EXPECT_EQ(Count(), kThreads * kPerThread * 9 / 10);
  EXPECT_EQ(hooks.load(), kThreads * kPerThread * 9 / 10);
}

// Read-modify-write closures, as domain code writes them for SQLite's single writer, lose no
// update when run concurrently (PostgreSQL runs them SERIALIZABLE and retries the losers).
TEST_F(DatabaseTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('counter', 0)").ok());
  constexpr int kThreads = 4, kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = db_->Write([&](Transaction& tx) -> Status {
          RALLY_ASSIGN_OR_RETURN(auto v, tx.QueryInt("SELECT v FROM t WHERE k = 'counter'"));
          return tx.Execute("UPDATE t SET v = ? WHERE k = 'counter'", {*v + 1}).status();
        });
        if (!s.ok()) {
          failures++;
          ADD_FAILURE() << s.ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT v FROM t WHERE k = 'counter'"));
                   EXPECT_EQ(v, kThreads * kPerThread);
                   return Status::Ok();
                 }).ok());
}

// Two closures that each keep "at least one row has v = 1" while clearing a different row: run
// at once, one of them must see the other's change (PostgreSQL: UseSerializable; without it,
// REPEATABLE READ would let both pass their check on their own snapshot).
TEST_F(DatabaseTest, SerializableClosuresCannotBothPassAnInvariant) {
  ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('a', 1), ('b', 1)").ok());
  std::atomic<int> arrived{0};
  auto demote = [&](std::string key) {
    bool first = true;
    return db_->Write([&](Transaction& tx) -> Status {
      RALLY_RETURN_IF_ERROR(UseSerializable(tx));
      RALLY_RETURN_IF_ERROR(tx.Execute("UPDATE t SET v = 0 WHERE k = ?", {key}).status());
      if (first) {
        // Overlap with the other closure where the backend runs them at once (SQLite runs
        // closures one after another: the wait then just times out).
        first = false;
        arrived++;
        for (int i = 0; i < 100 && arrived < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      RALLY_ASSIGN_OR_RETURN(auto left, tx.QueryInt("SELECT COUNT(*) FROM t WHERE v = 1"));
      if (left.value_or(0) == 0) return FailedPrecondition("the last one stays");
      return Status::Ok();
    });
  };
  Status a, b;
  std::thread ta([&] { a = demote("a"); });
  std::thread tb([&] { b = demote("b"); });
  ta.join();
  tb.join();
  EXPECT_NE(a.ok(), b.ok()) << a.ToString() << " / " << b.ToString();
  Status refused = a.ok() ? b : a;
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto left, c.QueryInt("SELECT COUNT(*) FROM t WHERE v = 1"));
                   EXPECT_EQ(left, 1);
                   return Status::Ok();
                 }).ok());
}

TEST_F(DatabaseTest, ReadsSeeRowsAndStopEarly) {
  ASSERT_TRUE(db_->Write([](Transaction& tx) {
                   return tx.ExecScript("INSERT INTO t (k, v) VALUES ('a',1),('b',2),('c',3)");
                 }).ok());
  int seen = 0;
  ASSERT_TRUE(db_->Read([&](Connection& c) {
                   return c.Query("SELECT k, v FROM t ORDER BY k", {}, [&](const Row& r) {
                     ++seen;
                     EXPECT_EQ(r.Text(0), "a");
                     return false;
                   });
                 }).ok());
  EXPECT_EQ(seen, 1);
}

// Both dialects: the numbers 1..? in order.
constexpr std::string_view kCountTo =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n";

TEST_F(DatabaseTest, StreamedQueriesDeliverEveryRowInOrder) {
  int64_t expected = 1;
  std::vector<Value> to = {int64_t{5000}};
  ASSERT_TRUE(db_->Read([&](Connection& c) {
                   return c.QueryStream(kCountTo, to, [&](const Row& r) {
                     EXPECT_EQ(r.Int(0), expected);
                     ++expected;
                     return true;
                   });
                 }).ok());
  EXPECT_EQ(expected, 5001);
  Status bad = db_->Read([](Connection& c) {
    return c.QueryStream("SELECT no_such_column FROM t", {}, [](const Row&) { return true; });
  });
  EXPECT_FALSE(bad.ok());
}

TEST_F(DatabaseTest, StoppingAStreamedQueryDoesNotReadTheRest) {
  // A hundred million rows would take minutes to read to the end: stopping must end the
  // statement (PostgreSQL: cancel it), and the connection must serve the next transactions.
  auto started = std::chrono::steady_clock::now();
  int seen = 0;
  std::vector<Value> to = {int64_t{100'000'000}};
  ASSERT_TRUE(db_->Read([&](Connection& c) {
                   return c.QueryStream(kCountTo, to,
                                        [&](const Row&) { return ++seen < 3; });
                 }).ok());
  EXPECT_EQ(seen, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  for (int i = 0; i < 4; ++i) {  // every pooled connection, whichever had the stream
    ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES (?, ?)",
                     {Value("k" + std::to_string(i)), Value(int64_t{i})}).ok());
    EXPECT_EQ(Count(), i + 1);
  }
}

TEST_F(DatabaseTest, ReadSeesOneSnapshot) {
  ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('a', 1)").ok());
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto before, c.QueryInt("SELECT COUNT(*) FROM t"));
                   // A write committed by another thread meanwhile stays invisible to this read.
                   std::thread([&] { EXPECT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('b', 2)").ok()); }).join();
                   RALLY_ASSIGN_OR_RETURN(auto after, c.QueryInt("SELECT COUNT(*) FROM t"));
                   EXPECT_EQ(before, after);
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(DatabaseTest, ReadConnectionsRefuseWrites) {
  Status s = db_->Read([](Connection& c) { return c.Execute("INSERT INTO t (k, v) VALUES ('x', 1)").status(); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_F(DatabaseTest, NestedWriteIsRefusedButReadInsideWriteWorks) {
  Status nested;
  Status s = db_->Write([&](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t (k, v) VALUES ('a', 1)").status());
    nested = db_->Write([](Transaction&) { return Status::Ok(); });
    // The test pool has two connections; reads from inside writes must not wait for a third.
    for (int i = 0; i < 3; ++i) {
      RALLY_RETURN_IF_ERROR(db_->Read([](Connection& c) { return c.QueryInt("SELECT 1").status(); }));
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(nested.code(), StatusCode::kInternal);
  EXPECT_EQ(Count(), 1);
}

TEST_F(DatabaseTest, SerializeTransactionRunsWritersOneAtATime) {
  ASSERT_TRUE(Exec("INSERT INTO t (k, v) VALUES ('n', 0)").ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        Status s = db_->Write([&](Transaction& tx) -> Status {
          RALLY_RETURN_IF_ERROR(SerializeTransaction(tx, 42));
          RALLY_ASSIGN_OR_RETURN(auto v, tx.QueryInt("SELECT v FROM t WHERE k = 'n'"));
          return tx.Execute("UPDATE t SET v = ? WHERE k = 'n'", {*v + 1}).status();
        });
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT v FROM t WHERE k = 'n'"));
                   EXPECT_EQ(v, 40);
                   return Status::Ok();
                 }).ok());
}

TEST_F(DatabaseTest, DeferredWritesAreThereOnceWaitCommittedSaysSo) {
  // SQLite keeps the transaction open for the next deferred write (sqlite_database_test.cc has
  // the details); PostgreSQL commits each at once. Either way WaitCommitted is the promise.
  CommitTicket ticket;
  std::atomic<int> hooks{0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(db_->WriteDeferred(
                       [&](Transaction& tx) -> Status {
                         tx.AfterCommit([&hooks] { ++hooks; });
                         return tx
                             .Execute("INSERT INTO t (k, v) VALUES (?, ?)",
                                      {"d" + std::to_string(i), int64_t{i}})
                             .status();
                       },
                       ticket)
                    .ok());
  }
  ASSERT_TRUE(db_->WaitCommitted(ticket).ok());
  EXPECT_EQ(Count(), 3);
  for (int i = 0; i < 500 && hooks.load() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(hooks.load(), 3);
  // A deferred write that fails leaves nothing, like a Write.
  Status s = db_->WriteDeferred(
      [](Transaction& tx) -> Status {
        RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t (k, v) VALUES ('x', 1)").status());
        return InvalidArgument("changed my mind");
      },
      ticket);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(db_->WaitCommitted(ticket).ok());
  EXPECT_EQ(Count(), 3);
}

TEST_F(DatabaseTest, ClosedDatabaseIsUnavailable) {
  db_->Close();
  EXPECT_EQ(db_->Read([](Connection&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(db_->Write([](Transaction&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
}

TEST(DialectTest, RewritesPlaceholdersOutsideLiteralsAndComments) {
  struct Case {
    std::string in, want;
  };
  const std::vector<Case> cases = {
      {"SELECT ? , '?' , \"a?\" , ?", "SELECT $1 , '?' , \"a?\" , $2"},
      {"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
      {"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
      {"SELECT /* ? */ ?", "SELECT /* ? */ $1"},
      {"SELECT 1", "SELECT 1"},
  };
  for (const Case& c : cases) EXPECT_EQ(RewritePlaceholdersForPostgres(c.in), c.want) << c.in;
}

}  // namespace
}  // namespace rally::storage
