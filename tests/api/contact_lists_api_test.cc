// Scenario tables for the list routes of issue 4 (GET /contacts?q=, POST /contacts/search,
// GET /contacts/count, POST /filters/parse) against a real in-process server: filters in both
// spellings, cursors, counts, and every refusal a 400 that names the term, leaving the database
// as it was.
#include <gtest/gtest.h>

#include "api/api_checks.h"
#include "app/services.h"
#include "fields/custom_fields.h"
#include "fixtures/test_app.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::Str;
using rally::testing::TestApp;

// The emails of a page, in order, space-separated.
std::string Emails(const Reply& r) {
  std::string out;
  if (!r.json.is_object() || !r.json.get_object().contains("data")) return "<no data>";
  for (const json::value& c : r.json.at("data").get_array()) out += (out.empty() ? "" : " ") + Str(c, "email");
  return out;
}

class ContactListsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fields::CustomFieldInput in;
    in.key = "industry";
    in.type = "select";
    in.options = std::vector<std::string>{"Software", "Retail"};
    ASSERT_TRUE(app_.services().custom_fields->Create(app_.workspace_id(), in).ok());
    for (const char* body : {
             R"({"email":"ada@example.com","first_name":"Ada","lead_score":72,"tags":["inbound","vip"],"lifecycle_stage":"lead","custom":{"industry":"Software"},"owner":"admin@example.com"})",
             R"({"email":"john@example.com","first_name":"John","company":"Acme","lead_score":80,"tags":["inbound"],"lifecycle_stage":"lead"})",
             R"({"email":"jose@example.com","first_name":"José","lead_score":40,"tags":["inbound"],"lifecycle_stage":"lead"})",
             R"({"email":"zed@example.com","lead_score":99,"lifecycle_stage":"customer"})"}) {
      Reply r = app_.Call("POST", "/api/v1/contacts", body);
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  TestApp app_;
};

