#include "fields/field.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/strings.h"
#include "fields/builtin_fields.h"

namespace rally::fields {
namespace {

FieldDef Def(FieldType type) {
  FieldDef d;
  d.key = "f";
  d.type = type;
  d.custom = true;
  return d;
}

struct ParseCase {
  std::string name;
  FieldDef def;
  std::string input_json;
  std::string want_json;  // normalized value, or "" when an error is expected
  std::string want_code = "";
};

TEST(FieldTest, ParseValueTable) {
  FieldDef select = Def(FieldType::kSelect);
  select.options = {"Software", "Retail"};
  FieldDef score = *FindBuiltinField("lead_score");
  FieldDef small_text = Def(FieldType::kText);
  small_text.max_length = 5;
  const ParseCase cases[] = {
      {"text trimmed", Def(FieldType::kText), R"("  hi  ")", R"("hi")"},
      {"blank clears", Def(FieldType::kText), R"("   ")", "null"},
      {"null clears", Def(FieldType::kNumber), "null", "null"},
      {"number as text", Def(FieldType::kText), "12345", R"("12345")"},
      {"too long", small_text, R"("abcdef")", "", "too_long"},
      {"NUL refused", Def(FieldType::kText), R"("a\u0000b")", "", "invalid"},
      {"escape refused", Def(FieldType::kText), R"("a\u001bb")", "", "invalid"},
      {"line breaks kept", Def(FieldType::kText), R"("a\nb\tc")", R"("a\nb\tc")"},
      {"number", Def(FieldType::kNumber), "1000000", "1000000"},
      {"number string", Def(FieldType::kNumber), R"(" 2.5 ")", "2.5E0"},
      {"number bad", Def(FieldType::kNumber), R"("abc")", "", "invalid"},
      {"number bool", Def(FieldType::kNumber), "true", "", "invalid"},
      {"score 101", score, "101", "", "out_of_range"},
      {"score -1", score, "-1", "", "out_of_range"},
      {"score abc", score, R"("abc")", "", "invalid"},
      {"score fraction", score, "50.5", "", "invalid"},
      {"score ok", score, R"("75")", "75"},
      {"date", Def(FieldType::kDate), R"("2026-01-31")", R"("2026-01-31")"},
      {"date from timestamp", Def(FieldType::kDate), R"("2026-01-31T10:00:00Z")", R"("2026-01-31")"},
      {"date bad", Def(FieldType::kDate), R"("31/01/2026")", "", "invalid"},
      {"date impossible", Def(FieldType::kDate), R"("2026-02-30")", "", "invalid"},
      {"bool yes", Def(FieldType::kBoolean), R"("Yes")", "true"},
      {"bool 0", Def(FieldType::kBoolean), "0", "false"},
      {"bool bad", Def(FieldType::kBoolean), R"("maybe")", "", "invalid"},
      {"select folds", select, R"("software")", R"("Software")"},
      {"select not option", select, R"("Mining")", "", "not_an_option"},
      {"object refused", Def(FieldType::kText), R"({"a":1})", "", "invalid"},
      {"stage case", *FindBuiltinField("lifecycle_stage"), R"("Qualified")", R"("qualified")"},
      {"stage unknown", *FindBuiltinField("lifecycle_stage"), R"("prospect")", "", "not_an_option"},
  };
  for (const ParseCase& c : cases) {
    auto got = ParseValue(c.def, json::parse(c.input_json));
    if (c.want_code.empty()) {
      ASSERT_TRUE(got.ok()) << c.name << ": " << got.status().ToString();
      EXPECT_EQ(json::serialize(*got), c.want_json) << c.name;
    } else {
      ASSERT_FALSE(got.ok()) << c.name;
      ASSERT_EQ(got.status().details().size(), 1u) << c.name;
      EXPECT_EQ(got.status().details()[0].code, c.want_code) << c.name;
      EXPECT_EQ(got.status().details()[0].field, c.def.Path()) << c.name;
    }
  }
}

TEST(FieldTest, FormatTextInvertsParseText) {
  FieldDef num = Def(FieldType::kNumber);
  for (const char* text : {"1000000", "2.5", "-3", "0"}) {
    auto v = ParseText(num, text);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(FormatText(num, *v), text);
  }
}

TEST(EmailTest, Table) {
  struct Case { std::string in; bool ok; std::string key; };
  const Case cases[] = {
      {"  Ada@Example.COM ", true, "ada@example.com"},
      {"ada.lovelace+crm@example.co.uk", true, "ada.lovelace+crm@example.co.uk"},
      {"user@bücher.de", true, "user@xn--bcher-kva.de"},
      {"user@XN--BCHER-KVA.de", true, "user@xn--bcher-kva.de"},
      {"José@example.com", true, "josé@example.com"},
      {"\"odd person\"@example.com", true, "\"odd person\"@example.com"},
      {"", false, ""},
      {"ada", false, ""},
      {"ada@", false, ""},
      {"@example.com", false, ""},
      {"ada@example", false, ""},
      {"a..b@example.com", false, ""},
      {".a@example.com", false, ""},
      {"ada@exa mple.com", false, ""},
      {"ada@-example.com", false, ""},
      {"ada@example.123", false, ""},
      {"Ada Lovelace <ada@example.com>", false, ""},
      {"ada(comment)@example.com", false, ""},
      {std::string(65, 'a') + "@example.com", false, ""},
  };
  for (const Case& c : cases) {
    auto got = NormalizeEmail(c.in);
    EXPECT_EQ(got.ok(), c.ok) << c.in << " " << got.status().ToString();
    if (got.ok()) EXPECT_EQ(got->key, c.key) << c.in;
    if (!got.ok()) EXPECT_EQ(got.status().details().at(0).field, "email");
  }
  EXPECT_EQ(NormalizeEmail("   ").status().details().at(0).code, "required");
}

TEST(PhoneTest, E164) {
  struct Case { std::string raw, region; std::optional<std::string> want; };
  const Case cases[] = {
      {"(415) 555-0132", "US", "+14155550132"},
      {"+44 20 7946 0958", "US", "+442079460958"},
      {"020 7946 0958", "GB", "+442079460958"},
      {"030 123456", "DE", "+4930123456"},
      {"030 12mobile.34567", "DE", std::nullopt},  // fuzz/fields: 17 digits, longer than E.164
      {"dd000s237", "DE", std::nullopt},  // fuzz/fields: +4900237, which reads back as +490237
      // "+" and the result's own digits: read back without a second parse, whatever the region.
      {"+4930123456", "DE", "+4930123456"},
      {"+1 (415) 555-0132", "GB", "+14155550132"},
      {"+39 06 1234 5678", "US", "+390612345678"},  // Italy keeps its leading zero
      // "+" but other digits than the result's: read back by libphonenumber as before.
      {"+49 (0)30 123456", "US", "+4930123456"},
      {"+4900237", "US", "+490237"},
      {"+7 8 495 123 45 67", "US", "+74951234567"},
      {"+44 20 7946 0958 ext. 12", "US", "+442079460958"},
      {"+\xef\xbc\x91 415 555 0132", "US", "+14155550132"},  // a fullwidth 1
      {"call me maybe", "US", std::nullopt},
      {"12", "US", std::nullopt},
      {"", "US", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(PhoneToE164(c.raw, c.region), c.want) << c.raw;
}

TEST(UrlTest, SocialProfiles) {
  struct Case { std::string in; UrlKind kind; std::string want; };
  const Case cases[] = {
      {"adalovelace", UrlKind::kLinkedIn, "https://www.linkedin.com/in/adalovelace"},
      {"linkedin.com/in/AdaLovelace/", UrlKind::kLinkedIn, "https://www.linkedin.com/in/adalovelace"},
      {"https://www.linkedin.com/in/ada-l-123?trk=x", UrlKind::kLinkedIn, "https://www.linkedin.com/in/ada-l-123"},
      {"https://uk.linkedin.com/company/acme", UrlKind::kLinkedIn, "https://www.linkedin.com/company/acme"},
      {"@ada", UrlKind::kTwitter, "https://x.com/ada"},
      {"https://twitter.com/Ada_L", UrlKind::kTwitter, "https://x.com/Ada_L"},
      {"mobile.twitter.com/ada?s=20", UrlKind::kTwitter, "https://x.com/ada"},
      {"example.com/about", UrlKind::kGeneric, "https://example.com/about"},
  };
  for (const Case& c : cases) {
    auto got = NormalizeUrl(c.in, c.kind, "f");
    ASSERT_TRUE(got.ok()) << c.in << " " << got.status().ToString();
    EXPECT_EQ(*got, c.want);
  }
  for (const char* bad : {"https://facebook.com/ada", "way too long handle name", "linkedin.com/feed"}) {
    EXPECT_FALSE(NormalizeUrl(bad, UrlKind::kLinkedIn, "linkedin").ok()) << bad;
  }
  EXPECT_FALSE(NormalizeUrl("@this_handle_is_too_long", UrlKind::kTwitter, "twitter").ok());
  EXPECT_FALSE(NormalizeUrl("ftp://example.com", UrlKind::kGeneric, "url").ok());
}

// Found by fuzz/fields: normalized values must normalize to themselves, and messages that quote
// the input must stay valid UTF-8 (they go out as JSON).
TEST(FieldFuzzRegressionTest, IdempotentAndUtf8Messages) {
  EXPECT_EQ(*NormalizeUrl("HTTP://Example.com/A", UrlKind::kGeneric, "url"), "http://Example.com/A");
  std::string long_url = "a.co/" + std::string(2040, 'x');  // fits, but not with https:// added
  EXPECT_FALSE(NormalizeUrl(long_url, UrlKind::kGeneric, "url").ok());

  FieldDef number;
  number.key = "n";
  number.type = FieldType::kNumber;
  EXPECT_EQ(ParseValue(number, json::value(std::numeric_limits<double>::infinity()))
                .status().details().at(0).code,
            "invalid");

  // A character straddling the byte where the message cuts its quote of the input.
  std::string email = std::string(99, 'a') + "\xC3\xA9@@example.com";
  auto e = NormalizeEmail(email);
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(IsValidUtf8(e.status().message())) << e.status().message();
  FieldDef date = number;
  date.type = FieldType::kDate;
  auto d = ParseText(date, std::string(59, 'z') + "\xC3\xA9x");
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(IsValidUtf8(d.status().message())) << d.status().message();
}

TEST(BuiltinFieldsTest, StagesAndBands) {
  EXPECT_EQ(ParseLifecycleStage(" Opportunity "), 2);
  EXPECT_EQ(ParseLifecycleStage("EVANGELIST"), 4);
  EXPECT_FALSE(ParseLifecycleStage("prospect").has_value());
  const std::pair<int, std::string_view> bands[] = {
      {0, "cold"}, {25, "cold"}, {26, "warm"}, {50, "warm"}, {51, "hot"}, {75, "hot"}, {76, "sales_ready"}, {100, "sales_ready"}};
  for (auto [score, band] : bands) EXPECT_EQ(ScoreBand(score), band) << score;
}

}  // namespace
}  // namespace rally::fields
