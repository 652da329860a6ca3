// Migration 0008 (SQLite): the FTS5 search index stops being written by per-row triggers and is
// filled from contact_search_queue once per commit (storage::IndexQueuedSearch). A database
// created at version 7, with contacts already indexed, keeps its index and from then on stays
// current through the queue. Sqlite* suites run only on SQLite; PostgreSQL's 0008 is a no-op.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "fixtures/temp_dir.h"
#include "storage/database.h"
#include "storage/dialect.h"
#include "storage/migrations.h"

namespace rally::storage {
namespace {

class SqliteSearchQueueMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (rally::testing::TestingOnPostgres()) GTEST_SKIP() << "SQLite only";
    auto db = Open(OpenOptions{dir_.File("rally.db")});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  // Applies the embedded migrations up to `version` only, as an older binary would have.
  void MigrateTo(int version) {
    for (const Migration& m : EmbeddedMigrations(Dialect::kSqlite)) {
      if (m.version > version) break;
      Status s = db_->Write([&](Transaction& tx) -> Status {
        RALLY_RETURN_IF_ERROR(tx.ExecScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
        RALLY_RETURN_IF_ERROR(tx.ExecScript(m.sql));
        return tx.Execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", {int64_t{m.version}, m.name})
            .status();
      });
      ASSERT_TRUE(s.ok()) << m.name << ": " << s.ToString();
    }
  }

  void Exec(const std::string& script) {
    Status s = db_->Write([&](Transaction& tx) { return tx.ExecScript(script); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The contact ids the search index matches for `match` (an FTS5 query).
  std::set<int64_t> Search(const std::string& match) {
    std::set<int64_t> ids;
    Status s = db_->Read([&](Connection& c) {
      return c.Query("SELECT rowid FROM contact_search WHERE contact_search MATCH ?", {match},
                     [&](const Row& r) {
                       ids.insert(r.Int(0));
                       return true;
                     });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Status s = db_->Read([&](Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt(sql));
      n = v.value_or(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

constexpr const char* kSeed = R"(
  INSERT INTO workspaces (id, name, default_region, created_at) VALUES (1, 'one', 'US', 0);
  INSERT INTO companies (workspace_id, id, name, name_norm, created_at, updated_at)
    VALUES (1, 50, 'Acme Rockets', 'acme rockets', 0, 0);
  INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, last_name, company_id,
                        lifecycle_stage, lead_score, created_at, updated_at)
    VALUES (1, 101, 'jose@example.com', 'jose@example.com', 'José', 'Álvarez', 50, 0, 0, 0, 0),
           (1, 102, 'mary@example.com', 'mary@example.com', 'Mary', 'Shelley', NULL, 0, 0, 0, 0);
)";

TEST_F(SqliteSearchQueueMigrationTest, ConvertsAnIndexedDatabaseAndKeepsItCurrent) {
  MigrateTo(7);
  Exec(kSeed);  // indexed by 0003's triggers
  ASSERT_EQ(Search("jose"), (std::set<int64_t>{101}));
  ASSERT_EQ(Search("acme*"), (std::set<int64_t>{101}));

  auto applied = Migrate(*db_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_GE(*applied, 1);

  // The index 0003 built is kept: nothing re-indexed it, the queue is empty.
  EXPECT_EQ(Search("jose"), (std::set<int64_t>{101}));
  EXPECT_EQ(Search("shelley"), (std::set<int64_t>{102}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_search_queue"), 0);
  // No trigger writes the FTS5 table any more.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                  "AND sql LIKE '%INTO contact_search (%'"),
            0);

  struct Case {
    const char* name;
    std::string script;
    std::string match;
    std::set<int64_t> want;
  };
  const Case cases[] = {
      {"insert",
       "INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, lifecycle_stage, "
       "lead_score, created_at, updated_at) VALUES (1, 103, 'zoe@example.com', 'zoe@example.com', "
       "'Zoë', 0, 0, 0, 0)",
       "zoe", {103}},
      {"update of a searched column", "UPDATE contacts SET last_name = 'Godwin' WHERE id = 102",
       "godwin", {102}},
      {"the old text is gone", "", "shelley", {}},
      {"company rename", "UPDATE companies SET name = 'Zenith Labs' WHERE id = 50", "zenith", {101}},
      {"the old company name is gone", "", "acme*", {}},
      {"delete", "DELETE FROM contacts WHERE id = 101", "jose", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    if (!c.script.empty()) Exec(c.script);
    EXPECT_EQ(Search(c.match), c.want);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_search_queue"), 0);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_search"), 2);  // 102 and 103
}

TEST_F(SqliteSearchQueueMigrationTest, AWriteSeesItsOwnContactsInTheIndexOnlyOnceIndexed) {
  auto applied = Migrate(*db_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  Status s = db_->Write([&](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.ExecScript(kSeed));
    RALLY_ASSIGN_OR_RETURN(auto before, tx.QueryInt("SELECT COUNT(*) FROM contact_search "
                                                    "WHERE contact_search MATCH 'mary'"));
    EXPECT_EQ(before.value_or(-1), 0) << "queued, not yet indexed";
    RALLY_RETURN_IF_ERROR(IndexQueuedSearch(tx));
    RALLY_ASSIGN_OR_RETURN(auto after, tx.QueryInt("SELECT COUNT(*) FROM contact_search "
                                                   "WHERE contact_search MATCH 'mary'"));
    EXPECT_EQ(after.value_or(-1), 1);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Search("mary"), (std::set<int64_t>{102}));
}

TEST_F(SqliteSearchQueueMigrationTest, IndexingReadsTheQueueNotEveryContactAfterAnalyze) {
  // ANALYZE (which PRAGMA optimize runs at close) while the queue is empty, as it always is
  // between commits, leaves the queue without statistics; the planner must still start from it.
  auto applied = Migrate(*db_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  Exec(kSeed);
  Exec("WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < 1999) "
       "INSERT INTO contacts (workspace_id, id, email, email_norm, lifecycle_stage, lead_score, "
       "created_at, updated_at) SELECT 1, i, 'c' || i || '@example.com', 'c' || i || "
       "'@example.com', 0, 0, 0, 0 FROM n");
  Exec("ANALYZE");
  ASSERT_EQ(Count("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'contacts'") > 0, true);
  for (std::string_view sql : IndexQueuedSearchStatements()) {
    SCOPED_TRACE(sql);
    std::vector<std::string> plan;
    Status s = db_->Read([&](Connection& c) {
      return c.Query("EXPLAIN QUERY PLAN " + std::string(sql), {}, [&](const Row& r) {
        plan.emplace_back(r.Text(3));
        return true;
      });
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (const std::string& step : plan) {
      bool scans_contacts = step == "SCAN c" || step.starts_with("SCAN c ") ||
                            step == "SCAN contacts" || step.starts_with("SCAN contacts ");
      EXPECT_FALSE(scans_contacts) << step;
    }
  }
  EXPECT_EQ(Search("jose"), (std::set<int64_t>{101}));
}

TEST_F(SqliteSearchQueueMigrationTest, SmallCommitsKeepTheIndexMergedAsTheyGo) {
  // Migration 0012 turns FTS5's automerge off; IndexQueuedSearch merges a little per commit.
  // Without that the index would pile up segments (one per commit) until FTS5's crisis merge,
  // 16 to a level, and every search would read them all.
  auto applied = Migrate(*db_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  Exec(kSeed);
  for (int i = 0; i < 1500; ++i) {
    std::string id = std::to_string(10'000 + i);
    Exec("INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, last_name, "
         "lifecycle_stage, lead_score, created_at, updated_at) VALUES (1, " + id + ", 'p" + id +
         "@example.com', 'p" + id + "@example.com', 'Pat" + id + "', 'Lee" + id + "', 0, 0, 0, 0)");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_search_config WHERE k = 'automerge' AND v = 0"), 1);
  int64_t segments = Count("SELECT COUNT(DISTINCT segid) FROM contact_search_idx");
  EXPECT_LE(segments, 12) << "segments after 1500 one-contact commits";
  EXPECT_EQ(Search("pat10777"), (std::set<int64_t>{10'777}));
  EXPECT_EQ(Search("lee1149*").size(), 10u);  // 11490 to 11499
  EXPECT_EQ(Search("jose"), (std::set<int64_t>{101}));
}

}  // namespace
}  // namespace rally::storage
