#include "storage/database.h"

namespace rally::storage {

Result<std::optional<int64_t>> Connection::QueryInt(std::string_view sql, Params params) {
  std::optional<int64_t> out;
  Status s = Query(sql, params, [&](const Row& row) {
    out = row.OptInt(0);
    return false;
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<std::string>> Connection::QueryText(std::string_view sql, Params params) {
  std::optional<std::string> out;
  Status s = Query(sql, params, [&](const Row& row) {
    out = row.OptText(0);
    return false;
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace rally::storage
