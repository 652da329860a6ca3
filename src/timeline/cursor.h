// Opaque keyset cursors for list endpoints: the sort key of the last row of a page, so the next
// page starts strictly after it (no OFFSET, stable under concurrent inserts).
//
// A cursor is base64url (no padding) of a small JSON document; clients must treat it as opaque.
// Shared by the timeline, companies and contacts lists until the query module (issue 4) takes
// sorting and cursors over.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace rally::timeline {

std::string EncodeCursor(const json::value& v);

// Errors: invalid_argument naming "cursor" (code "invalid") for anything EncodeCursor did not
// produce: bad base64url, bad JSON, over 4 KiB.
Result<json::value> DecodeCursor(std::string_view cursor);

}  // namespace rally::timeline
