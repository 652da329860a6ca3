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

}  // namespace
}  // namespace rally
