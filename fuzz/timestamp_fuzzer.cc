// Fuzz target for the ISO 8601 parsers of base/clock.h (query parameters, API bodies, date
// custom fields, CSV cells).
//
// Invariants:
//   - ParseDate accepts only the canonical form: FormatDate(ParseDate(x)) == x.
//   - A parsed timestamp formats to text that parses again, to the same instant cut to the
//     millisecond (FormatTimestamp's precision), and formatting that gives the same text.
//   - A date alone is midnight UTC of that date.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "fuzz_check.h"

namespace {

// The instant cut down to a whole millisecond (toward the past, as FormatTimestamp does).
rally::Micros FloorMillis(rally::Micros t) {
  rally::Micros r = t % 1000;
  return r < 0 ? t - r - 1000 : t - r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto days = rally::ParseDate(input)) {
    FUZZ_CHECK(rally::FormatDate(*days) == input, input);
    auto midnight = rally::ParseTimestamp(input);
    FUZZ_CHECK(midnight && *midnight == int64_t{*days} * rally::kMicrosPerDay, input);
  }

  if (auto t = rally::ParseTimestamp(input)) {
    std::string text = rally::FormatTimestamp(*t);
    auto again = rally::ParseTimestamp(text);
    FUZZ_CHECK(again.has_value(), input);
    FUZZ_CHECK(*again == FloorMillis(*t), input);
    FUZZ_CHECK(rally::FormatTimestamp(*again) == text, input);
    // Its date part is a date ParseDate takes.
    FUZZ_CHECK(rally::ParseDate(std::string_view(text).substr(0, 10)).has_value(), input);
  }
  return 0;
}
