#include "storage/dialect.h"

namespace rally::storage {

std::string RewritePlaceholdersForPostgres(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
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

}  // namespace rally::storage
