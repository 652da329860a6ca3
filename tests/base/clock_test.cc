#include "base/clock.h"

#include <gtest/gtest.h>

#include "base/ids.h"

namespace rally {
namespace {

TEST(ClockTest, TimestampsRoundTrip) {
  auto t = ParseTimestamp("2026-11-26T06:06:43.123Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-26T06:06:43.123Z");
  EXPECT_EQ(*ParseTimestamp("2026-11-26T08:06:43.123+02:00"), *t);
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1970-01-01")), "1970-01-01T00:00:00.000Z");
}

TEST(ClockTest, RejectsBadDates) {
  for (const char* bad : {"2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "2026-01-01T25:00",
                          "2026-01-01Tx", "2026-01-01T10:00:00+2"}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseDate("2024-02-29").has_value());
  EXPECT_FALSE(ParseDate("2023-02-29").has_value());
  EXPECT_EQ(FormatDate(*ParseDate("2026-01-31")), "2026-01-31");
}

// Found by fuzz/timestamp: an offset (or leap second) carried the instant out of years
// 0000..9999, and FormatTimestamp then wrote "10000-01-01T..." that nothing parses back.
TEST(ClockTest, RejectsInstantsOutsideFourDigitYears) {
  for (const char* bad : {"9999-12-31 23:59-0530", "9999-12-31T23:59:60Z",
                          "0000-01-01T00:00:00+00:01"}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
  for (const char* ok : {"9999-12-31T23:59:59.999999Z", "0000-01-01T00:00:00Z",
                         "0000-01-01T00:00-01:00", "9999-12-31T23:00+01:00"}) {
    auto t = ParseTimestamp(ok);
    ASSERT_TRUE(t.has_value()) << ok;
    EXPECT_TRUE(ParseTimestamp(FormatTimestamp(*t)).has_value()) << ok;
  }
}

TEST(IdsTest, IncreasingAndParseable) {
  Id prev = 0;
  for (int i = 0; i < 10000; ++i) {
    Id id = NewId();
    ASSERT_GT(id, prev);
    prev = id;
  }
  EXPECT_EQ(ParseId(IdToString(prev)), prev);
  EXPECT_FALSE(ParseId("abc").has_value());
  EXPECT_FALSE(ParseId("-5").has_value());
  EXPECT_FALSE(ParseId("99999999999999999999").has_value());
  EXPECT_FALSE(ParseId("12x").has_value());
}

}  // namespace
}  // namespace rally
