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
  // 40 MB in 4 KB rows (about 10,000 WAL pages), 100 rows per write; with `pause_every` > 0 a
  // 50 ms pause after every that many writes. Returns the WAL file's size afterwards.
  uintmax_t WriteFortyMegabytes(int pause_every) {
    const std::string blob(4000, 'x');
    for (int round = 0; round < 100; ++round) {
      Status s = db_->Write([&](Transaction& tx) -> Status {
        for (int i = 0; i < 100; ++i) {
          RALLY_RETURN_IF_ERROR(tx.Execute("INSERT OR REPLACE INTO t VALUES (?, ?)",
                                           {blob + std::to_string(round * 100 + i), int64_t{round}})
                                    .status());
        }
        return Status::Ok();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (pause_every > 0 && round % pause_every == pause_every - 1)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(Count(), 10'000);
    return std::filesystem::file_size(dir_.File("rally.db-wal"));
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteDatabaseTest, WalStaysBoundedThroughBackgroundCheckpoints) {
  // Without checkpoints (the writer's automatic ones are replaced by the background
  // checkpointer) the WAL would hold all 40 MB. The checkpointer runs concurrently; the pauses
  // give it a moment now and then, as real traffic does.
  auto wal = WriteFortyMegabytes(/*pause_every=*/10);
  EXPECT_LT(wal, 20u << 20) << "WAL of " << wal << " bytes";
}

TEST_F(SqliteDatabaseTest, TheWalStartsOverWhileWritesGoOnWithoutPause) {
  // No pause for the checkpointer to catch up in: SQLite restarts the WAL only in a transaction
  // that begins with every frame copied, which background rounds alone never reach while the
  // writer keeps appending (the WAL used to grow to 64 MB here, and then the writer
  // checkpointed on every commit). The WAL file keeps its high-water size.
  auto wal = WriteFortyMegabytes(/*pause_every=*/0);
  EXPECT_LT(wal, 20u << 20) << "WAL of " << wal << " bytes";
}

}  // namespace
}  // namespace rally::storage
