// The SQLite backend. Private to storage/: reached only through storage::Open.
//
// One writer connection on its own thread takes write requests from a queue and commits them
// in groups: each request runs in its own SAVEPOINT inside a shared BEGIN IMMEDIATE ... COMMIT,
// so N concurrent small writes cost one commit. Reads run on a pool of query_only connections,
// each inside a deferred transaction (a WAL snapshot).
#pragma once

#include <memory>

#include "storage/database.h"

namespace rally::storage {

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options);

}  // namespace rally::storage
