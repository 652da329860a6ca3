#include "base/strings.h"

#include <gtest/gtest.h>

namespace rally {
namespace {

TEST(StringsTest, TrimAndCollapse) {
  struct Case { std::string in, trimmed, collapsed; };
  const Case cases[] = {
      {"  a  ", "a", "a"},
      {"\t in  bound \n", "in  bound", "in bound"},
      {"\xC2\xA0x\xC2\xA0", "x", "x"},  // NBSP
      {"", "", ""},
      {"   ", "", ""},
      {"a \xE3\x80\x80 b", "a \xE3\x80\x80 b", "a b"},  // ideographic space inside
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Trim(c.in), c.trimmed) << c.in;
    EXPECT_EQ(CollapseSpaces(c.in), c.collapsed) << c.in;
  }
}

TEST(StringsTest, CaseFoldAndSearchKey) {
  EXPECT_EQ(CaseFold("Ada@Example.COM"), "ada@example.com");
  EXPECT_EQ(CaseFold("ÉCOLE"), "école");
  EXPECT_EQ(CaseFold("Straße"), "strasse");
  EXPECT_EQ(SearchKey("José Müller"), "jose muller");
}

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("日本 🎉"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));         // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));     // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

// Found by the fuzz targets: messages quoting the first N bytes of input cut characters in two
// and went out as invalid UTF-8 in JSON error bodies.
TEST(StringsTest, TruncateAndRepairUtf8) {
  struct Case { std::string in; size_t max; std::string truncated; };
  const Case cases[] = {
      {"abc", 5, "abc"},
      {"abc", 2, "ab"},
      {"a\xC4\xB0", 2, "a"},              // İ cut after its first byte
      {"a\xC4\xB0", 3, "a\xC4\xB0"},
      {"\xF0\x9F\x8E\x89x", 3, ""},      // 🎉 cut inside
      {"\xF0\x9F\x8E\x89x", 4, "\xF0\x9F\x8E\x89"},
      {"ab", 0, ""},
  };
  for (const Case& c : cases) EXPECT_EQ(TruncateUtf8(c.in, c.max), c.truncated) << c.in;

  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("\xC3"), "\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\x80\xC0\xAF\xF4\x90\x80\x80z")));
}

}  // namespace
}  // namespace rally
