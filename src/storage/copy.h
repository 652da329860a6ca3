// CopyDatabase: every row of one Rally database into another, of either backend (`rally copy`,
// SQLite -> PostgreSQL and back, or SQLite -> SQLite). Ids and every stored value are kept as
// they are, so the copy answers the API exactly as the original did: same ids, same password
// hashes (logins work), same API token hashes (tokens work), same sessions, same jobs.
//
// How:
//  - The target is migrated first (an empty target gets the whole schema), then both must be at
//    the same schema version, the one this binary knows: a source behind it is refused with a
//    hint to run `rally migrate` on it (the copy never writes to its source).
//  - The tables are read from the schema itself (storage/catalog.h), parents before the tables
//    whose foreign keys reference them, so a table added by a later migration is copied without
//    a change here. schema_migrations is not copied (the target's own migration wrote it), nor
//    are SQLite's virtual tables (the FTS5 search index), their shadow tables and the index's
//    queue (contact_search_queue): they derive from ordinary tables, and the target's triggers
//    and commit fill them as the rows arrive. Both sides
//    must list the same tables. Columns are copied when both sides have them; a column only one
//    side has is a dialect's own derived data (PostgreSQL's contacts.search_doc, set by a
//    trigger) and is reported, not copied. A column of a kind with no lossless text form
//    (BLOB/bytea) or a table without a primary key is refused, naming it. A table that the
//    target's triggers fill while earlier tables are copied (a trigger writing ordinary rows)
//    is refused too, rather than written twice.
//  - The target must hold no rows at all (a freshly created or migrated database): copying over
//    data could not keep ids and uniques intact. Checked inside the copy's transaction.
//  - Rows are read in primary-key order, a page at a time (keyset paging: `WHERE (pk) > (last)
//    ORDER BY pk LIMIT n`), from one read snapshot of the source, and written with multi-row
//    INSERTs, so memory stays constant whatever the size (libpq would hold a whole result set in
//    memory; SQLite would not, but one method serves both).
//  - Everything is written in ONE transaction on the target: the copy commits whole or not at
//    all. A failed or interrupted copy leaves the target as it was (migrated, empty); run it
//    again. (On SQLite the transaction holds the writer for the copy's duration: run it while
//    no server uses the target.)
//
// Thread safety: one call at a time per target; the source may be in use by a running server
// (the copy reads one snapshot of it), though `rally copy` is best run with the server stopped
// so that nothing written after the snapshot is left behind.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/database.h"

namespace rally::storage {

struct CopyProgress {
  std::string table;
  int64_t table_rows_done = 0;
  int64_t table_rows_total = 0;
  int64_t rows_done = 0;  // over every table
  int64_t rows_total = 0;
};

struct CopyOptions {
  // Only this workspace (its id, or its name): its `workspaces` row and every row whose
  // workspace_id is its id. Every workspace when empty. A table with neither column fails the
  // copy (the schema keeps to one workspace_id per row, as Citus needs).
  std::string workspace;
  // Rows read per page (also capped so that one INSERT binds at most 16,000 values).
  int batch_rows = 1000;
  // Called after each page is written (on the copying thread).
  std::function<void(const CopyProgress&)> on_progress;
};

struct CopiedTable {
  std::string name;
  int64_t rows = 0;
};

struct CopyReport {
  int schema_version = 0;
  std::vector<CopiedTable> tables;  // in the order copied
  int64_t rows = 0;
  // Columns that only one side has, as "table.column (only in the source|target)", not copied:
  // what a dialect keeps for itself (PostgreSQL's contacts.search_doc, filled by a trigger).
  std::vector<std::string> skipped_columns;
};

// Copies `from` into `to` as described above. Returns what was copied.
// Errors: failed_precondition when the source is not a Rally database, the schema versions or
// the schemas differ, a table cannot be copied, or the target is not empty (each message says
// which and what to do); not_found when `workspace` names no workspace of the source;
// invalid_argument for batch_rows < 1; the databases' errors (the target's transaction is rolled
// back).
Result<CopyReport> CopyDatabase(Database& from, Database& to, const CopyOptions& options);

}  // namespace rally::storage
