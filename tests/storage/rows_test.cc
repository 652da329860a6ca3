// Multi-row statements (storage/dialect.h: Rows, ExecuteRows): one statement per table for any
// number of rows, on both backends (these tests also run as "pg:").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures/temp_dir.h"
#include "storage/database.h"
#include "storage/dialect.h"

namespace rally::storage {
namespace {

constexpr RowColumn kItemColumns[] = {{"k", ColumnType::kText},
                                      {"n", ColumnType::kInt},
                                      {"r", ColumnType::kReal},
                                      {"doc", ColumnType::kJson}};

class RowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    // json on PostgreSQL, as the schema keeps documents; TEXT on SQLite.
    std::string doc_type = db_->dialect() == Dialect::kPostgres ? "json" : "TEXT";
    ASSERT_TRUE(db_->Write([&](Transaction& tx) {
                     return tx.ExecScript(
                         "CREATE TABLE items (ws BIGINT NOT NULL, k TEXT NOT NULL, n BIGINT, "
                         "r DOUBLE PRECISION, doc " + doc_type + ", PRIMARY KEY (ws, k))");
                   }).ok());
  }

  // Inserts rows (k, n, r, doc) into workspace `ws` in one call; returns the changed count.
  Result<int64_t> Insert(const Rows& rows, int64_t ws = 1) {
    int64_t changed = 0;
    Status s = db_->Write([&](Transaction& tx) -> Status {
      Value params[] = {ws};
      RALLY_ASSIGN_OR_RETURN(changed, ExecuteRows(tx,
                                                  "INSERT INTO items (ws, k, n, r, doc) SELECT ?, "
                                                  "v.k, v.n, v.r, v.doc FROM {rows} WHERE true",
                                                  params, rows));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return changed;
  }

  // "k|n|r|doc" per row of workspace `ws`, ordered by k; NULL as "-".
  std::vector<std::string> Dump(int64_t ws = 1) {
    std::vector<std::string> out;
    Status s = db_->Read([&](Connection& c) {
      return c.Query("SELECT k, n, r, CAST(doc AS TEXT) FROM items WHERE ws = ? ORDER BY k", {ws},
                     [&](const Row& r) {
                       std::string line(r.Text(0));
                       line += "|" + (r.IsNull(1) ? std::string("-") : std::to_string(r.Int(1)));
                       line += "|" + (r.IsNull(2) ? std::string("-") : std::to_string(r.Real(2)));
                       line += "|" + (r.IsNull(3) ? std::string("-") : std::string(r.Text(3)));
                       out.push_back(std::move(line));
                       return true;
                     });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static Rows Numbered(size_t n, std::string_view prefix = "k") {
    Rows rows(kItemColumns);
    for (size_t i = 0; i < n; ++i) {
      char key[32];
      std::snprintf(key, sizeof(key), "%.*s%05zu", static_cast<int>(prefix.size()), prefix.data(), i);
      rows.Push(std::string(key));
      rows.Push(static_cast<int64_t>(i));
      rows.Push(Null());
      rows.Push(Null());
    }
    return rows;
  }

  rally::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(RowsTest, ValuesOfEveryTypeRoundTrip) {
  // Texts that an array literal or a VALUES list could mangle.
  struct Case {
    std::string k;
    Value n, r, doc;
  };
  const std::vector<Case> cases = {
      {"a plain", int64_t{1}, 1.5, std::string(R"({"x":1})")},
      {"b \"quoted\" \\ back,slash {braces}", int64_t{-9223372036854775807 - 1}, -0.25,
       std::string(R"({"s":"a \"q\" \\ b"})")},
      {"c NULL", Null(), Null(), Null()},
      {"d", int64_t{9223372036854775807}, 1e300, std::string("[]")},
      {"e ünï 漢字 ", int64_t{0}, 0.0, std::string(R"({"t":"ünï"})")},
      {"f ", int64_t{7}, Null(), std::string("{}")},
      {"NULL", int64_t{8}, Null(), Null()},  // the text NULL is not the NULL of an array literal
  };
  Rows rows(kItemColumns);
  for (const Case& c : cases) {
    rows.Push(c.k);
    rows.Push(c.n);
    rows.Push(c.r);
    rows.Push(c.doc);
  }
  ASSERT_EQ(rows.size(), cases.size());
  auto n = Insert(rows);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, static_cast<int64_t>(cases.size()));
  EXPECT_EQ(Dump(), (std::vector<std::string>{
                        "NULL|8|-|-",
                        "a plain|1|1.500000|{\"x\":1}",
                        "b \"quoted\" \\ back,slash {braces}|-9223372036854775808|-0.250000|"
                        "{\"s\":\"a \\\"q\\\" \\\\ b\"}",
                        "c NULL|-|-|-",
                        "d|9223372036854775807|" + std::to_string(1e300) + "|[]",
                        "e ünï 漢字 |0|0.000000|{\"t\":\"ünï\"}",
                        "f |7|-|{}",
                    }));
}

TEST_F(RowsTest, AnyNumberOfRowsInOneCall) {
  // Sizes around SQLite's chunk boundaries (powers of two up to 256 rows per statement).
  for (size_t count : {0u, 1u, 3u, 255u, 256u, 257u, 1000u}) {
    SCOPED_TRACE(count);
    int64_t ws = static_cast<int64_t>(count) + 10;
    auto n = Insert(Numbered(count), ws);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, static_cast<int64_t>(count));
    std::vector<std::string> got = Dump(ws);
    ASSERT_EQ(got.size(), count);
    if (count > 0) {
      std::string last = std::to_string(count - 1);
      EXPECT_EQ(got.back(), "k" + std::string(5 - last.size(), '0') + last + "|" + last + "|-|-");
    }
  }
}

TEST_F(RowsTest, LooksUpUpdatesAndDeletesByRows) {
  ASSERT_TRUE(Insert(Numbered(600)).ok());
  static constexpr RowColumn kKey[] = {{"key", ColumnType::kText}};
  Rows keys(kKey);
  for (std::string k : {"k00002", "k00599", "missing", "k00300", "k00002"}) keys.Push(k);

  // A lookup: parameters before and after {rows} keep their order.
  std::vector<int64_t> found;
  Status s = db_->Read([&](Connection& c) {
    Value params[] = {int64_t{1}, int64_t{100}};
    return QueryRows(c,
                     "SELECT DISTINCT i.n FROM items i JOIN {rows} ON i.k = v.key WHERE i.ws = ? "
                     "AND i.n > ? ORDER BY i.n",
                     params, keys, [&](const Row& r) {
                       found.push_back(r.Int(0));
                       return true;
                     });
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(found, (std::vector<int64_t>{300, 599}));

  // UPDATE ... FROM {rows}: the changed count is the rows matched.
  static constexpr RowColumn kSet[] = {{"key", ColumnType::kText}, {"n", ColumnType::kInt}};
  Rows sets(kSet);
  for (int i = 0; i < 300; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "k%05d", i * 2);
    sets.Push(std::string(key));
    sets.Push(int64_t{-i});
  }
  sets.Push(std::string("missing"));
  sets.Push(int64_t{1});
  int64_t updated = -1;
  s = db_->Write([&](Transaction& tx) -> Status {
    Value params[] = {int64_t{1}};
    RALLY_ASSIGN_OR_RETURN(updated, ExecuteRows(tx,
                                                "UPDATE items SET n = v.n FROM {rows} WHERE "
                                                "items.ws = ? AND items.k = v.key",
                                                params, sets));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(updated, 300);

  // DELETE ... IN (SELECT ... FROM {rows}).
  int64_t deleted = -1;
  s = db_->Write([&](Transaction& tx) -> Status {
    Value params[] = {int64_t{1}};
    RALLY_ASSIGN_OR_RETURN(deleted, ExecuteRows(tx,
                                                "DELETE FROM items WHERE ws = ? AND k IN "
                                                "(SELECT v.key FROM {rows})",
                                                params, keys));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(deleted, 3);
  std::vector<std::string> rest = Dump();
  ASSERT_EQ(rest.size(), 597u);
  EXPECT_EQ(rest[0], "k00000|0|-|-");
  EXPECT_EQ(rest[1], "k00001|1|-|-");
  EXPECT_EQ(rest[2], "k00003|3|-|-");
  EXPECT_EQ(rest[3], "k00004|-2|-|-");
}

TEST_F(RowsTest, ConflictsAndErrors) {
  ASSERT_TRUE(Insert(Numbered(3)).ok());
  // ON CONFLICT after WHERE true: existing keys are skipped, new ones written.
  Rows more = Numbered(5);
  int64_t changed = -1;
  Status s = db_->Write([&](Transaction& tx) -> Status {
    Value params[] = {int64_t{1}};
    RALLY_ASSIGN_OR_RETURN(changed, ExecuteRows(tx,
                                                "INSERT INTO items (ws, k, n) SELECT ?, v.k, v.n "
                                                "FROM {rows} WHERE true ON CONFLICT DO NOTHING",
                                                params, more));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(changed, 2);

  // A duplicate fails the statement (and so the transaction) as a single-row insert would.
  auto dup = Insert(Numbered(2));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().ToString();
  EXPECT_EQ(Dump().size(), 5u);

  // SQL without the {rows} token is a bug of the caller.
  s = db_->Write([&](Transaction& tx) {
    return ExecuteRows(tx, "DELETE FROM items", {}, Numbered(1)).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
}

TEST(PostgresArrayLiteralTest, QuotesTextAndSpellsNulls) {
  struct Case {
    std::vector<Value> values;
    std::string want;
  };
  const Case cases[] = {
      {{}, "{}"},
      {{int64_t{1}, Null(), int64_t{-3}}, "{1,NULL,-3}"},
      {{std::string("a"), std::string(""), std::string("NULL"), Null()}, R"({"a","","NULL",NULL})"},
      {{std::string(R"(q"b\c,{})")}, R"({"q\"b\\c,{}"})"},
      {{0.5, -2.0}, "{0.5,-2}"},
  };
  for (const Case& c : cases) EXPECT_EQ(PostgresArrayLiteral(c.values), c.want);
  // Column i of row-major values: stride and offset.
  std::vector<Value> rows = {int64_t{1}, std::string("a"), int64_t{2}, std::string("b")};
  EXPECT_EQ(PostgresArrayLiteral(rows, 2, 0), "{1,2}");
  EXPECT_EQ(PostgresArrayLiteral(rows, 2, 1), R"({"a","b"})");
}

}  // namespace
}  // namespace rally::storage