TEST_F(ContactListsApiTest, FiltersInBothSpellingsCountsAndParse) {
  auto emails = [](std::string want) {
    return [want](const Reply& r) { EXPECT_EQ(Emails(r), want) << r.body; };
  };
  auto count = [](int64_t want) {
    return [want](const Reply& r) { EXPECT_EQ(r.json.at("count").as_int64(), want) << r.body; };
  };
  RunScenarios(app_, {
      {"the benchmark segment, text", "GET", "/api/v1/contacts?q=tag:inbound%20stage:lead%20score:%3E50&sort=-score",
       "", 200, {}, TestApp::kAdminToken, emails("john@example.com ada@example.com")},
      {"search as you type, accents", "GET", "/api/v1/contacts?q=jos&sort=email", "", 200, {}, TestApp::kAdminToken,
       emails("jose@example.com")},
      {"a bare word and a field term", "GET", "/api/v1/contacts?q=jo%20score:%3E50", "", 200, {}, TestApp::kAdminToken,
       emails("john@example.com")},
      {"owner:me is the caller", "GET", "/api/v1/contacts?q=owner:me", "", 200, {}, TestApp::kAdminToken,
       emails("ada@example.com")},
      {"a custom field by its bare key", "GET", "/api/v1/contacts?q=industry:software", "", 200, {},
       TestApp::kAdminToken, emails("ada@example.com")},
      {"sort by a custom field", "GET", "/api/v1/contacts?sort=-industry,email", "", 200, {}, TestApp::kAdminToken,
       emails("ada@example.com john@example.com jose@example.com zed@example.com")},
      {"search with an OR group", "POST", "/api/v1/contacts/search",
       R"({"filter":{"or":[{"field":"stage","op":"eq","value":"customer"},{"field":"tags","op":"has_all","value":["inbound","vip"]}]},"sort":"email"})",
       200, {}, TestApp::kAdminToken, emails("ada@example.com zed@example.com")},
      {"search with text", "POST", "/api/v1/contacts/search", R"({"q":"company:acme","limit":5})", 200, {},
       TestApp::kAdminToken, emails("john@example.com")},
      {"search with no filter is everything", "POST", "/api/v1/contacts/search", R"({"sort":"-score","limit":2})", 200,
       {R"("next_cursor":")"}, TestApp::kAdminToken, emails("zed@example.com john@example.com")},
      {"count", "GET", "/api/v1/contacts/count?q=tag:inbound", "", 200, {}, TestApp::kAdminToken, count(3)},
      {"count everything", "GET", "/api/v1/contacts/count", "", 200, {}, TestApp::kAdminToken, count(4)},
      {"parse text", "POST", "/api/v1/filters/parse", R"({"q":"tag:inbound score:>50 -source:ads"})", 200,
       {R"("filter":{"and":[{"field":"tags","op":"has_any","value":["inbound"]},{"field":"lead_score","op":"gt","value":50},{"field":"lead_source","op":"neq","value":"ads"}]})",
        R"("q":"tags:inbound lead_score:>50 -lead_source:ads")"}},
      {"parse JSON to canonical text", "POST", "/api/v1/filters/parse",
       R"({"filter":{"or":[{"field":"stage","op":"in","value":["Lead"]},{"search":"ada"}]}})", 200,
       {R"("q":"lifecycle_stage:lead OR ada")"}},
      {"parse an empty filter", "POST", "/api/v1/filters/parse", R"({"q":""})", 200, {R"("filter":{"and":[]})", R"("q":"")"}},
  });
}

TEST_F(ContactListsApiTest, CursorsWalkEveryRowOnce) {
  for (std::string base : {"/api/v1/contacts?q=score:%3E0&sort=-score&limit=1",
                           "/api/v1/contacts?sort=first_name,-score&limit=3"}) {
    std::string all = Emails(app_.Call("GET", base.substr(0, base.rfind("&limit=")) + "&limit=100"));
    std::string walked, cursor;
    for (int i = 0; i < 10; ++i) {
      Reply r = app_.Call("GET", base + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_EQ(r.status, 200) << r.body;
      std::string page = Emails(r);
      if (!page.empty()) walked += (walked.empty() ? "" : " ") + page;
      const json::value& next = r.json.at("next_cursor");
      if (next.is_null()) break;
      cursor = std::string(next.get_string());
    }
    EXPECT_EQ(walked, all) << base;
  }
  // The same through POST /contacts/search.
  Reply first = app_.Call("POST", "/api/v1/contacts/search", R"({"q":"tag:inbound","sort":"email","limit":2})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Emails(first), "ada@example.com john@example.com");
  std::string next(first.json.at("next_cursor").as_string());
  Reply second = app_.Call("POST", "/api/v1/contacts/search",
                           R"({"q":"tag:inbound","sort":"email","limit":2,"cursor":")" + next + R"("})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Emails(second), "jose@example.com");
  EXPECT_TRUE(second.json.at("next_cursor").is_null());
}

TEST_F(ContactListsApiTest, BadFiltersAre400sNamingTheTermAndChangeNothing) {
  std::string before = rally::testing::DbSnapshot(app_);
  struct Bad {
    std::string name, method, path, body;
    int status;
    std::string field, code, in_message;
  };
  const Bad cases[] = {
      {"unknown field", "GET", "/api/v1/contacts?q=tag:x%20colour:red", "", 400, "q", "filter_unknown_field",
       R"(unknown field \"colour\" in \"colour:red\" at 6)"},
      {"bad value", "GET", "/api/v1/contacts?q=score:lots", "", 400, "q", "filter_invalid_value", "at 0"},
      {"bad op", "GET", "/api/v1/contacts?q=title:%3E5", "", 400, "q", "filter_invalid_op", "has no order"},
      {"syntax", "GET", "/api/v1/contacts?q=(stage:lead", "", 400, "q", "filter_syntax", "unclosed ("},
      {"count, bad filter", "GET", "/api/v1/contacts/count?q=stage:won", "", 400, "q", "filter_invalid_value", "won"},
      {"search, JSON path", "POST", "/api/v1/contacts/search",
       R"({"filter":{"and":[{"field":"tags","op":"has_any","value":["x"]},{"field":"colour","op":"eq","value":"red"}]}})",
       400, "filter.and[1].field", "filter_unknown_field", "colour"},
      {"search, bad op", "POST", "/api/v1/contacts/search", R"({"filter":{"field":"score","op":"near","value":1}})",
       400, "filter.op", "filter_invalid_op", "near"},
      {"search, text and JSON", "POST", "/api/v1/contacts/search", R"({"q":"x","filter":{"search":"y"}})", 422, "q",
       "invalid", "not both"},
      {"search, unknown member", "POST", "/api/v1/contacts/search", R"({"query":"x"})", 422, "query", "unknown_field", ""},
      {"search, limit", "POST", "/api/v1/contacts/search", R"({"limit":1001})", 422, "limit", "out_of_range", ""},
      {"search, malformed body", "POST", "/api/v1/contacts/search", R"({"q":)", 400, "body", "malformed_json", ""},
      {"list, limit", "GET", "/api/v1/contacts?limit=1001", "", 422, "limit", "out_of_range", ""},
      {"list, cursor of another sort", "GET",
       "/api/v1/contacts?sort=email&cursor=eyJzIjoiLWlkIiwiayI6WzFdfQ", "", 422, "cursor", "invalid", ""},
      {"list, sort by tags", "GET", "/api/v1/contacts?sort=tags", "", 422, "sort", "invalid", ""},
      {"parse, nothing to parse", "POST", "/api/v1/filters/parse", R"({})", 422, "q", "required", ""},
      {"parse, bad text", "POST", "/api/v1/filters/parse", R"({"q":"a - b"})", 400, "q", "filter_syntax",
       R"(a lone - negates nothing in \"-\" at 2)"},
  };
  for (const Bad& c : cases) {
    Reply r = app_.Call(c.method, c.path, c.body);
    EXPECT_EQ(rally::testing::ErrorProblems(r, c.status, c.status == 400 || c.status == 422 ? "invalid_argument" : "",
                                            {c.field}),
              std::vector<std::string>{})
        << c.name << ": " << r.body;
    EXPECT_NE(r.body.find(c.code), std::string::npos) << c.name << ": " << r.body;
    EXPECT_NE(r.body.find(c.in_message), std::string::npos) << c.name << ": " << r.body;
  }
  EXPECT_EQ(rally::testing::DbSnapshot(app_), before);
}

}  // namespace
}  // namespace rally::api
