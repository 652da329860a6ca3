// storage::CopyDatabase (storage/copy.h): every row of every table, ids kept, into an empty
// database of either backend; one workspace; refusals; all or nothing. The source is the test
// backend (SQLite, or PostgreSQL in the "pg:" run); each test copies into both a SQLite file and
// a fresh database of the test backend. (SQLite -> PostgreSQL through the real binary and the
// API: tests/cli/copy_cli_test.cc.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/temp_dir.h"
#include "storage/catalog.h"
#include "storage/copy.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace rally::storage {
namespace {

using rally::testing::TempDir;
using rally::testing::TestDatabaseUrl;

// A table's rows as text, in primary-key order, over the given columns.
using Rows = std::vector<std::vector<std::optional<std::string>>>;

// Every row of a workspace's core tables: two users, a token, a session, a company, a custom
// field, contacts with a second email and tags, timeline entries and a job. Ids are derived from
// `base` so two workspaces never collide.
Status Populate(Database& db, int64_t ws, const std::string& name, int contacts) {
  return db.Write([&](Transaction& tx) -> Status {
    auto exec = [&](std::string_view sql, std::vector<Value> p) { return tx.Execute(sql, p).status(); };
    const int64_t b = ws * 1000;
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO workspaces (id, name, default_region, created_at) VALUES (?, ?, 'GB', 1)", {ws, name}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO users (workspace_id, id, email, email_norm, name, role, password_hash, created_at) "
                               "VALUES (?, ?, 'Ada@X.io', 'ada@x.io', 'Ada', 'admin', '$argon2id$h', 2)", {ws, b + 1}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO users (workspace_id, id, email, email_norm, role, created_at, disabled_at) "
                               "VALUES (?, ?, 'bob@x.io', 'bob@x.io', 'member', 3, 4)", {ws, b + 2}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO api_tokens (workspace_id, id, user_id, name, token_hash, created_at) "
                               "VALUES (?, ?, ?, 'ci', 'sha256-token', 5)", {ws, b + 3, b + 1}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO sessions (workspace_id, id, user_id, token_hash, csrf_token, created_at, expires_at) "
                               "VALUES (?, ?, ?, 'sha256-session', 'csrf', 6, 7)", {ws, b + 4, b + 1}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO companies (workspace_id, id, name, name_norm, created_at, updated_at) "
                               "VALUES (?, ?, 'Acme Ltd', 'acme ltd', 8, 9)", {ws, b + 5}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO custom_fields (workspace_id, id, key, label, type, options, position, created_at, updated_at) "
                               "VALUES (?, ?, 'plan', 'Plan', 'select', '[\"Free\", \"Pro\"]', 1, 10, 11)", {ws, b + 6}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO tags (workspace_id, id, name, name_norm, created_at) VALUES (?, ?, 'VIP', 'vip', 12)", {ws, b + 7}));
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO tags (workspace_id, id, name, name_norm, created_at) VALUES (?, ?, 'Lead', 'lead', 13)", {ws, b + 8}));
    for (int i = 0; i < contacts; ++i) {
      int64_t id = b + 100 + i;
      std::string email = "c" + std::to_string(i) + "@x.io";
      // Custom values keep their key order and number spelling: json on PostgreSQL, text on SQLite.
      RALLY_RETURN_IF_ERROR(exec(
          "INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, phone, phone_e164, company_id, "
          "lifecycle_stage, lead_score, owner_id, custom, additional_emails, created_at, updated_at, last_activity_at, deleted_at) "
          "VALUES (?, ?, ?, ?, 'Zoë', '020 7946 0000', '+442079460000', ?, 2, ?, ?, '{\"plan\":\"Pro\",\"seats\":12.50}', ?, 20, 21, ?, ?)",
          {ws, id, email, email, i % 2 ? Value(b + 5) : Null(), int64_t{i * 7 % 101}, i % 3 ? Value(b + 1) : Null(),
           i == 0 ? std::string("[\"alt@x.io\"]") : std::string("[]"), i % 2 ? Value(int64_t{22}) : Null(),
           i == contacts - 1 ? Value(int64_t{23}) : Null()}));
      RALLY_RETURN_IF_ERROR(exec("INSERT INTO contact_emails (workspace_id, email_norm, contact_id, email, position) VALUES (?, ?, ?, ?, 0)",
                                 {ws, email, id, email}));
      RALLY_RETURN_IF_ERROR(exec("INSERT INTO contact_tags (workspace_id, contact_id, tag_id) VALUES (?, ?, ?)", {ws, id, b + 7}));
      if (i % 2) RALLY_RETURN_IF_ERROR(exec("INSERT INTO contact_tags (workspace_id, contact_id, tag_id) VALUES (?, ?, ?)", {ws, id, b + 8}));
      RALLY_RETURN_IF_ERROR(exec("INSERT INTO activities (workspace_id, id, contact_id, occurred_at, type, actor_type, actor_id, payload) "
                                 "VALUES (?, ?, ?, 30, 'note', 'user', ?, '{\"body\":\"Met \\u00e9 at the \\\"fair\\\"\"}')",
                                 {ws, b + 500 + i, id, b + 1}));
    }
    RALLY_RETURN_IF_ERROR(exec("INSERT INTO contact_emails (workspace_id, email_norm, contact_id, email, position) VALUES (?, 'alt@x.io', ?, 'ALT@x.io', 1)",
                               {ws, b + 100}));
    return exec("INSERT INTO jobs (workspace_id, id, kind, payload, state, attempts, max_attempts, run_after, progress, result, "
                "actor_type, actor_id, created_by, created_at, updated_at, started_at, finished_at) "
                "VALUES (?, ?, 'import.contacts', '{\"file\":\"a.csv\"}', 'succeeded', 1, 3, 40, '{\"done\":2}', '{\"rows\":2}', "
                "'user', ?, ?, 41, 42, 43, 44)",
                {ws, b + 900, b + 1, b + 1});
  });
}

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    from_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(from_, nullptr);
  }

  // The targets each test copies into: a SQLite file, and a new database of the test backend.
  struct Target {
    std::string name;
    std::unique_ptr<TempDir> dir;
    std::unique_ptr<TestDatabaseUrl> url;  // keeps a PostgreSQL database alive
    std::unique_ptr<Database> db;
  };
  std::vector<Target> Targets() {
    std::vector<Target> out;
    for (bool sqlite : {true, false}) {
      Target t;
      t.dir = std::make_unique<TempDir>();
      OpenOptions o;
      if (sqlite) {
        t.name = "sqlite file";
        o.url = "sqlite:" + t.dir->File("copy.db");
      } else {
        t.name = rally::testing::TestingOnPostgres() ? "new postgres database" : "second sqlite file";
        t.url = std::make_unique<TestDatabaseUrl>(*t.dir);
        o.url = t.url->url();
      }
      auto db = Open(o);
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      if (!db.ok()) continue;
      t.db = std::move(db).value();
      out.push_back(std::move(t));
    }
    return out;
  }

  // Every ordinary table's rows (the columns `a` and `b` share), per table name.
  static std::map<std::string, Rows> Dump(Database& db, const std::vector<TableInfo>& shape) {
    std::map<std::string, Rows> out;
    Status s = db.Read([&](Connection& c) -> Status {
      for (const TableInfo& t : shape) {
        if (t.name == "schema_migrations") continue;
        std::string cols, keys;
        for (const ColumnInfo& col : t.columns) cols += (cols.empty() ? "" : ", ") + col.name;
        for (const std::string& k : t.primary_key) keys += (keys.empty() ? "" : ", ") + k;
        Rows& rows = out[t.name];
        RALLY_RETURN_IF_ERROR(c.Query("SELECT " + cols + " FROM " + t.name + " ORDER BY " + keys, {}, [&](const Row& r) {
          rows.emplace_back();
          for (int i = 0; i < r.ColumnCount(); ++i) rows.back().push_back(r.OptText(i));
          return true;
        }));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // The tables of `a`, with only the columns `b` has too.
  static std::vector<TableInfo> SharedShape(Database& a, Database& b) {
    std::vector<TableInfo> ta, tb;
    EXPECT_TRUE(a.Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(ta, ReadTables(c));
                   return Status::Ok();
                 }).ok());
    EXPECT_TRUE(b.Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(tb, ReadTables(c));
                   return Status::Ok();
                 }).ok());
    for (TableInfo& t : ta) {
      const TableInfo* other = nullptr;
      for (const TableInfo& o : tb)
        if (o.name == t.name) other = &o;
      EXPECT_NE(other, nullptr) << t.name;
      if (!other) continue;
      std::erase_if(t.columns, [&](const ColumnInfo& c) { return other->Column(c.name) == nullptr; });
    }
    return ta;
  }

  int64_t Count(Database& db, const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(db.Read([&](Connection& c) -> Status {
                   RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT COUNT(*) FROM " + table));
                   n = v.value_or(0);
                   return Status::Ok();
                 }).ok());
    return n;
  }

  TempDir dir_;
  std::unique_ptr<Database> from_;
};

