#include "storage/copy.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <map>
#include <set>

#include "storage/catalog.h"
#include "storage/migrations.h"

namespace rally::storage {
namespace {

constexpr std::string_view kMigrationsTable = "schema_migrations";
constexpr std::string_view kWorkspacesTable = "workspaces";
// Values bound by one INSERT: under SQLite's default limit (32,766) and PostgreSQL's (65,535).
constexpr int kMaxValuesPerInsert = 16000;

std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string List(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + Quote(n);
  return out;
}

const TableInfo* Find(const std::vector<TableInfo>& tables, std::string_view name) {
  for (const TableInfo& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

Result<int> ReadVersion(Connection& c, const std::vector<TableInfo>& tables, std::string_view side) {
  if (!Find(tables, kMigrationsTable)) {
    return FailedPrecondition("the " + std::string(side) +
                              " is not a Rally database (it has no schema_migrations table)");
  }
  RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT MAX(version) FROM schema_migrations"));
  return static_cast<int>(v.value_or(0));
}

// The tables to copy (the target's, parents first) with the columns both sides have, checked
// against the source's. `skipped` receives "table.column (only in the source|target)" for each
// column left out.
Result<std::vector<TableInfo>> PlanTables(const std::vector<TableInfo>& from,
                                          const std::vector<TableInfo>& to,
                                          std::vector<std::string>& skipped) {
  std::vector<TableInfo> out;
  for (const TableInfo& t : to) {
    if (t.name == kMigrationsTable) continue;
    const TableInfo* src = Find(from, t.name);
    if (!src) return FailedPrecondition("the source has no table " + t.name + ", the target has");
    TableInfo plan = t;
    plan.columns.clear();
    for (const ColumnInfo& c : t.columns) {
      if (src->Column(c.name)) {
        plan.columns.push_back(c);
      } else {
        skipped.push_back(t.name + "." + c.name + " (only in the target)");
      }
    }
    for (const ColumnInfo& c : src->columns) {
      if (!t.Column(c.name)) skipped.push_back(t.name + "." + c.name + " (only in the source)");
    }
    for (const ColumnInfo& c : plan.columns) {
      if (c.kind == ColumnKind::kUnsupported || src->Column(c.name)->kind == ColumnKind::kUnsupported) {
        return FailedPrecondition("column " + t.name + "." + c.name + " has type " + c.declared_type +
                                  ", which rally copy cannot carry");
      }
    }
    if (t.primary_key.empty() || t.primary_key != src->primary_key) {
      return FailedPrecondition("table " + t.name +
                                " has no primary key to page through, or not the same on both sides");
    }
    out.push_back(std::move(plan));
  }
  for (const TableInfo& t : from) {
    if (!Find(to, t.name)) return FailedPrecondition("the target has no table " + t.name + ", the source has");
  }
  return out;
}

Result<bool> HasRows(Connection& c, const std::string& table) {
  bool has_rows = false;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT 1 FROM " + Quote(table) + " LIMIT 1", {}, [&](const Row&) {
    has_rows = true;
    return false;
  }));
  return has_rows;
}

Value ReadValue(const Row& r, int col, ColumnKind kind) {
  if (r.IsNull(col)) return Null();
  switch (kind) {
    case ColumnKind::kInteger: return r.Int(col);
    case ColumnKind::kReal: return r.Real(col);
    default: return std::string(r.Text(col));
  }
}

// Copies one table, a page at a time, from `src` into `tx`.
class TableCopier {
 public:
  TableCopier(const TableInfo& table, std::optional<int64_t> workspace_id, int batch_rows)
      : table_(table), workspace_id_(workspace_id) {
    int cols = static_cast<int>(table.columns.size());
    page_rows_ = std::max(1, std::min(batch_rows, kMaxValuesPerInsert / std::max(1, cols)));
    std::vector<std::string> names;
    for (const ColumnInfo& c : table.columns) names.push_back(c.name);
    for (const std::string& k : table.primary_key) {
      for (size_t i = 0; i < table.columns.size(); ++i)
        if (table.columns[i].name == k) key_index_.push_back(i);
    }
    columns_ = List(names);
  }

  // The workspace filter ("" for none). Errors: failed_precondition when the table has no
  // column to filter on.
  Status Prepare() {
    if (workspace_id_) {
      if (table_.Column("workspace_id")) filter_ = "\"workspace_id\" = ?";
      else if (table_.name == kWorkspacesTable) filter_ = "\"id\" = ?";
      else return FailedPrecondition("table " + table_.name + " has no workspace_id column, so one workspace cannot be copied");
    }
    return Status::Ok();
  }

