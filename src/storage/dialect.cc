#include "storage/dialect.h"

namespace rally::storage {

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
  if (d == Dialect::kPostgres) return "(" + std::string(column) + " ->> '" + std::string(key) + "')";
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

Status SerializeTransaction(Transaction& tx, int64_t key) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  RALLY_RETURN_IF_ERROR(UseReadCommitted(tx));
  return tx.Query("SELECT pg_advisory_xact_lock(?)", {key}, [](const Row&) { return true; });
}

Status UseSerializable(Transaction& tx) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  return tx.Execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").status();
}

Status UseReadCommitted(Transaction& tx) {
  if (tx.dialect() != Dialect::kPostgres) return Status::Ok();
  return tx.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").status();
}

}  // namespace rally::storage
