// The filter language's parsers and printers (query/filter.h): tables of good terms with their
// canonical text and JSON, errors with their codes and positions, and round trips.
#include "query/filter.h"

#include <gtest/gtest.h>

namespace rally::query {
namespace {

FieldCatalog Catalog() {
  std::vector<fields::FieldDef> custom;
  auto def = [](std::string key, fields::FieldType t, std::vector<std::string> options = {}) {
    fields::FieldDef d;
    d.key = std::move(key);
    d.label = d.key;
    d.type = t;
    d.options = std::move(options);
    d.custom = true;
    return d;
  };
  custom.push_back(def("industry", fields::FieldType::kSelect, {"Software", "Retail"}));
  custom.push_back(def("annual_revenue", fields::FieldType::kNumber));
  custom.push_back(def("renewal", fields::FieldType::kDate));
  custom.push_back(def("vip", fields::FieldType::kBoolean));
  custom.push_back(def("notes", fields::FieldType::kText));
  custom.push_back(def("city", fields::FieldType::kText));  // clashes with the built-in city
  return FieldCatalog(custom);
}

struct GoodCase {
  std::string text;
  std::string canonical;  // ToText of the parse
  std::string json;       // ToJson of the parse ("" = not checked)
};

TEST(FilterTextTest, GoodTermsParseToCanonicalTextAndJson) {
  const GoodCase cases[] = {
      {"", "", R"({"and":[]})"},
      {"   ", "", R"({"and":[]})"},
      {"tag:inbound", "tags:inbound", R"({"field":"tags","op":"has_any","value":["inbound"]})"},
      {"stage:lead", "lifecycle_stage:lead",
       R"({"field":"lifecycle_stage","op":"eq","value":"lead"})"},
      {"stage:Qualified", "lifecycle_stage:qualified", ""},
      {"score:>50", "lead_score:>50", R"({"field":"lead_score","op":"gt","value":50})"},
      {"score:>=50", "lead_score:>=50", ""},
      {"score:<5", "lead_score:<5", ""},
      {"score:<=5", "lead_score:<=5", ""},
      {"score:10..50", "lead_score:10..50",
       R"({"field":"lead_score","op":"between","value":[10,50]})"},
      {"-source:ads", "-lead_source:ads", R"({"field":"lead_source","op":"neq","value":"ads"})"},
      {"source:ads,web", "lead_source:ads,web",
       R"({"field":"lead_source","op":"in","value":["ads","web"]})"},
      {"-source:ads,web", "-lead_source:ads,web",
       R"({"field":"lead_source","op":"not_in","value":["ads","web"]})"},
      {"name:\"Ada L\"", "name:\"Ada L\"", R"({"field":"name","op":"eq","value":"Ada L"})"},
      {"company:~acme", "company:~acme", R"({"field":"company","op":"contains","value":"acme"})"},
      {"company:~\"acme inc\"", "company:~\"acme inc\"", ""},
      {"email:jo*", "email:jo*", R"({"field":"email","op":"starts_with","value":"jo"})"},
      {"email:Jo@Example.com", "email:jo@example.com", ""},
      {"phone:*", "phone:*", R"({"field":"phone","op":"is_not_empty"})"},
      {"-title:*", "-title:*", R"({"field":"title","op":"is_empty"})"},
      {"created:>=2026-01-31", "created:>=2026-01-31",
       R"({"field":"created","op":"gte","value":"2026-01-31"})"},
      {"created_at:2026-01-31T10:00:00Z", "created:2026-01-31T10:00:00.000Z", ""},
      {"updated:2026-01-01..2026-01-31", "updated:2026-01-01..2026-01-31", ""},
      {"last_activity:<2026-02-01", "last_activity:<2026-02-01", ""},
      {"owner:me", "owner:me", R"({"field":"owner","op":"eq","value":"me"})"},
      {"owner:none", "-owner:*", R"({"field":"owner","op":"is_empty"})"},
      {"-owner:none", "owner:*", ""},
      {"owner:Bob@Example.com", "owner:bob@example.com", ""},
      {"band:hot", "band:hot", R"({"field":"band","op":"eq","value":"hot"})"},
      {"band:HOT,sales_ready", "band:hot,sales_ready", ""},
      {"custom.industry:software", "custom.industry:Software",
       R"({"field":"custom.industry","op":"eq","value":"Software"})"},
      {"industry:Software", "custom.industry:Software", ""},
      {"annual_revenue:>1000000", "custom.annual_revenue:>1000000",
       R"({"field":"custom.annual_revenue","op":"gt","value":1000000})"},
      {"annual_revenue:1.5..2", "custom.annual_revenue:1.5..2", ""},
      {"renewal:<2026-03-01", "custom.renewal:<2026-03-01", ""},
      {"vip:yes", "custom.vip:true", R"({"field":"custom.vip","op":"eq","value":true})"},
      {"notes:~urgent", "custom.notes:~urgent", ""},
      {"city:Paris", "city:Paris",
       R"({"field":"city","op":"eq","value":"Paris"})"},  // the built-in
      {"custom.city:Paris", "custom.city:Paris", ""},
      {"tag:a,b", "tags:a,b", R"({"field":"tags","op":"has_any","value":["a","b"]})"},
      {"tag:a+b", "tags:a+b", R"({"field":"tags","op":"has_all","value":["a","b"]})"},
      {"-tag:a,b", "-tags:a,b", R"({"field":"tags","op":"has_none","value":["a","b"]})"},
      {"-tag:a+b", "-tags:a+b", R"({"not":{"field":"tags","op":"has_all","value":["a","b"]}})"},
      {"tag:\"event attendee\",vip", "tags:\"event attendee\",vip", ""},
      {"tag:\"c++\"", "tags:\"c++\"", ""},
      {"-tag:*", "-tags:*", ""},
      {"additional_emails:Old@Example.com", "additional_emails:old@example.com",
       R"({"field":"additional_emails","op":"has_any","value":["old@example.com"]})"},
      {"jo", "jo", R"({"search":"jo"})"},
      {"\"ada love\"", "\"ada love\"", R"({"search":"ada love"})"},
      {"-jo", "-jo", R"({"not":{"search":"jo"}})"},
      {"José", "José", ""},
      {"-score:>50", "-lead_score:>50", R"({"not":{"field":"lead_score","op":"gt","value":50}})"},
      {"stage:lead OR stage:customer", "lifecycle_stage:lead OR lifecycle_stage:customer",
       R"({"or":[{"field":"lifecycle_stage","op":"eq","value":"lead"},{"field":"lifecycle_stage","op":"eq","value":"customer"}]})"},
      {"tag:vip (stage:lead OR score:>90)", "tags:vip (lifecycle_stage:lead OR lead_score:>90)",
       ""},
      {"a b OR c", "a b OR c",
       R"({"or":[{"and":[{"search":"a"},{"search":"b"}]},{"search":"c"}]})"},
      {"-(stage:lead OR tag:x)", "-(lifecycle_stage:lead OR tags:x)", ""},
      {"((stage:lead))", "lifecycle_stage:lead", ""},
      {"title:\"say \\\"hi\\\"\"", "title:\"say \\\"hi\\\"\"",
       R"({"field":"title","op":"eq","value":"say \"hi\""})"},
      {"city:-x", "city:-x", ""},
      {"tag:inbound stage:lead score:>50 -source:ads name:\"Ada L\" score:10..50 company:~acme "
       "email:jo* "
       "phone:* -title:* created:>=2026-01-31 owner:me owner:none band:hot "
       "custom.industry:Software "
       "annual_revenue:>1000000",
       "tags:inbound lifecycle_stage:lead lead_score:>50 -lead_source:ads name:\"Ada L\" "
       "lead_score:10..50 "
       "company:~acme email:jo* phone:* -title:* created:>=2026-01-31 owner:me -owner:* band:hot "
       "custom.industry:Software custom.annual_revenue:>1000000",
       ""},
  };
  FieldCatalog catalog = Catalog();
  for (const GoodCase& c : cases) {
    auto n = ParseText(c.text, catalog);
    ASSERT_TRUE(n.ok()) << c.text << " -> " << n.status().ToString();
    EXPECT_EQ(ToText(*n), c.canonical) << c.text;
    if (!c.json.empty()) EXPECT_EQ(json::serialize(ToJson(*n)), c.json) << c.text;
    // Both round trips give the same AST.
    auto again = ParseText(ToText(*n), catalog);
    ASSERT_TRUE(again.ok()) << ToText(*n) << " -> " << again.status().ToString();
    EXPECT_EQ(*again, *n) << c.text;
    auto from_json = ParseJson(ToJson(*n), catalog);
    ASSERT_TRUE(from_json.ok()) << json::serialize(ToJson(*n)) << " -> "
                                << from_json.status().ToString();
    EXPECT_EQ(*from_json, *n) << c.text;
  }
}

struct BadCase {
  std::string text;
  std::string code;
  std::string in_message;  // the term and position, e.g. "\"colour:red\" at 4"
};

TEST(FilterTextTest, ErrorsNameTheTermAndItsPosition) {
  const BadCase cases[] = {
      {"colour:red", "filter_unknown_field", "unknown field \"colour\" in \"colour:red\" at 0"},
      {"tag:x colour:red", "filter_unknown_field", "\"colour:red\" at 6"},
      {"José colour:red", "filter_unknown_field", "at 5"},  // characters, not bytes
      {"score:abc", "filter_invalid_value", "\"score:abc\" at 0"},
      {"score:>101", "filter_invalid_value", "at 0"},
      {"stage:won", "filter_invalid_value", "not one of"},
      {"industry:Hardware", "filter_invalid_value", "\"industry:Hardware\""},
      {"annual_revenue:lots", "filter_invalid_value", "not a number"},
      {"created:yesterday", "filter_invalid_value", "not a date"},
      {"owner:bob", "filter_invalid_value", "owner is a user's email, me or none"},
      {"email:~x score:~5", "filter_invalid_op", "\"score:~5\" at 9"},
      {"title:>5", "filter_invalid_op", "has no order"},
      {"stage:lead+qualified", "filter_invalid_value", ""},  // + is literal outside sets
      {"score:", "filter_syntax", "missing value"},
      {":x", "filter_syntax", "missing field name"},
      {"name:\"Ada", "filter_syntax", "unclosed quote"},
      {"(stage:lead", "filter_syntax", "unclosed ("},
      {"stage:lead)", "filter_syntax", "unmatched ) in \")\" at 10"},
      {"OR stage:lead", "filter_syntax", "OR needs a term before it"},
      {"stage:lead OR", "filter_syntax", "OR needs a term after it"},
      {"a - b", "filter_syntax", "a lone - negates nothing in \"-\" at 2"},
      {"tag:a,b+c", "filter_syntax", "mix of"},
      {"name:\"x\"y", "filter_syntax", "unexpected text"},
      {"vip:maybe", "filter_invalid_value", "not true or false"},
      {"owner:none,me", "filter_invalid_op", "owner:none"},
  };
  FieldCatalog catalog = Catalog();
  for (const BadCase& c : cases) {
    auto n = ParseText(c.text, catalog);
    ASSERT_FALSE(n.ok()) << c.text << " parsed as " << ToText(*n);
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument) << c.text;
    ASSERT_EQ(n.status().details().size(), 1u) << c.text;
    EXPECT_EQ(n.status().details()[0].field, "q") << c.text;
    EXPECT_EQ(n.status().details()[0].code, c.code) << c.text << ": " << n.status().ToString();
    EXPECT_NE(n.status().details()[0].message.find(c.in_message), std::string::npos)
        << c.text << ": " << n.status().details()[0].message;
  }
}

