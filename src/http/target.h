// Request-target helpers shared by message.cc and router.cc. Private to http/.
#pragma once

#include <string>
#include <string_view>

namespace rally::http::internal {

// Appends the percent-decoding of `in` to `out`; '+' becomes ' ' when `plus_as_space`.
// Returns false on a malformed escape ("%4", "%zz") or an escaped NUL, which no route or
// parameter should ever see.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out);

// The path of `target` still percent-encoded, so that an escaped '/' stays inside its segment:
// "/a%2Fb/c" for "/a%2Fb/c?x=1", "/p" for "http://host/p", "/" for "http://host".
std::string_view EncodedPath(std::string_view target);

}  // namespace rally::http::internal
