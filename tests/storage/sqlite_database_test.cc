#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "fixtures/temp_dir.h"
#include "storage/database.h"
#include "storage/dialect.h"
#include "storage/migrations.h"

namespace rally::storage {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Write([](Transaction& tx) {
                     return tx.ExecScript("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
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
  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteDatabaseTest, MigrationsAreRecordedAndIdempotent) {
  auto v = SchemaVersion(*db_);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, EmbeddedMigrations(Dialect::kSqlite).back().version);
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(SqliteDatabaseTest, FailedWriteLeavesNothing) {
  Status s = db_->Write([](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (?, ?)", {std::string("a"), int64_t{1}}).status());
    return InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_F(SqliteDatabaseTest, UniqueViolationIsAlreadyExists) {
  auto insert = [&] {
    return db_->Write([](Transaction& tx) {
      return tx.Execute("INSERT INTO t VALUES ('k', 1)").status();
    });
  };
  EXPECT_TRUE(insert().ok());
  EXPECT_EQ(insert().code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteDatabaseTest, ConcurrentWritesAreIsolatedAndAllCommitted) {
  constexpr int kThreads = 16, kPerThread = 50;
  std::atomic<int> failures{0}, hooks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool fail = i % 10 == 0;  // every tenth write fails after inserting
        Status s = db_->Write([&](Transaction& tx) -> Status {
          std::string key = std::to_string(t) + ":" + std::to_string(i);
          RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (?, ?)", {key, int64_t{i}}).status());
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

TEST_F(SqliteDatabaseTest, ReadsSeeRowsAndStopEarly) {
  ASSERT_TRUE(db_->Write([](Transaction& tx) {
                   return tx.ExecScript("INSERT INTO t VALUES ('a',1),('b',2),('c',3)");
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

TEST_F(SqliteDatabaseTest, ReadConnectionsRefuseWrites) {
  Status s = db_->Read([](Connection& c) { return c.Execute("INSERT INTO t VALUES ('x', 1)").status(); });
  EXPECT_FALSE(s.ok());
}

TEST_F(SqliteDatabaseTest, WalStaysBoundedThroughBackgroundCheckpoints) {
  // 40 MB written in 4 KB rows (about 10,000 WAL pages): without checkpoints (the writer's
  // automatic ones are replaced by the background checkpointer) the WAL would hold it all.
  const std::string blob(4000, 'x');
  for (int round = 0; round < 100; ++round) {
    ASSERT_TRUE(db_->Write([&](Transaction& tx) -> Status {
                     for (int i = 0; i < 100; ++i) {
                       RALLY_RETURN_IF_ERROR(
                           tx.Execute("INSERT OR REPLACE INTO t VALUES (?, ?)",
                                      {blob + std::to_string(round * 100 + i), int64_t{round}})
                               .status());
                     }
                     return Status::Ok();
                   }).ok());
    // The checkpointer runs concurrently; give it a moment now and then, as real traffic does.
    if (round % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Count(), 10'000);
  auto wal = std::filesystem::file_size(dir_.File("rally.db-wal"));
  EXPECT_LT(wal, 20u << 20) << "WAL of " << wal << " bytes";
}

TEST(DialectTest, RewritesPlaceholdersOutsideLiterals) {
  EXPECT_EQ(RewritePlaceholdersForPostgres("SELECT ? , '?' , \"a?\" , ?"),
            "SELECT $1 , '?' , \"a?\" , $2");
}

}  // namespace
}  // namespace rally::storage