  Result<int64_t> Count(Connection& src) {
    std::string sql = "SELECT COUNT(*) FROM " + Quote(table_.name);
    std::vector<Value> params;
    if (!filter_.empty()) {
      sql += " WHERE " + filter_;
      params.push_back(*workspace_id_);
    }
    RALLY_ASSIGN_OR_RETURN(auto n, src.QueryInt(sql, params));
    return n.value_or(0);
  }

  // Copies every row; `progress` is called after each page with the rows copied so far.
  Result<int64_t> Run(Connection& src, Transaction& tx, const std::function<void(int64_t)>& progress) {
    std::vector<Value> page, params, last_key;
    page.reserve(static_cast<size_t>(page_rows_) * table_.columns.size());
    std::string insert_full;  // the INSERT of a full page, built once
    int64_t copied = 0;
    for (;;) {
      params.clear();
      if (!filter_.empty()) params.push_back(*workspace_id_);
      params.insert(params.end(), last_key.begin(), last_key.end());
      page.clear();
      int rows = 0;
      RALLY_RETURN_IF_ERROR(src.Query(SelectSql(!last_key.empty()), params, [&](const Row& r) {
        for (size_t c = 0; c < table_.columns.size(); ++c)
          page.push_back(ReadValue(r, static_cast<int>(c), table_.columns[c].kind));
        ++rows;
        return true;
      }));
      if (rows == 0) break;
      if (rows == page_rows_ && insert_full.empty()) insert_full = InsertSql(rows);
      RALLY_ASSIGN_OR_RETURN(int64_t written,
                             tx.Execute(rows == page_rows_ ? insert_full : InsertSql(rows), page));
      if (written != rows) {
        return Internal("copy of " + table_.name + ": wrote " + std::to_string(written) +
                        " rows of a page of " + std::to_string(rows));
      }
      copied += rows;
      if (progress) progress(copied);
      size_t last = page.size() - table_.columns.size();
      last_key.clear();
      for (size_t k : key_index_) last_key.push_back(page[last + k]);
      if (rows < page_rows_) break;
    }
    return copied;
  }

 private:
  std::string SelectSql(bool after_key) const {
    std::string sql = "SELECT " + columns_ + " FROM " + Quote(table_.name);
    std::vector<std::string> where;
    if (!filter_.empty()) where.push_back(filter_);
    if (after_key) {
      // A row-value comparison: both SQLite (3.15+) and PostgreSQL use the primary key's index.
      std::string marks;
      for (size_t i = 0; i < key_index_.size(); ++i) marks += i ? ", ?" : "?";
      where.push_back("(" + List(table_.primary_key) + ") > (" + marks + ")");
    }
    for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
    return sql + " ORDER BY " + List(table_.primary_key) + " LIMIT " + std::to_string(page_rows_);
  }

  std::string InsertSql(int rows) const {
    std::string one = "(";
    for (size_t i = 0; i < table_.columns.size(); ++i) one += i ? ", ?" : "?";
    one += ")";
    std::string sql = "INSERT INTO " + Quote(table_.name) + " (" + columns_ + ") VALUES ";
    for (int i = 0; i < rows; ++i) sql += (i ? ", " : "") + one;
    return sql;
  }

  const TableInfo& table_;
  std::optional<int64_t> workspace_id_;
  int page_rows_ = 1;
  std::vector<size_t> key_index_;  // positions of the primary key's columns in columns
  std::string columns_;            // the quoted column list
  std::string filter_;             // "" or the workspace condition, one parameter
};

}  // namespace

