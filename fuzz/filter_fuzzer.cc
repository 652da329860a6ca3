// Fuzz target for the filter language's text parser (query/filter.h): every q= of the list
// routes, every CLI --filter and the UI filter bar reach it.
//
// Input: the filter text.
//
// Invariants:
//   - A parsed filter round-trips: ParseText(ToText(n)) == n and ParseJson(ToJson(n)) == n, and
//     ToText is canonical (printing the re-parse gives the same text).
//   - A refusal is invalid_argument with one detail naming "q", a filter_* code and a valid
//     UTF-8 message (it goes back as JSON) that gives a position (" at N") unless it is about
//     the UTF-8 of the whole text.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/strings.h"
#include "fuzz_check.h"
#include "query/filter.h"

namespace rally {
namespace {

fields::FieldDef Custom(std::string key, fields::FieldType type,
                        std::vector<std::string> options = {}) {
  fields::FieldDef d;
  d.key = std::move(key);
  d.label = d.key;
  d.type = type;
  d.options = std::move(options);
  d.custom = true;
  return d;
}

const query::FieldCatalog& Catalog() {
  static const query::FieldCatalog catalog({
      Custom("industry", fields::FieldType::kSelect, {"Software", "Retail", "Très bien"}),
      Custom("annual_revenue", fields::FieldType::kNumber),
      Custom("renewal", fields::FieldType::kDate),
      Custom("vip", fields::FieldType::kBoolean),
      Custom("notes", fields::FieldType::kText),
      Custom("city", fields::FieldType::kText),
  });
  return catalog;
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto n = query::ParseText(text, Catalog());
  if (!n.ok()) {
    const Status& s = n.status();
    FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument, text);
    FUZZ_CHECK(s.details().size() == 1, text);
    const FieldError& e = s.details()[0];
    FUZZ_CHECK(e.field == "q", text);
    FUZZ_CHECK(e.code.starts_with("filter_"), text);
    FUZZ_CHECK(IsValidUtf8(e.message) && IsValidUtf8(s.message()), text);
    FUZZ_CHECK(e.message.find(" at ") != std::string::npos, text);
    return 0;
  }
  std::string printed = query::ToText(*n);
  auto again = query::ParseText(printed, Catalog());
  FUZZ_CHECK_OK(again, printed);
  FUZZ_CHECK(*again == *n, printed);
  FUZZ_CHECK(query::ToText(*again) == printed, printed);
  json::value js = query::ToJson(*n);
  auto from_json = query::ParseJson(js, Catalog());
  FUZZ_CHECK_OK(from_json, json::serialize(js));
  FUZZ_CHECK(*from_json == *n, json::serialize(js));
  return 0;
}