TEST(FilterTextTest, LimitsAreErrorsNotCrashes) {
  FieldCatalog catalog = Catalog();
  std::string many;
  for (int i = 0; i < 101; ++i) many += "a ";
  EXPECT_FALSE(ParseText(many, catalog).ok());
  EXPECT_FALSE(ParseText(std::string(5000, 'a'), catalog).ok());
  EXPECT_FALSE(ParseText(std::string(40, '(') + "a" + std::string(40, ')'), catalog).ok());
  auto bad_utf8 = ParseText("ab\xff", catalog);
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.status().details()[0].message.find("at 2"), std::string::npos);
}

struct JsonBad {
  std::string json;
  std::string field;  // the path named
  std::string code;
};

TEST(FilterJsonTest, ErrorsNameThePath) {
  const JsonBad cases[] = {
      {R"([1])", "filter", "filter_syntax"},
      {R"({"and":[{"field":"colour","op":"eq","value":"red"}]})", "filter.and[0].field",
       "filter_unknown_field"},
      {R"({"field":"lead_score","op":"bigger","value":5})", "filter.op", "filter_invalid_op"},
      {R"({"field":"lead_score","op":"gt","value":"x"})", "filter.value", "filter_invalid_value"},
      {R"({"field":"lead_score","op":"gt","value":[1,2]})", "filter.value", "filter_invalid_value"},
      {R"({"field":"lead_score","op":"between","value":[1]})", "filter.op", "filter_invalid_op"},
      {R"({"field":"tags","op":"has_any"})", "filter.value", "filter_invalid_value"},
      {R"({"field":"tags","op":"is_empty","value":"x"})", "filter.value", "filter_invalid_value"},
      {R"({"field":"title","op":"has_any","value":["x"]})", "filter.op", "filter_invalid_op"},
      {R"({"or":[]})", "filter.or", "filter_syntax"},
      {R"({"not":{"search":""}})", "filter.not.search", "filter_invalid_value"},
      {R"({"field":"title","op":"eq","value":"x","extra":1})", "filter.extra", "filter_syntax"},
      {R"({"and":[],"or":[]})", "filter", "filter_syntax"},
      {R"({"xor":[]})", "filter.xor", "filter_syntax"},
      {R"({"field":"title","op":"eq","value":{"a":1}})", "filter.value", "filter_invalid_value"},
  };
  FieldCatalog catalog = Catalog();
  for (const JsonBad& c : cases) {
    auto v = rally::ParseJson(c.json);
    ASSERT_TRUE(v.ok()) << c.json;
    auto n = query::ParseJson(*v, catalog);
    ASSERT_FALSE(n.ok()) << c.json;
    ASSERT_EQ(n.status().details().size(), 1u) << c.json;
    EXPECT_EQ(n.status().details()[0].field, c.field) << c.json << ": " << n.status().ToString();
    EXPECT_EQ(n.status().details()[0].code, c.code) << c.json << ": " << n.status().ToString();
  }
}

