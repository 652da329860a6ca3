#include "base/clock.h"

#include <chrono>
#include <cstdio>
#include <mutex>

namespace rally {
namespace {

std::function<Micros()>& ClockSource() {
  static std::function<Micros()> source;
  return source;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Years 0000..9999, the ones the four-digit text form can hold. An offset or a leap second
// can carry a date at either end outside them ("9999-12-31T23:59-05:30" is in year 10000), and
// FormatTimestamp would then write text that no parser takes back.
std::optional<Micros> InFormattableRange(Micros t) {
  static const Micros kMin = DaysFromCivil(0, 1, 1) * kMicrosPerDay;
  static const Micros kEnd = DaysFromCivil(10000, 1, 1) * kMicrosPerDay;
  if (t < kMin || t >= kEnd) return std::nullopt;
  return t;
}

}  // namespace

Micros Now() {
  if (auto& src = ClockSource(); src) return src();
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void SetClockForTesting(std::function<Micros()> clock) { ClockSource() = std::move(clock); }

std::optional<int32_t> ParseDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 5, 2, &m) || !ParseDigits(s, 8, 2, &d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, m)) return std::nullopt;
  return static_cast<int32_t>(DaysFromCivil(y, m, d));
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestamp(Micros t) {
  int64_t secs = t >= 0 ? t / kMicrosPerSecond : (t - kMicrosPerSecond + 1) / kMicrosPerSecond;
  int64_t frac_us = t - secs * kMicrosPerSecond;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y),
                m, d, static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60), static_cast<int>(frac_us / 1000));
  return buf;
}

std::optional<Micros> ParseTimestamp(std::string_view s) {
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  Micros t = static_cast<Micros>(*date) * kMicrosPerDay;
  if (s.size() == 10) return t;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0;
  if (!ParseDigits(s, 11, 2, &hh) || s.size() < 16 || s[13] != ':' || !ParseDigits(s, 14, 2, &mm))
    return std::nullopt;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!ParseDigits(s, pos + 1, 2, &ss)) return std::nullopt;
    pos += 3;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  t += (hh * 3600LL + mm * 60LL + ss) * kMicrosPerSecond;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    Micros scale = 100000, frac = 0;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    t += frac;
  }
  if (pos == s.size()) return InFormattableRange(t);  // no zone: taken as UTC
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return InFormattableRange(t);
  if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!ParseDigits(s, pos + 1, 2, &oh)) return std::nullopt;
    size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    if (!ParseDigits(s, mpos, 2, &om) || mpos + 2 != s.size()) return std::nullopt;
    Micros off = (oh * 3600LL + om * 60LL) * kMicrosPerSecond;
    return InFormattableRange(s[pos] == '+' ? t - off : t + off);
  }
  return std::nullopt;
}

}  // namespace rally
