#include "importexport/excel_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/clock.h"
#include "base/strings.h"

namespace rally::importexport {
namespace {

constexpr int32_t kDay1899_12_31 = -25568;  // days from 1970-01-01
constexpr int32_t kDay1899_12_30 = -25569;
constexpr int32_t kDay1904_01_01 = -24107;
constexpr double kEndSerial1900 = 2958466;  // the day after 9999-12-31
constexpr double kEndSerial1904 = 2957004;

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

std::string TwoDigits(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(v));
  return buf;
}

std::string Clock(int64_t seconds_of_day) {
  return TwoDigits(seconds_of_day / 3600) + ":" + TwoDigits(seconds_of_day / 60 % 60) + ":" +
         TwoDigits(seconds_of_day % 60);
}

}  // namespace

NumberKind ClassifyNumberFormat(int id, std::string_view code) {
  if (code.empty()) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
      return NumberKind::kDate;
    if ((id >= 18 && id <= 21) || id == 45 || id == 47) return NumberKind::kTime;
    if (id == 22) return NumberKind::kDateTime;
    if (id == 46) return NumberKind::kDuration;
    return NumberKind::kNumber;
  }
  bool date = false, time = false, month_or_minute = false, elapsed = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == ';') break;  // only the first (positive numbers) section
    if (c == '"') {       // literal text
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {  // escaped char, spacing, fill: skip the next one
      ++i;
      continue;
    }
    if (c == '[') {  // colors, conditions, locales; [h] [mm] [ss] are elapsed time
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string inner = AsciiLower(code.substr(i + 1, close - i - 1));
      if (!inner.empty() && inner.find_first_not_of("hms") == std::string::npos) elapsed = true;
      i = close;
      continue;
    }
    switch (c) {
      case 'd': case 'D': case 'y': case 'Y':
        date = true;
        break;
      case 'h': case 'H': case 's': case 'S':
        time = true;
        break;
      case 'm': case 'M':
        month_or_minute = true;
        break;
      default:
        break;
    }
  }
  if (elapsed) return NumberKind::kDuration;
  if (month_or_minute && !time) date = true;
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kNumber;
}

std::string FormatPlainNumber(std::string_view value) {
  double d;
  if (!ParseDouble(value, &d)) return std::string(value);
  if (d == 0) return "0";  // also -0
  char buf[40];
  if (std::nearbyint(d) == d && std::fabs(d) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  } else {
    std::snprintf(buf, sizeof buf, "%.15g", d);
  }
  return buf;
}

std::string FormatCellNumber(std::string_view value, NumberKind kind, bool date1904) {
  if (kind == NumberKind::kNumber) return FormatPlainNumber(value);
  double serial;
  if (!ParseDouble(value, &serial) || serial < 0 ||
      serial >= (date1904 ? kEndSerial1904 : kEndSerial1900))
    return FormatPlainNumber(value);
  // Round to the second: Excel stores 12:00 as 0.5 but 10:10 as 0.4236111111111111.
  auto total = static_cast<int64_t>(std::llround(serial * 86400.0));
  int64_t day = total / 86400;
  int64_t second = total % 86400;
  if (day >= static_cast<int64_t>(date1904 ? kEndSerial1904 : kEndSerial1900))
    return FormatPlainNumber(value);  // rounded up past 9999-12-31
  if (kind == NumberKind::kDuration)
    return std::to_string(total / 3600) + ":" + TwoDigits(total / 60 % 60) + ":" +
           TwoDigits(total % 60);
  if (kind == NumberKind::kTime) return Clock(second);

  std::string date;
  if (date1904) {
    date = FormatDate(static_cast<int32_t>(kDay1904_01_01 + day));
  } else if (day == 60) {
    // Lotus 1-2-3 took 1900 for a leap year and Excel kept the day for compatibility: serial
    // 60 is the 29th of February 1900, which no calendar has. Shown as Excel shows it; the
    // date field rejects it, which is the honest outcome.
    date = "1900-02-29";
  } else {
    date = FormatDate(static_cast<int32_t>((day < 60 ? kDay1899_12_31 : kDay1899_12_30) + day));
  }
  if (kind == NumberKind::kDate) return date;
  return date + "T" + Clock(second);
}

}  // namespace rally::importexport
