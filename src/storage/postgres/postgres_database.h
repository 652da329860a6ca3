// The PostgreSQL backend (libpq). Private to storage/: reached through storage::Open, except
// for the server-level helpers below, which test fixtures and tools use.
//
// A pool of connections serves reads and writes alike. Each Write runs in its own SERIALIZABLE
// transaction, so closures written for SQLite's single writer (read, decide, write) stay correct
// when several threads or several `rally serve` processes write at once; a transaction that
// loses a serialization conflict (or a deadlock) is rolled back and its closure run again, a few
// times, before kUnavailable is returned. Each Read is one REPEATABLE READ READ ONLY
// transaction (one snapshot). Statements are prepared once per connection, keyed by their SQL
// text (`?` rewritten to $n once). A connection that breaks (server restart) fails what runs on
// it with kUnavailable and is replaced on the next use.
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
