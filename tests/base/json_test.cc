#include "base/json.h"

#include <gtest/gtest.h>

namespace rally {
namespace {

TEST(JsonTest, ParsesAndRefusesWithReason) {
  EXPECT_TRUE(ParseJson(R"({"a":[1,2,{"b":null}]})").ok());
  auto bad = ParseJson(R"({"a":)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().details().at(0).code, "malformed_json");

  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  auto too_deep = ParseJson(deep);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().details().at(0).code, "too_deep");

  // fuzz/contact_input (JSON round trip): 1e400 was read as infinity, serialized as non-JSON.
  for (std::string_view huge : {"[1e400]", R"({"a":{"b":-1e999}})"}) {
    auto inf = ParseJson(huge);
    ASSERT_FALSE(inf.ok()) << huge;
    EXPECT_EQ(inf.status().details().at(0).code, "malformed_json");
  }
  EXPECT_TRUE(ParseJson("[1e308, 1e-400]").ok());
}

}  // namespace
}  // namespace rally
