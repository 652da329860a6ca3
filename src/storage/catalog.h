// The catalog: what tables a database holds, read from the database itself (sqlite_master and
// its pragmas on SQLite, pg_catalog on PostgreSQL), so code that must handle every table (rally
// copy, storage/copy.h) follows the schema the migrations built instead of a hand-kept list that
// a new migration would leave behind.
//
// Thread safety: plain functions over a caller's Connection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/database.h"

namespace rally::storage {

// How a column's values travel through Row and Value without loss.
enum class ColumnKind {
  kInteger,      // Row::Int, int64_t (SQLite INTEGER; PostgreSQL smallint/integer/bigint/boolean)
  kReal,         // Row::Real, double (SQLite REAL; PostgreSQL real/double precision)
  kText,         // Row::Text, std::string (TEXT, json, numeric, dates, ...: their text form)
  kUnsupported,  // binary (SQLite BLOB or no type; PostgreSQL bytea): no lossless text form
};

struct ColumnInfo {
  std::string name;
  std::string declared_type;  // as the catalog spells it ("INTEGER", "bigint", "json")
  ColumnKind kind = ColumnKind::kText;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;       // in the table's order; generated columns left out
  std::vector<std::string> primary_key;  // in key order; empty when the table has none
  std::vector<std::string> references;   // other tables its foreign keys point at, sorted

  const ColumnInfo* Column(std::string_view column) const;
};

// The kind of a column of `declared_type` in `dialect` (SQLite's affinity rules; PostgreSQL's
// type names as format_type() prints them).
ColumnKind KindOfType(Dialect dialect, std::string_view declared_type);

// Every ordinary table of the database (PostgreSQL: of the connection's current schema, views
// and materialized views left out; SQLite: leaving out its internal sqlite_* tables, views,
// virtual tables such as FTS5 indexes and their shadow tables, and contact_search_queue, the
// search index's queue of stale contacts, empty whenever committed), each after the tables its
// foreign keys reference, otherwise in creation order, which is migration order. A foreign key cycle between tables (none in
// Rally's schema) is broken in creation order.
// Errors: those of Connection::Query.
Result<std::vector<TableInfo>> ReadTables(Connection& c);

}  // namespace rally::storage
