// Time as Rally stores it: microseconds since the Unix epoch (UTC) in a 64-bit integer, and
// ISO 8601 text ("2026-11-26T06:06:43.123456Z") on the wire.
//
// Thread safety: all functions are safe from any thread. SetClockForTesting is not meant to
// race with readers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rally {

using Micros = int64_t;

constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;

// The current time; tests may replace the source.
Micros Now();
void SetClockForTesting(std::function<Micros()> clock);  // nullptr restores the real clock

// "2026-11-26T06:06:43.123Z" (millisecond precision, always UTC).
std::string FormatTimestamp(Micros t);
// Accepts "2026-11-26", "2026-11-26T06:06:43Z", with optional fraction and +hh:mm offset.
// nullopt for anything else, and for instants outside years 0000..9999 once the offset is
// applied (FormatTimestamp could not write them as text this function reads).
std::optional<Micros> ParseTimestamp(std::string_view text);

// Calendar dates (custom date fields) as days since 1970-01-01.
std::optional<int32_t> ParseDate(std::string_view iso);  // "2026-01-31" only
std::string FormatDate(int32_t days);

}  // namespace rally
