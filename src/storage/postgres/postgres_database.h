// The PostgreSQL backend (libpq). Private to storage/: reached through storage::Open, except
// for the server-level helpers below, which test fixtures and tools use.
//
// A pool of connections serves reads and writes alike. Each Write runs in its own REPEATABLE
// READ transaction (a closure may ask for SERIALIZABLE or READ COMMITTED: storage/dialect.h): a
// row changed concurrently since the snapshot fails the write instead of being overwritten, and
// a transaction that loses such a conflict (or a deadlock) is rolled back and its closure run
// again, a few times, before kUnavailable is returned; a unique violation is retried once (a
// concurrent insert the closure's own check could not see). Each Read is one REPEATABLE READ
// READ ONLY transaction (one snapshot). Statements are prepared once per connection, keyed by
// their SQL text (`?` rewritten to $n once); BEGIN travels with a transaction's first statement.
// A connection that breaks (server restart) fails what runs on it with kUnavailable and is
// replaced on the next use; one found dead before anything ran on it is replaced at once.
// See docs/decisions/0006-postgres-backend.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace rally::storage {

// Opens a pool on `options.url` (postgres:// or postgresql://) of up to
// max(1, options.read_connections) connections, connecting one now.
// Errors: kUnavailable (with libpq's reason) when the server cannot be reached or refuses us.
Result<std::unique_ptr<Database>> OpenPostgres(const OpenOptions& options);

// Runs one statement outside any transaction on a fresh connection to `url` (CREATE DATABASE
// and DROP DATABASE cannot run inside one). For tools and test fixtures, not for domain code.
// Errors: kUnavailable when the server cannot be reached; the statement's error otherwise
// (mapped as Connection::Execute maps it).
Status ExecPostgresCommand(std::string_view url, std::string_view sql);

// `url` with its database name replaced by `database` (query parameters kept).
// REQUIRES: url is a postgres:// or postgresql:// URL.
std::string PostgresUrlWithDatabase(std::string_view url, std::string_view database);

}  // namespace rally::storage