TEST_F(CopyTest, CopiesEveryRowOfEveryTableWithItsIds) {
  ASSERT_TRUE(Populate(*from_, 1, "One", 7).ok());
  ASSERT_TRUE(Populate(*from_, 2, "Two", 3).ok());
  for (Target& t : Targets()) {
    SCOPED_TRACE(t.name);
    CopyOptions options;
    options.batch_rows = 2;  // many pages, each continuing after a composite (and a text) key
    int64_t progress_calls = 0, last_done = 0;
    options.on_progress = [&](const CopyProgress& p) {
      ++progress_calls;
      EXPECT_GE(p.rows_done, last_done);
      EXPECT_LE(p.table_rows_done, p.table_rows_total);
      last_done = p.rows_done;
    };
    auto report = CopyDatabase(*from_, *t.db, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->schema_version, EmbeddedMigrations(from_->dialect()).back().version);
    EXPECT_EQ(last_done, report->rows);
    EXPECT_GT(progress_calls, 10);

    std::vector<TableInfo> shape = SharedShape(*from_, *t.db);
    std::map<std::string, Rows> before = Dump(*from_, shape), after = Dump(*t.db, shape);
    int64_t rows = 0;
    for (const auto& [table, data] : before) {
      EXPECT_EQ(after[table], data) << table;
      rows += static_cast<int64_t>(data.size());
    }
    EXPECT_EQ(report->rows, rows);
    // Every table the fixture fills is in the report, in an order that puts parents first.
    std::vector<std::string> order;
    for (const CopiedTable& c : report->tables) order.push_back(c.name);
    auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
    EXPECT_LT(pos("workspaces"), pos("users"));
    EXPECT_LT(pos("users"), pos("api_tokens"));
    EXPECT_LT(pos("contacts"), pos("contact_tags"));
    EXPECT_LT(pos("tags"), pos("contact_tags"));
    EXPECT_LT(pos("contacts"), pos("activities"));
    EXPECT_EQ(std::find(order.begin(), order.end(), "schema_migrations"), order.end());
    EXPECT_EQ(Count(*t.db, "contacts"), 10);
    EXPECT_EQ(Count(*t.db, "jobs"), 2);
    if (t.db->dialect() == Dialect::kSqlite) {
      // The search index is not copied: the copy's commit indexed every contact it queued.
      EXPECT_EQ(Count(*t.db, "contact_search"), 10);
      EXPECT_EQ(Count(*t.db, "contact_search_queue"), 0);
    }
  }
}

