// What differs between SQLite and PostgreSQL SQL, in one place. Domain SQL sticks to the
// shared subset (ON CONFLICT ... DO UPDATE, RETURNING, CTEs, `?` parameters) and asks here for
// the rest.
#pragma once

#include <string>
#include <string_view>

#include "storage/database.h"

namespace rally::storage {

// Rewrites `?` placeholders (outside string literals, quoted identifiers and comments) to
// $1..$n. (So PostgreSQL's jsonb `?` operators cannot be written; use jsonb_exists().)
// `*count` (when given) receives the number of placeholders.
std::string RewritePlaceholdersForPostgres(std::string_view sql, int* count = nullptr);

// Case-insensitive LIKE: "LIKE" on SQLite (ASCII-insensitive by default), "ILIKE" on PostgreSQL.
std::string_view ILike(Dialect d);

// The clause that locks claimed rows and skips those locked by others ("" on SQLite, where the
// single writer already serializes claims).
std::string_view ForUpdateSkipLocked(Dialect d);

// An expression reading the text of key `?` (a bound parameter) of a JSON object column:
// json_extract(col, '$.' || ?) on SQLite, (col ->> ?) on PostgreSQL (jsonb).
// REQUIRES: keys are plain identifiers ([a-z0-9_]).
std::string JsonField(Dialect d, std::string_view column);

// The same with the key written into the SQL (for ORDER BY and expressions repeated in one
// statement), typed: JsonTextAt gives text (SQL NULL when absent or JSON null), JsonNumberAt a
// double, JsonBoolAt an integer 1/0. REQUIRES: `key` matches ^[a-z][a-z0-9_]*$ (checked: any
// other key gives an expression that is always NULL).
std::string JsonTextAt(Dialect d, std::string_view column, std::string_view key);
std::string JsonNumberAt(Dialect d, std::string_view column, std::string_view key);
std::string JsonBoolAt(Dialect d, std::string_view column, std::string_view key);

// Makes the rest of `tx` run one caller at a time across every process sharing the database,
// each seeing what the previous one committed: on PostgreSQL, switches the transaction to
// READ COMMITTED and takes a transaction-scoped advisory lock on `key`; on SQLite, does nothing
// (its single writer already runs one write at a time). For schema migrations and the like.
// REQUIRES: called before any other statement of the transaction.
// Errors: those of Connection::Execute.
Status SerializeTransaction(Transaction& tx, int64_t key);

// Isolation of a write transaction on PostgreSQL (SQLite's single writer is serializable
// anyway, so both are no-ops there). Writes run REPEATABLE READ by default: one snapshot, and a
// row that a concurrent transaction changed since fails the write with a serialization error
// (Database::Write runs the closure again), so read-modify-write of the same rows is safe.
//
// UseSerializable: also when the closure checks an invariant over rows that concurrent closures
// of the same kind change (write skew: "at least one admin remains" while two admins are
// demoted at once). Costs retries under contention; use it for such checks only.
// UseReadCommitted: each statement sees what others have committed (queue claims with
// FOR UPDATE SKIP LOCKED).
// REQUIRES: called before any other statement of the transaction.
// Errors: those of Connection::Execute.
Status UseSerializable(Transaction& tx);
Status UseReadCommitted(Transaction& tx);

}  // namespace rally::storage