TEST(FilterJsonTest, JsonCanonicalizesToTheSameAstAsText) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"and":[{"field":"tags","op":"has_any","value":["inbound"]},{"field":"lead_score","op":"gt","value":50}]})",
       "tags:inbound lead_score:>50"},
      {R"({"field":"tag","op":"eq","value":"vip"})", "tags:vip"},
      {R"({"field":"stage","op":"in","value":["lead"]})", "lifecycle_stage:lead"},
      {R"({"not":{"field":"stage","op":"eq","value":"lead"}})", "-lifecycle_stage:lead"},
      {R"({"not":{"not":{"search":"jo"}}})", "jo"},
      {R"({"and":[{"and":[{"search":"a"}]},{"search":"b"}]})", "a b"},
      {R"({"field":"custom.annual_revenue","op":"gte","value":"1000000"})",
       "custom.annual_revenue:>=1000000"},
      {R"({"field":"vip","op":"eq","value":true})", "custom.vip:true"},
      {R"({"field":"owner","op":"eq","value":"none"})", "-owner:*"},
      {R"({"or":[{"field":"stage","op":"eq","value":"lead"},{"and":[{"field":"score","op":"gt","value":90},{"search":"x"}]}]})",
       "lifecycle_stage:lead OR lead_score:>90 x"},
  };
  FieldCatalog catalog = Catalog();
  for (const auto& [js, text] : cases) {
    auto v = rally::ParseJson(js);
    ASSERT_TRUE(v.ok());
    auto n = query::ParseJson(*v, catalog);
    ASSERT_TRUE(n.ok()) << js << " -> " << n.status().ToString();
    EXPECT_EQ(ToText(*n), text) << js;
    auto t = ParseText(text, catalog);
    ASSERT_TRUE(t.ok()) << text;
    EXPECT_EQ(*t, *n) << js;
  }
}

}  // namespace
}  // namespace rally::query
