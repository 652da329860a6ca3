#include "storage/dialect.h"

#include <algorithm>
#include <charconv>

namespace rally::storage {
namespace {

constexpr std::string_view kRowsToken = "{rows}";
// SQLite: rows per chunk and bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER is
// 32766 since 3.32). Larger chunks gain little: SQLite's per-row work dominates by then.
constexpr size_t kSqliteMaxChunkRows = 256;
constexpr size_t kSqliteMaxParams = 32000;
// FTS5 merge work asked for per commit that indexed anything (IndexQueuedSearch).
constexpr int64_t kMinMergePages = 4;

std::string_view PostgresArrayType(ColumnType t) {
  switch (t) {
    case ColumnType::kInt: return "bigint[]";
    case ColumnType::kReal: return "float8[]";
    case ColumnType::kText: return "text[]";
    case ColumnType::kJson: return "json[]";
  }
  return "text[]";
}

size_t FloorPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

}  // namespace

std::string RewritePlaceholdersForPostgres(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (!quote && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end - 1;
      continue;
    }
    if (!quote && c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, end - i));
      i = end - 1;
      continue;
    }
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;  // a doubled quote re-enters the literal on the next char
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  if (count) *count = n;
  return out;
}

std::string_view ILike(Dialect d) { return d == Dialect::kPostgres ? "ILIKE" : "LIKE"; }

std::string_view ForUpdateSkipLocked(Dialect d) {
  return d == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
}

std::string JsonField(Dialect d, std::string_view column) {
  if (d == Dialect::kPostgres) return "(" + std::string(column) + " ->> ?)";
  return "json_extract(" + std::string(column) + ", '$.' || ?)";
}

namespace {
bool PlainKey(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z') return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

std::string JsonTextAt(Dialect d, std::string_view column, std::string_view key) {
  if (!PlainKey(key)) return "CAST(NULL AS TEXT)";
  // COLLATE "C" as every text column of the PostgreSQL schema has, so comparisons, LOWER()
  // (ASCII only under C) and sort order agree with SQLite's BINARY.
  if (d == Dialect::kPostgres) {
    return "((" + std::string(column) + " ->> '" + std::string(key) + "') COLLATE \"C\")";
  }
  return "json_extract(" + std::string(column) + ", '$." + std::string(key) + "')";
}

std::string JsonNumberAt(Dialect d, std::string_view column, std::string_view key) {
  if (d == Dialect::kPostgres) {
    return "CAST(" + JsonTextAt(d, column, key) + " AS DOUBLE PRECISION)";
  }
  return JsonTextAt(d, column, key);  // json_extract returns JSON numbers as SQL numbers
}

std::string JsonBoolAt(Dialect d, std::string_view column, std::string_view key) {
  if (d == Dialect::kPostgres) {
    return "(CASE " + JsonTextAt(d, column, key) + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)";
  }
  return JsonTextAt(d, column, key);  // json_extract returns true/false as 1/0
}

bool ConcurrentWriters(Dialect d) { return d == Dialect::kPostgres; }

Status SerializeTransaction(Transaction& tx, int64_t key) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  RALLY_RETURN_IF_ERROR(UseReadCommitted(tx));
  return tx.Query("SELECT pg_advisory_xact_lock(?)", {key}, [](const Row&) { return true; });
}

std::span<const std::string_view> IndexQueuedSearchStatements() {
  // The text as 0003 indexed it: first and last name, email, company name. CROSS JOIN fixes
  // the queue as the outer loop: ANALYZE (PRAGMA optimize at close) finds the queue empty and
  // records no statistics for it, and the planner, taking it for a million rows, then scanned
  // every contact on each commit (single creates fell from 6,000/s to 400/s after a restart).
  static constexpr std::string_view kStatements[] = {
      "DELETE FROM contact_search WHERE rowid IN (SELECT contact_id FROM contact_search_queue)",
      "INSERT INTO contact_search (rowid, doc) "
      "SELECT c.id, COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '') || ' ' || "
      "c.email || ' ' || COALESCE(co.name, '') "
      "FROM contact_search_queue q "
      "CROSS JOIN contacts c ON c.workspace_id = q.workspace_id AND c.id = q.contact_id "
      "LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id",
      "DELETE FROM contact_search_queue",
  };
  return kStatements;
}

Status IndexQueuedSearch(Transaction& tx) {
  if (tx.dialect() != Dialect::kSqlite) return Status::Ok();
  auto statements = IndexQueuedSearchStatements();
  int64_t indexed = 0;
  for (size_t i = 0; i < statements.size(); ++i) {
    RALLY_ASSIGN_OR_RETURN(int64_t n, tx.Execute(statements[i]));
    if (i == 1) indexed = n;
  }
  if (indexed == 0) return Status::Ok();
  // Migration 0012 turned FTS5's automerge off: its merging, half a page per document indexed
  // (more than FTS5's own average of about one page per leaf page per level), a little on every
  // commit rather than a large chunk now and then. (A page per document, at least 16, left
  // twice as many commits of bench/api over 2 ms in their indexing.)
  int64_t pages = std::max<int64_t>(kMinMergePages, indexed / 2);
  return tx.Execute("INSERT INTO contact_search (contact_search, rank) VALUES ('merge', ?)", {pages})
      .status();
}

