// What only the SQLite backend does (its files, its checkpoints). Sqlite* suites run once, on
// SQLite; the storage contract both backends keep is tests/storage/database_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
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

// Deferred writes (Database::WriteDeferred) on a database whose open transaction waits as long
// as a test needs: then only an ordinary Write, WaitCommitted, age or Close commits it.
class SqliteDeferredWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (rally::testing::TestingOnPostgres()) GTEST_SKIP() << "SQLite only";
    Reopen(std::chrono::minutes(10), std::chrono::minutes(10));
    ASSERT_TRUE(db_->Write([](Transaction& tx) {
                     return tx.ExecScript(
                         "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);"
                         // Checked at COMMIT: how a test makes a commit fail.
                         "CREATE TABLE c (k TEXT REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)");
                   })
                    .ok());
  }
  void Reopen(std::chrono::milliseconds idle, std::chrono::milliseconds max) {
    if (db_) db_->Close();
    OpenOptions o;
    o.url = dir_.File("deferred.db");
    o.read_connections = 2;
    o.deferral_idle = idle;
    o.max_deferral = max;
    auto db = Open(o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  int64_t Count(std::string_view table = "t") {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     RALLY_ASSIGN_OR_RETURN(
                         auto v, c.QueryInt("SELECT COUNT(*) FROM " + std::string(table)));
                     n = *v;
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }
  Status Insert(CommitTicket& ticket, std::string key, std::atomic<int>* hooks = nullptr,
                std::string_view table = "t") {
    return db_->WriteDeferred(
        [&](Transaction& tx) -> Status {
          if (hooks) tx.AfterCommit([hooks] { ++*hooks; });
          return tx.Execute("INSERT INTO " + std::string(table) + " (k) VALUES (?)", {key})
              .status();
        },
        ticket);
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteDeferredWriteTest, WritesShareOneCommitAndStayUnseenUntilIt) {
  CommitTicket ticket;
  std::atomic<int> hooks{0};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Insert(ticket, "k" + std::to_string(i), &hooks).ok());
  EXPECT_NE(ticket.first, 0u);
  EXPECT_EQ(ticket.first, ticket.last) << "three writes, one transaction";
  EXPECT_EQ(Count(), 0) << "readers see deferred writes only once they commit";
  EXPECT_EQ(hooks.load(), 0) << "AfterCommit hooks wait for the commit";

  ASSERT_TRUE(db_->WaitCommitted(ticket).ok());
  EXPECT_EQ(Count(), 3);
  for (int i = 0; i < 500 && hooks.load() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(hooks.load(), 3);
}

TEST_F(SqliteDeferredWriteTest, AnOrdinaryWriteCommitsTheDeferredOnesBeforeIt) {
  CommitTicket ticket;
  ASSERT_TRUE(Insert(ticket, "deferred").ok());
  ASSERT_TRUE(db_->Write([](Transaction& tx) {
                   return tx.Execute("INSERT INTO t (k) VALUES ('plain')").status();
                 })
                  .ok());
  EXPECT_EQ(Count(), 2);
  // The next deferred write starts a transaction of its own.
  ASSERT_TRUE(Insert(ticket, "later").ok());
  EXPECT_GT(ticket.last, ticket.first);
}

TEST_F(SqliteDeferredWriteTest, TheTransactionCommitsWhenNoWriteFollows) {
  Reopen(std::chrono::milliseconds(20), std::chrono::minutes(10));
  CommitTicket ticket;
  ASSERT_TRUE(Insert(ticket, "alone").ok());
  for (int i = 0; i < 500 && Count() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDeferredWriteTest, ATransactionCommitsOnceOldEvenWhileWritesKeepComing) {
  Reopen(std::chrono::minutes(10), std::chrono::milliseconds(50));
  CommitTicket ticket;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
    ASSERT_TRUE(Insert(ticket, "k" + std::to_string(i)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GE(ticket.last - ticket.first, 2u) << "one commit in 300 ms of writes";
  EXPECT_GT(Count(), 0);
}

TEST_F(SqliteDeferredWriteTest, AFailedCommitIsReportedAndRefusesTheTicketFromThenOn) {
  CommitTicket ticket;
  ASSERT_TRUE(Insert(ticket, "fine").ok());
  // Passes when it runs; its foreign key is checked only at COMMIT, and fails there.
  ASSERT_TRUE(Insert(ticket, "no such parent", nullptr, "c").ok());
  Status s = db_->WaitCommitted(ticket);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Count(), 0) << "the failed commit undid every deferred write in it";
  EXPECT_EQ(Count("c"), 0);
  Status again = Insert(ticket, "after");
  EXPECT_FALSE(again.ok()) << "a writer whose earlier writes were lost must not go on";
  EXPECT_EQ(again.code(), s.code());
  EXPECT_EQ(Count(), 0);
  // Other writers are not held to it.
  CommitTicket fresh;
  ASSERT_TRUE(Insert(fresh, "fresh").ok());
  ASSERT_TRUE(db_->WaitCommitted(fresh).ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDeferredWriteTest, CloseCommitsTheOpenTransaction) {
  CommitTicket ticket;
  ASSERT_TRUE(Insert(ticket, "kept").ok());
  Reopen(std::chrono::minutes(10), std::chrono::minutes(10));
  EXPECT_EQ(Count(), 1);
}

}  // namespace
}  // namespace rally::storage
