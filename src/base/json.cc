#include "base/json.h"

namespace rally {

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
  return parser.release();
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

const json::string* GetString(const json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_string()) return nullptr;
  return &it->value().get_string();
}

}  // namespace rally
