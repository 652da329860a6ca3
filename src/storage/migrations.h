// Numbered, append-only schema migrations, one SQL file per dialect under the same number
// (storage/migrations/<dialect>/NNNN_name.sql), embedded into the binary at build time.
// A shipped migration is never edited; changes come as a new number.
#pragma once

#include <string>
#include <vector>

#include "storage/database.h"

namespace rally::storage {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The embedded migrations of a dialect, ordered by version.
const std::vector<Migration>& EmbeddedMigrations(Dialect dialect);

// Applies every embedded migration newer than the database's version, each in its own
// transaction, recording it in schema_migrations. Returns the number applied.
// Errors: kFailedPrecondition when the database is newer than this binary (a downgrade),
// the failing migration's error otherwise (the database stays at the last good version).
Result<int> Migrate(Database& db);

// The highest applied version (0 for an empty database).
Result<int> SchemaVersion(Database& db);

}  // namespace rally::storage
