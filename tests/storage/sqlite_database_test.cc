// What only the SQLite backend does (its files, its checkpoints). Sqlite* suites run once, on
// SQLite; the storage contract both backends keep is tests/storage/database_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::storage {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (rally::testing::TestingOnPostgres()) GTEST_SKIP() << "SQLite only";
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

TEST_F(SqliteDatabaseTest, TheWalStartsOverWhileWritesGoOnWithoutPause) {
  // The same 40 MB with no pause for the checkpointer to catch up in: SQLite restarts the WAL
  // only in a transaction that begins with every frame copied, which background rounds alone
  // never reach while the writer keeps appending (the WAL used to grow to 64 MB here, and then
  // the writer checkpointed on every commit). The WAL file keeps its high-water size.
  const std::string blob(4000, 'y');
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
  }
  EXPECT_EQ(Count(), 10'000);
  auto wal = std::filesystem::file_size(dir_.File("rally.db-wal"));
  EXPECT_LT(wal, 20u << 20) << "WAL of " << wal << " bytes";
}

}  // namespace
}  // namespace rally::storage
