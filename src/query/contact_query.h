// Contact lists and counts for one workspace: a filter (query/filter.h) compiled to
// parameterized SQL for the connection's dialect, a sort over any field (custom fields
// included) and opaque keyset cursors (no OFFSET: page 1,000 costs what page 1 costs).
//
// Reads only. This module returns contact ids in order; the contacts module's read side
// (contacts/contact_search.h) loads the records. Every value of a filter is a bound parameter;
// SQL text holds only fixed fragments, column names and custom field keys (which are
// identifiers, ^[a-z][a-z0-9_]{0,62}$).
//
// WHAT OTHER MODULES CAN RELY ON (saved views, bulk actions, exports): Sort/ParseSort,
// QueryContext, ListContactIds, ScanContactPage, ScanContacts, CountContacts and CompileWhere,
// with the contracts below. CompileWhere gives a boolean SQL expression over the contacts row aliased
// "c" (deleted contacts are NOT excluded by it: add "c.deleted_at IS NULL"), to select ids for
// a bulk action inside a write transaction:
// "SELECT c.id FROM contacts c WHERE c.workspace_id = ? AND <sql>".
//
// Thread safety: stateless functions; the connection belongs to the calling thread.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "query/filter.h"
#include "storage/database.h"

namespace rally::query {

inline constexpr int kMaxLimit = 1000;

struct SortKey {
  std::string field;  // FilterField::name, or "id"
  bool desc = false;
  bool operator==(const SortKey&) const = default;
};

struct Sort {
  std::vector<SortKey> keys;     // at most 3 plus a final id tiebreak
  std::string ToString() const;  // "-lead_score,last_name,-id" (canonical)
};

// "?sort=": up to 3 comma-separated fields, each optionally prefixed with "-" (descending):
// id, any built-in column field and its aliases (score, stage, source, created, updated,
// last_activity, created_at, ...), name, company, band (as score), and custom fields
// (custom.<key> or the bare key). Tags, owner and additional_emails cannot be sorted by.
// An id tiebreak in the direction of the first key is appended; "" gives "-id" (newest first).
// Text sorts are case-insensitive (ASCII) with empty values first ascending; numbers, dates and
// booleans put empty values first ascending too.
// Errors: invalid_argument naming "sort" (code "invalid").
Result<Sort> ParseSort(std::string_view sort, const FieldCatalog& catalog);

struct QueryContext {
  Id workspace_id = 0;
  std::optional<Id> me;  // the calling user, for owner:me (nullopt: owner:me matches nothing)
};

struct IdPage {
  std::vector<Id> ids;      // in sort order
  std::string next_cursor;  // "" on the last page
};

// Non-deleted contacts matching `filter`, in `sort` order, at most `limit`, starting after
// `cursor` (the next_cursor of the previous page of the same filter and sort; "" for the first
// page). A cursor is base64url text encoding the sort, the last row's sort values and its id.
// Errors: invalid_argument naming "limit" (outside 1..kMaxLimit) or "cursor" (malformed, or made
// for another sort); storage errors.
Result<IdPage> ListContactIds(storage::Connection& conn, const QueryContext& ctx,
                              const FieldCatalog& catalog, const Node& filter, const Sort& sort,
                              int limit, std::string_view cursor);

// What a scan reads beyond the ids: `select` is a comma-separated list of SQL expressions
// (fixed text, no `?` placeholders; "" for none) over the contacts row "c" and the aliases of
// `joins`, which are LEFT JOIN clauses on "c" (fixed text, no placeholders, aliases other than
// "c" and "s"; "" for none) for columns better read by a join than by a subquery per row.
struct ScanColumns {
  std::string_view select;
  std::string_view joins;
};

// ListContactIds reading more than ids, for a caller that wants each page's rows in one
// statement: `columns.select` is selected after the id (column 0) and the sort's own columns;
// `on_row` gets each row of the page in order with the index of select's first column, and an
// error from it ends the scan with that error. Same filter, sort, keyset and cursor as
// ListContactIds (a cursor from one serves the other); limit may go up to kMaxScanLimit.
// Returns the next cursor ("" on the last page). Errors: as ListContactIds, and on_row's.
inline constexpr int kMaxScanLimit = 100000;
using PageRowFn = std::function<Status(const storage::Row& row, int first_selected)>;
Result<std::string> ScanContactPage(storage::Connection& conn, const QueryContext& ctx,
                                    const FieldCatalog& catalog, const Node& filter,
                                    const Sort& sort, int limit, std::string_view cursor,
                                    const ScanColumns& columns, const PageRowFn& on_row);

// Every matching contact in `sort` order in ONE statement, streamed
// (storage::Connection::QueryStream), for a reader of the whole result (the export,
// importexport/export_service.h): no page boundaries for the database to seek and plan again,
// and on PostgreSQL the rows are read while the server still produces them. Rows as
// ScanContactPage's; an error from `on_row` ends the scan (and, on PostgreSQL, the read
// transaction) with that error. Errors: storage errors, and on_row's.
Status ScanContacts(storage::Connection& conn, const QueryContext& ctx,
                    const FieldCatalog& catalog, const Node& filter, const Sort& sort,
                    const ScanColumns& columns, const PageRowFn& on_row);

// How many non-deleted contacts match `filter`. Errors: storage errors.
Result<int64_t> CountContacts(storage::Connection& conn, const QueryContext& ctx,
                              const FieldCatalog& catalog, const Node& filter);

struct CompiledFilter {
  std::string sql;                     // boolean expression over contacts aliased "c"
  std::vector<storage::Value> params;  // for its `?` placeholders, in order
};
// Compiles `filter` for conn's dialect. Tag names and owner emails are looked up through `conn`
// (unknown ones match nothing). Errors: storage errors.
// A search word reads SQLite's FTS5 index, which lags a write transaction's own contact writes
// until it commits: inside a Database::Write, call storage::IndexQueuedSearch(tx) before running
// the compiled filter (as these functions are, otherwise, given read connections).
Result<CompiledFilter> CompileWhere(storage::Connection& conn, const QueryContext& ctx,
                                    const FieldCatalog& catalog, const Node& filter);

// The catalog of a workspace: built-ins plus its custom fields. Errors: storage errors.
Result<FieldCatalog> LoadFieldCatalog(storage::Connection& conn, Id workspace_id);

// The ids of the tags a condition names (its values, case-folded as tags are stored), in any
// order; names of no tag are left out. The SQL compiler and the count index both resolve tags
// here, so both agree on names. Errors: storage errors.
Result<std::vector<Id>> TagIdsNamed(storage::Connection& conn, Id workspace_id,
                                    std::span<const json::value> names);

}  // namespace rally::query
