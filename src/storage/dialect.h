// What differs between SQLite and PostgreSQL SQL, in one place. Domain SQL sticks to the
// shared subset (ON CONFLICT ... DO UPDATE, RETURNING, CTEs, `?` parameters) and asks here for
// the rest.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// Brings SQLite's contact search index (FTS5 contact_search) up to date with the contacts
// written so far in `tx`: indexes every contact that migration 0008's triggers queued in
// contact_search_queue (set-based: their old entries out, their current text in), then empties
// the queue. The SQLite writer calls it once per group commit, just before COMMIT, so a
// committed contact is always searchable. A search run INSIDE a write transaction (after this
// transaction's own writes, or other callers' in the same group) must call it first, or it
// would miss those contacts. Does nothing on PostgreSQL, whose contacts.search_doc is set by a
// trigger on the row itself.
// REQUIRES: the schema is at version 8 or later (SQLite).
// Errors: those of Connection::Execute.
Status IndexQueuedSearch(Transaction& tx);
// Its SQLite statements, in order (for tests of their query plans).
std::span<const std::string_view> IndexQueuedSearchStatements();

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

// Whether write transactions run side by side (PostgreSQL: two inserting the same unique key
// wait on each other, and the later one fails and runs again) or one at a time (SQLite's single
// writer). Bulk writers create rows that concurrent batches share (companies, tags) in a short
// transaction of their own first where that spares them such waits.
bool ConcurrentWriters(Dialect d);

// ---- Multi-row statements ----
//
// Bulk work (batch upserts, imports) writes and looks up many rows per statement instead of one
// statement, and one round trip, per row. A Rows table is bound to one statement as a relation
// `v` with named, typed columns; the SQL names it with the token {rows}:
//
//   INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
//     SELECT ?, v.contact_id, v.tag_id FROM {rows} WHERE true ON CONFLICT DO NOTHING
//   SELECT e.email_norm, e.contact_id FROM contact_emails e JOIN {rows}
//     ON e.email_norm = v.key WHERE e.workspace_id = ?
//
// PostgreSQL: {rows} is `unnest(?::bigint[], ?::text[], ...) AS v(contact_id, tag_id, ...)`,
// one array parameter per column, so one statement text (prepared once per connection) and
// one execution whatever the number of rows.
// SQLite: {rows} is `(SELECT column1 AS contact_id, ... FROM (VALUES (?, ?), ...)) AS v`; the
// rows go in chunks of power-of-two sizes (at most 256 rows and 32,000 parameters each), so a
// statement has at most nine texts in the connection's cache and runs once per chunk.
// Write `WHERE true` before an ON CONFLICT clause (SQLite would read ON as a join constraint).
enum class ColumnType { kInt, kReal, kText, kJson };

struct RowColumn {
  std::string_view name;  // a plain identifier
  ColumnType type;
};

// Row-major values of a fixed list of columns.
class Rows {
 public:
  // REQUIRES: `columns` is not empty and outlives this object (usually a static array).
  explicit Rows(std::span<const RowColumn> columns) : columns_(columns) {}

  // Appends the next value of the row being filled; a row is complete after one value per
  // column, in column order.
  void Push(Value v) { values_.push_back(std::move(v)); }
  void Reserve(size_t rows) { values_.reserve(rows * columns_.size()); }

  size_t size() const { return values_.size() / columns_.size(); }
  bool empty() const { return values_.empty(); }
  std::span<const RowColumn> columns() const { return columns_; }
  std::span<const Value> values() const { return values_; }

 private:
  std::span<const RowColumn> columns_;
  std::vector<Value> values_;
};

// Runs `sql` (holding {rows} once) over every row of `rows`. `params` go to the statement's
// other `?` placeholders in order: those before {rows}, then those after it (the same values
// for every chunk). Returns the rows changed, summed over chunks; a `fn` sees every result row
// (RETURNING, SELECT), chunk after chunk. With no rows, runs nothing and returns 0.
// REQUIRES: every row complete (values().size() a multiple of the column count).
// Errors: those of Connection::Execute; kInvalidArgument for a text holding a NUL.
Result<int64_t> ExecuteRows(Connection& c, std::string_view sql, Params params, const Rows& rows,
                            const RowFn* fn = nullptr);
inline Status QueryRows(Connection& c, std::string_view sql, Params params, const Rows& rows,
                        const RowFn& fn) {
  return ExecuteRows(c, sql, params, rows, &fn).status();
}

// A PostgreSQL array literal ({1,NULL,"a\"b"}) of `values` of one type. For the PostgreSQL
// spelling of Rows; exposed for its tests.
std::string PostgresArrayLiteral(std::span<const Value> values, size_t stride = 1,
                                 size_t offset = 0);

}  // namespace rally::storage