Result<CopyReport> CopyDatabase(Database& from, Database& to, const CopyOptions& options) {
  if (options.batch_rows < 1) return FieldInvalid("batch_rows", "invalid", "batch_rows must be at least 1");

  std::vector<TableInfo> from_tables;
  int from_version = 0;
  std::optional<int64_t> workspace_id;
  RALLY_RETURN_IF_ERROR(from.Read([&](Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(from_tables, ReadTables(c));
    RALLY_ASSIGN_OR_RETURN(from_version, ReadVersion(c, from_tables, "source"));
    if (options.workspace.empty()) return Status::Ok();
    if (!Find(from_tables, kWorkspacesTable)) return FailedPrecondition("the source has no workspaces table");
    int64_t as_id = 0;
    const std::string& w = options.workspace;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), as_id);
    bool is_id = ec == std::errc() && end == w.data() + w.size();
    return c.Query("SELECT id, name FROM workspaces ORDER BY id", {}, [&](const Row& r) {
      if ((is_id && r.Int(0) == as_id) || r.Text(1) == w) workspace_id = r.Int(0);
      return !workspace_id;
    });
  }));
  if (!options.workspace.empty() && !workspace_id) {
    return NotFound("the source has no workspace \"" + options.workspace + "\"");
  }
  const auto& known = EmbeddedMigrations(to.dialect());
  int binary_version = known.empty() ? 0 : known.back().version;
  if (from_version < binary_version) {
    return FailedPrecondition("the source is at schema version " + std::to_string(from_version) +
                              ", this rally at " + std::to_string(binary_version) +
                              ": run `rally migrate` on the source first (rally copy never writes to it)");
  }
  if (from_version > binary_version) {
    return FailedPrecondition("the source is at schema version " + std::to_string(from_version) +
                              ", newer than this rally's " + std::to_string(binary_version) +
                              ": copy with the newer rally");
  }
  RALLY_RETURN_IF_ERROR(Migrate(to).status());

  std::vector<TableInfo> to_tables;
  int to_version = 0;
  RALLY_RETURN_IF_ERROR(to.Read([&](Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(to_tables, ReadTables(c));
    RALLY_ASSIGN_OR_RETURN(to_version, ReadVersion(c, to_tables, "target"));
    return Status::Ok();
  }));
  if (to_version != from_version) {
    return FailedPrecondition("the target is at schema version " + std::to_string(to_version) +
                              ", the source at " + std::to_string(from_version));
  }
  std::vector<std::string> skipped;
  RALLY_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, PlanTables(from_tables, to_tables, skipped));
  std::vector<TableCopier> copiers;
  for (const TableInfo& t : tables) {
    copiers.emplace_back(t, workspace_id, options.batch_rows);
    RALLY_RETURN_IF_ERROR(copiers.back().Prepare());
  }

  CopyReport report;
  Status s = to.Write([&](Transaction& tx) -> Status {
    report = CopyReport{from_version, {}, 0, skipped};  // Write may run the closure again
    for (const TableInfo& t : tables) {
      RALLY_ASSIGN_OR_RETURN(bool has_rows, HasRows(tx, t.name));
      if (has_rows) {
        return FailedPrecondition("the target is not empty (table " + t.name +
                                  " has rows): rally copy fills only an empty database; "
                                  "give it a new one");
      }
    }
    if (tx.dialect() == Dialect::kSqlite) {
      // Parents are copied first; deferring the checks to the commit also covers a table whose
      // rows reference rows of the same table. (PostgreSQL's keys are not deferrable: there the
      // primary-key order must put such parents first, as time-ordered ids do.)
      RALLY_RETURN_IF_ERROR(tx.ExecScript("PRAGMA defer_foreign_keys = ON"));
    }
    return from.Read([&](Connection& src) -> Status {
      std::vector<int64_t> totals;
      int64_t total = 0;
      for (TableCopier& c : copiers) {
        RALLY_ASSIGN_OR_RETURN(int64_t n, c.Count(src));
        totals.push_back(n);
        total += n;
      }
      for (size_t i = 0; i < copiers.size(); ++i) {
        // Empty at the start, a table may have been filled since by triggers on the tables
        // copied before it. Copying it too would write those rows twice: refuse, loudly.
        RALLY_ASSIGN_OR_RETURN(bool filled, HasRows(tx, tables[i].name));
        if (filled) {
          return FailedPrecondition("table " + tables[i].name +
                                    " was filled by triggers while earlier tables were copied; "
                                    "rally copy cannot copy it");
        }
        const int64_t before = report.rows;
        auto copied = copiers[i].Run(src, tx, [&](int64_t done) {
          if (options.on_progress) {
            options.on_progress(CopyProgress{tables[i].name, done, totals[i], before + done, total});
          }
        });
        if (!copied.ok()) {
          return Status(copied.status().code(),
                        "copying table " + tables[i].name + ": " + copied.status().message());
        }
        report.tables.push_back(CopiedTable{tables[i].name, *copied});
        report.rows += *copied;
      }
      return Status::Ok();
    });
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace rally::storage
