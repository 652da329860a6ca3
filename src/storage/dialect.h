// What differs between SQLite and PostgreSQL SQL, in one place. Domain SQL sticks to the
// shared subset (ON CONFLICT ... DO UPDATE, RETURNING, CTEs, `?` parameters) and asks here for
// the rest.
#pragma once

#include <string>
#include <string_view>

#include "storage/database.h"

namespace rally::storage {

// Rewrites `?` placeholders (outside string literals and quoted identifiers) to $1..$n.
std::string RewritePlaceholdersForPostgres(std::string_view sql);

// Case-insensitive LIKE: "LIKE" on SQLite (ASCII-insensitive by default), "ILIKE" on PostgreSQL.
std::string_view ILike(Dialect d);

// The clause that locks claimed rows and skips those locked by others ("" on SQLite, where the
// single writer already serializes claims).
std::string_view ForUpdateSkipLocked(Dialect d);

// An expression reading the text of key `?` (a bound parameter) of a JSON object column:
// json_extract(col, '$.' || ?) on SQLite, (col ->> ?) on PostgreSQL (jsonb).
// REQUIRES: keys are plain identifiers ([a-z0-9_]).
std::string JsonField(Dialect d, std::string_view column);

}  // namespace rally::storage