TEST_F(CopyTest, CopiesOneWorkspaceByNameOrId) {
  ASSERT_TRUE(Populate(*from_, 1, "One", 4).ok());
  ASSERT_TRUE(Populate(*from_, 2, "Two", 2).ok());
  std::vector<Target> targets = Targets();
  ASSERT_EQ(targets.size(), 2u);
  const struct {
    std::string workspace;
    int64_t id;
    int64_t contacts;
  } cases[] = {{"Two", 2, 2}, {"1", 1, 4}};
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(cases[i].workspace);
    Database& to = *targets[i].db;
    CopyOptions options;
    options.workspace = cases[i].workspace;
    auto report = CopyDatabase(*from_, to, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(Count(to, "workspaces"), 1);
    EXPECT_EQ(Count(to, "contacts"), cases[i].contacts);
    EXPECT_EQ(Count(to, "users"), 2);
    for (const CopiedTable& t : report->tables) {
      if (t.name == "workspaces") continue;
      int64_t other = -1;
      ASSERT_TRUE(to.Read([&](Connection& c) -> Status {
                     RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT COUNT(*) FROM " + t.name + " WHERE workspace_id <> ?",
                                                               {cases[i].id}));
                     other = v.value_or(0);
                     return Status::Ok();
                   }).ok());
      EXPECT_EQ(other, 0) << t.name;
    }
  }
  auto missing = CopyDatabase(*from_, *Targets().front().db, CopyOptions{.workspace = "Three"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_F(CopyTest, RefusesATargetWithDataAndLeavesItAsItWas) {
  ASSERT_TRUE(Populate(*from_, 1, "One", 2).ok());
  for (Target& t : Targets()) {
    SCOPED_TRACE(t.name);
    ASSERT_TRUE(Migrate(*t.db).ok());
    ASSERT_TRUE(Populate(*t.db, 5, "Already here", 1).ok());
    auto report = CopyDatabase(*from_, *t.db, {});
    EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(report.status().message().find("the target is not empty (table workspaces has rows)"), std::string::npos)
        << report.status().ToString();
    EXPECT_EQ(Count(*t.db, "contacts"), 1);
  }
}

TEST_F(CopyTest, IsAllOrNothing) {
  ASSERT_TRUE(Populate(*from_, 1, "One", 3).ok());
  ASSERT_TRUE(Populate(*from_, 2, "Two", 3).ok());
  for (Target& t : Targets()) {
    SCOPED_TRACE(t.name);
    // A unique index only the target has: the jobs, copied last, break it (both workspaces' jobs
    // have the same kind), after every other table has been written.
    ASSERT_TRUE(Migrate(*t.db).ok());
    ASSERT_TRUE(t.db->Write([](Transaction& tx) { return tx.ExecScript("CREATE UNIQUE INDEX sabotage ON jobs (kind)"); }).ok());
    auto report = CopyDatabase(*from_, *t.db, {});
    EXPECT_EQ(report.status().code(), StatusCode::kAlreadyExists) << report.status().ToString();
    EXPECT_NE(report.status().message().find("copying table jobs"), std::string::npos) << report.status().ToString();
    for (const char* table : {"workspaces", "users", "contacts", "activities", "jobs"}) EXPECT_EQ(Count(*t.db, table), 0) << table;
  }
}

TEST_F(CopyTest, RefusesASourceThatIsNotARallyDatabaseOrIsBehind) {
  TempDir other;
  auto empty = Open(OpenOptions{.url = "sqlite:" + other.File("empty.db")});
  ASSERT_TRUE(empty.ok());
  auto target = Open(OpenOptions{.url = "sqlite:" + other.File("target.db")});
  ASSERT_TRUE(target.ok());
  auto not_rally = CopyDatabase(**empty, **target, {});
  EXPECT_EQ(not_rally.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(not_rally.status().message().find("the source is not a Rally database"), std::string::npos)
      << not_rally.status().ToString();

  ASSERT_TRUE(from_->Write([](Transaction& tx) {
                     return tx.Execute("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)").status();
                   }).ok());
  auto behind = CopyDatabase(*from_, **target, {});
  EXPECT_EQ(behind.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(behind.status().message().find("run `rally migrate` on the source first"), std::string::npos)
      << behind.status().ToString();

  auto bad_batch = CopyDatabase(*from_, **target, CopyOptions{.batch_rows = 0});
  EXPECT_EQ(bad_batch.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rally::storage
