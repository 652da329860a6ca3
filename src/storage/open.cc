#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace rally::storage {

Result<std::unique_ptr<Database>> Open(const OpenOptions& options) {
  std::string_view url = options.url;
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return OpenPostgres(options);
  }
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  if (url.starts_with("//")) url.remove_prefix(2);
  if (url.empty()) return InvalidArgument("empty database path");
  return OpenSqlite(std::string(url), options);
}

}  // namespace rally::storage
