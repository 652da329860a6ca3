#include "base/json.h"

#include <cmath>

namespace rally {
namespace {

// Boost.JSON reads a number too large for a double ("1e400") as infinity, which it cannot
// write back as JSON. Such a value must not get in: it would be stored and then unreadable.
bool AllNumbersFinite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return std::isfinite(v.get_double());
    case json::kind::array:
      for (const json::value& item : v.get_array())
        if (!AllNumbersFinite(item)) return false;
      return true;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (!AllNumbersFinite(kv.value())) return false;
      return true;
    default:
      return true;
  }
}

}  // namespace

Result<json::value> ParseJson(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  json::stream_parser parser({}, opts);
  boost::system::error_code ec;
  size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    if (ec == json::error::too_deep) {
      return FieldInvalid("body", "too_deep",
                          "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return FieldInvalid("body", "malformed_json",
                        "malformed JSON at byte " + std::to_string(consumed) + ": " + ec.message());
  }
  json::value v = parser.release();
  // Recursion is bounded by kMaxJsonDepth.
  if (!AllNumbersFinite(v)) {
    return FieldInvalid("body", "malformed_json", "malformed JSON: a number is out of range");
  }
  return v;
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

const json::string* GetString(const json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_string()) return nullptr;
  return &it->value().get_string();
}

}  // namespace rally