Status UseSerializable(Transaction& tx) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  return tx.Execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").status();
}

Status UseReadCommitted(Transaction& tx) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  return tx.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").status();
}

std::string PostgresArrayLiteral(std::span<const Value> values, size_t stride, size_t offset) {
  std::string out = "{";
  for (size_t i = offset; i < values.size(); i += stride) {
    if (out.size() > 1) out += ',';
    const Value& v = values[i];
    if (std::holds_alternative<std::monostate>(v)) {
      out += "NULL";
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *n);
      out.append(buf, end);
    } else if (const auto* d = std::get_if<double>(&v)) {
      if (*d != *d) {
        out += "NaN";
      } else if (*d > 1.7976931348623157e308 || *d < -1.7976931348623157e308) {
        out += *d > 0 ? "Infinity" : "-Infinity";
      } else {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);  // shortest round trip
        out.append(buf, end);
      }
    } else {
      // Quoted, so that empty strings, "NULL", commas, braces and spaces stay text.
      const std::string& text = std::get<std::string>(v);
      out += '"';
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  out += '}';
  return out;
}

Result<int64_t> ExecuteRows(Connection& c, std::string_view sql, Params params, const Rows& rows,
                            const RowFn* fn) {
  if (rows.empty()) return int64_t{0};
  size_t at = sql.find(kRowsToken);
  if (at == std::string_view::npos) return Internal("multi-row statement without {rows}");
  std::string_view before = sql.substr(0, at), after = sql.substr(at + kRowsToken.size());
  int n_before = 0;
  RewritePlaceholdersForPostgres(before, &n_before);
  if (static_cast<size_t>(n_before) > params.size()) {
    return Internal("multi-row statement has more parameters than it was given");
  }
  std::span<const RowColumn> columns = rows.columns();
  const size_t ncols = columns.size();
  std::span<const Value> values = rows.values();

  // Binds params around `middle` values and runs `text`.
  std::vector<Value> bound;
  auto run = [&](const std::string& text, auto&& add_middle) -> Result<int64_t> {
    bound.clear();
    bound.insert(bound.end(), params.begin(), params.begin() + n_before);
    add_middle();
    bound.insert(bound.end(), params.begin() + n_before, params.end());
    if (fn) {
      RALLY_RETURN_IF_ERROR(c.Query(text, bound, *fn));
      return int64_t{0};
    }
    return c.Execute(text, bound);
  };

  if (c.dialect() == Dialect::kPostgres) {
    std::string text(before);
    text += "unnest(";
    for (size_t i = 0; i < ncols; ++i) {
      text += i ? ", ?::" : "?::";
      text += PostgresArrayType(columns[i].type);
    }
    text += ") AS v(";
    for (size_t i = 0; i < ncols; ++i) {
      if (i) text += ", ";
      text += columns[i].name;
    }
    text += ')';
    text += after;
    return run(text, [&] {
      for (size_t i = 0; i < ncols; ++i) bound.emplace_back(PostgresArrayLiteral(values, ncols, i));
    });
  }

  const size_t max_rows =
      FloorPowerOfTwo(std::max<size_t>(1, std::min(kSqliteMaxChunkRows, kSqliteMaxParams / ncols)));
  std::string select = "(SELECT ";
  for (size_t i = 0; i < ncols; ++i) {
    if (i) select += ", ";
    select += "column" + std::to_string(i + 1) + " AS " + std::string(columns[i].name);
  }
  select += " FROM (VALUES ";
  std::string row = "(";
  for (size_t i = 0; i < ncols; ++i) row += i ? ", ?" : "?";
  row += ')';
  int64_t changed = 0;
  const size_t nrows = rows.size();
  for (size_t first = 0; first < nrows;) {
    size_t k = FloorPowerOfTwo(std::min(nrows - first, max_rows));
    std::string text(before);
    text += select;
    for (size_t r = 0; r < k; ++r) {
      if (r) text += ", ";
      text += row;
    }
    text += ")) AS v";
    text += after;
    RALLY_ASSIGN_OR_RETURN(int64_t n, run(text, [&] {
      auto chunk = values.subspan(first * ncols, k * ncols);
      bound.insert(bound.end(), chunk.begin(), chunk.end());
    }));
    changed += n;
    first += k;
  }
  return changed;
}

}  // namespace rally::storage
