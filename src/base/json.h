// JSON helpers over Boost.JSON: parsing outside input with limits, and small accessors.
//
// Thread safety: pure functions.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rally {

namespace json = boost::json;

// The deepest nesting accepted from outside input. Deeper documents are refused rather than
// risking the stack.
constexpr size_t kMaxJsonDepth = 64;

// Parses outside input. Errors are kInvalidArgument with a message naming the byte offset
// ("malformed JSON at byte 17: ..."), or naming the depth limit, or saying that a number is
// out of range (one too large for a double, such as 1e400, is refused rather than read as an
// infinity that no JSON can hold). Every value returned serializes back to valid JSON.
Result<json::value> ParseJson(std::string_view text);

// Serializes compactly.
std::string ToJson(const json::value& v);

// Returns the string at obj[key], or nullptr when absent or not a string.
const json::string* GetString(const json::object& obj, std::string_view key);

}  // namespace rally
