// Scenario tables for /api/v1/custom-fields (definitions: create each type, refuse bad ones
// naming the field, roles, rename, immutable key and type, options in use, delete stripping
// values) and for custom values on contacts (each type's parsing and refusals naming
// "custom.<key>"). Every refusal is checked to leave the database as it was.
#include <gtest/gtest.h>

#include "api/api_checks.h"
#include "auth/auth_service.h"
#include "fixtures/test_app.h"

namespace rally::api {
namespace {

using rally::testing::DbSnapshot;
using rally::testing::ErrorProblems;
using rally::testing::Reply;
using rally::testing::Str;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::TestApp;

// A refusal: the request, its status and error code, and the fields its details must name.
struct Refusal {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  int want_status;
  std::string want_code;
  std::vector<std::string> want_fields;
  std::string token = TestApp::kAdminToken;
};

class CustomFieldsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth::AuthService& auth = *app_.services().auth;
    auto member = auth.CreateUser(app_.workspace_id(),
                                  auth::NewUser{"member@example.com", "Mem", auth::Role::kMember, "member password"});
    ASSERT_TRUE(member.ok()) << member.status().ToString();
    member_token_ = auth.CreateToken(app_.workspace_id(), member->id, "member")->token;
    auto ws = auth.CreateWorkspace("Other team");
    ASSERT_TRUE(ws.ok());
    auto eve = auth.CreateUser(ws->id, auth::NewUser{"eve@other.example", "Eve", auth::Role::kAdmin, "other password"});
    ASSERT_TRUE(eve.ok());
    other_token_ = auth.CreateToken(ws->id, eve->id, "other")->token;
  }

  std::string CreateField(const std::string& body, const std::string& token = TestApp::kAdminToken) {
    Reply r = app_.Call("POST", "/api/v1/custom-fields", body, token);
    EXPECT_EQ(r.status, 201) << body << ": " << r.body;
    return Str(r.json, "id");
  }

  std::string CreateContact(const std::string& body, const std::string& token = TestApp::kAdminToken) {
    Reply r = app_.Call("POST", "/api/v1/contacts", body, token);
    EXPECT_EQ(r.status, 201) << body << ": " << r.body;
    return Str(r.json, "id");
  }

  // The contact's custom object as JSON text.
  std::string CustomOf(const std::string& id, const std::string& token = TestApp::kAdminToken) {
    Reply r = app_.Call("GET", "/api/v1/contacts/" + id, "", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.is_object() && r.json.get_object().contains("custom") ? json::serialize(r.json.at("custom")) : "";
  }

  void RunRefusals(const std::vector<Refusal>& refusals) {
    for (const Refusal& f : refusals) {
      SCOPED_TRACE("refusal: " + f.name);
      std::string before = DbSnapshot(app_);
      Reply r = app_.Call(f.method, f.path, f.body, f.token);
      for (const std::string& p : ErrorProblems(r, f.want_status, f.want_code, f.want_fields))
        ADD_FAILURE() << p << "\n" << f.method << " " << f.path << " " << f.body << "\n-> " << r.body;
      EXPECT_EQ(DbSnapshot(app_), before) << "the refusal changed the database";
    }
  }

  TestApp app_;
  std::string member_token_, other_token_;
};

TEST_F(CustomFieldsApiTest, DefinitionsThroughTheApi) {
  std::string industry;
  RunScenarios(app_, {
      {"text", "POST", "/api/v1/custom-fields", R"({"key":"nickname","type":"text"})", 201,
       {R"("key":"nickname")", R"("label":"Nickname")", R"("type":"text")", R"("options":[])", R"("position":0)"}},
      {"number, labelled", "POST", "/api/v1/custom-fields", R"({"key":"employees","label":"  Head   count ","type":"number"})",
       201, {R"("label":"Head count")", R"("type":"number")", R"("position":1)"}},
      {"date, humanized label", "POST", "/api/v1/custom-fields", R"({"key":"renewal_date","type":"date"})", 201,
       {R"("label":"Renewal date")", R"("type":"date")"}},
      {"boolean, type in any case", "POST", "/api/v1/custom-fields", R"({"key":"newsletter","type":"Boolean"})", 201,
       {R"("type":"boolean")"}},
      {"select, options trimmed", "POST", "/api/v1/custom-fields",
       R"({"key":"industry","type":"select","options":[" Retail ","Software","Oil  and gas"],"position":10})", 201,
       {R"("type":"select")", R"("options":["Retail","Software","Oil and gas"])", R"("position":10)"},
       TestApp::kAdminToken, [&](const Reply& r) { industry = Str(r.json, "id"); }},
      {"the same key in another workspace", "POST", "/api/v1/custom-fields", R"({"key":"industry","type":"text"})", 201,
       {R"("key":"industry")"}, other_token_},
      {"list in display order", "GET", "/api/v1/custom-fields", "", 200, {}, TestApp::kAdminToken,
       [](const Reply& r) {
         std::vector<std::string> keys;
         for (const json::value& f : r.json.at("data").as_array()) keys.push_back(Str(f, "key"));
         EXPECT_EQ(keys, (std::vector<std::string>{"nickname", "employees", "renewal_date", "newsletter", "industry"}));
       }},
      {"a member may read", "GET", "/api/v1/custom-fields", "", 200, {"industry"}, member_token_},
      {"other workspace sees only its own", "GET", "/api/v1/custom-fields", "", 200, {}, other_token_,
       [](const Reply& r) { EXPECT_EQ(r.json.at("data").as_array().size(), 1u) << r.body; }},
  });
  ASSERT_FALSE(industry.empty());
  const std::string f = "/api/v1/custom-fields/" + industry;
  RunScenarios(app_, {
      {"get", "GET", f, "", 200, {R"("key":"industry")"}},
      {"a member may get one", "GET", f, "", 200, {R"("key":"industry")"}, member_token_},
      {"rename", "PATCH", f, R"({"label":"Sector"})", 200, {R"("label":"Sector")", R"("key":"industry")", R"("type":"select")"}},
      {"renamed for good", "GET", f, "", 200, {R"("label":"Sector")"}},
      {"add an option and move it", "PATCH", f, R"({"options":["Retail","Software","Oil and gas","Energy"],"position":2})",
       200, {R"("options":["Retail","Software","Oil and gas","Energy"])", R"("position":2)"}},
      {"remove an unused option", "PATCH", f, R"({"options":["Retail","Software","Energy"]})", 200,
       {R"("options":["Retail","Software","Energy"])"}},
  });

  std::string long_key(64, 'k');
  RunRefusals({
      {"duplicate key", "POST", "/api/v1/custom-fields", R"({"key":"industry","type":"text"})", 409, "already_exists", {"key"}},
      {"missing key", "POST", "/api/v1/custom-fields", R"({"type":"text"})", 422, "invalid_argument", {"key"}},
      {"key starting with a digit", "POST", "/api/v1/custom-fields", R"({"key":"9lives","type":"text"})", 422,
       "invalid_argument", {"key"}},
      {"key with a space", "POST", "/api/v1/custom-fields", R"({"key":"shoe size","type":"text"})", 422, "invalid_argument", {"key"}},
      {"key in upper case", "POST", "/api/v1/custom-fields", R"({"key":"Shoe","type":"text"})", 422, "invalid_argument", {"key"}},
      {"key of 64 characters", "POST", "/api/v1/custom-fields", R"({"key":")" + long_key + R"(","type":"text"})", 422,
       "invalid_argument", {"key"}},
      {"key not a string", "POST", "/api/v1/custom-fields", R"({"key":7,"type":"text"})", 422, "invalid_argument", {"key"}},
      {"missing type", "POST", "/api/v1/custom-fields", R"({"key":"shoe"})", 422, "invalid_argument", {"type"}},
      {"unknown type", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"blob"})", 422, "invalid_argument", {"type"}},
      {"built-in only type", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"email"})", 422, "invalid_argument", {"type"}},
      {"select without options", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"select"})", 422,
       "invalid_argument", {"options"}},
      {"select with no options", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"select","options":[]})", 422,
       "invalid_argument", {"options"}},
      {"options repeated in another case", "POST", "/api/v1/custom-fields",
       R"({"key":"shoe","type":"select","options":["Big","BIG"]})", 422, "invalid_argument", {"options"}},
      {"blank option", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"select","options":["a"," "]})", 422,
       "invalid_argument", {"options"}},
      {"options not strings", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"select","options":[1,2]})", 422,
       "invalid_argument", {"options"}},
      {"options on a text field", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"text","options":["a"]})", 422,
       "invalid_argument", {"options"}},
      {"blank label", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"text","label":"  "})", 422,
       "invalid_argument", {"label"}},
      {"negative position", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"text","position":-1})", 422,
       "invalid_argument", {"position"}},
      {"unknown member", "POST", "/api/v1/custom-fields", R"({"key":"shoe","type":"text","colour":"red"})", 422,
       "invalid_argument", {"colour"}},
      {"every problem at once", "POST", "/api/v1/custom-fields", R"({"key":"9","type":"blob","label":""})", 422,
       "invalid_argument", {"key", "type", "label"}},
      {"malformed JSON", "POST", "/api/v1/custom-fields", R"({"key":)", 400, "invalid_argument", {"body"}},
      {"array body", "POST", "/api/v1/custom-fields", R"([])", 400, "invalid_argument", {"body"}},
      {"member cannot create", "POST", "/api/v1/custom-fields", R"({"key":"mine","type":"text"})", 403,
       "permission_denied", {}, member_token_},
      {"no token", "POST", "/api/v1/custom-fields", R"({"key":"mine","type":"text"})", 401, "unauthenticated", {}, ""},

      {"key is immutable", "PATCH", f, R"({"key":"sector"})", 422, "invalid_argument", {"key"}},
      {"type is immutable", "PATCH", f, R"({"type":"text"})", 422, "invalid_argument", {"type"}},
      {"the rest of a refused patch is not applied", "PATCH", f, R"({"label":"Changed","type":"text"})", 422,
       "invalid_argument", {"type"}},
      {"blank label", "PATCH", f, R"({"label":""})", 422, "invalid_argument", {"label"}},
      {"options on a non-select field", "PATCH", "/api/v1/custom-fields/" + [&] {
         Reply list = app_.Call("GET", "/api/v1/custom-fields");
         return Str(list.json.at("data").as_array().at(0), "id");  // nickname, a text field
       }(),
       R"({"options":["a"]})", 422, "invalid_argument", {"options"}},
      {"duplicate options", "PATCH", f, R"({"options":["Retail","retail"]})", 422, "invalid_argument", {"options"}},
      {"member cannot rename", "PATCH", f, R"({"label":"Mine"})", 403, "permission_denied", {}, member_token_},
      {"member cannot delete", "DELETE", f, "", 403, "permission_denied", {}, member_token_},
      {"unknown id", "GET", "/api/v1/custom-fields/12345", "", 404, "not_found", {}},
      {"malformed id", "PATCH", "/api/v1/custom-fields/abc", R"({"label":"x"})", 404, "not_found", {}},
      {"another workspace's field: get", "GET", f, "", 404, "not_found", {}, other_token_},
      {"another workspace's field: rename", "PATCH", f, R"({"label":"Theirs"})", 404, "not_found", {}, other_token_},
      {"another workspace's field: delete", "DELETE", f, "", 404, "not_found", {}, other_token_},
  });
  RunScenarios(app_, {
      {"delete", "DELETE", f, "", 204, {}},
      {"gone", "GET", f, "", 404, {}},
      {"delete again", "DELETE", f, "", 404, {}},
      {"the key is free again", "POST", "/api/v1/custom-fields", R"({"key":"industry","type":"number"})", 201,
       {R"("type":"number")"}},
  });
}

TEST_F(CustomFieldsApiTest, DeletingAFieldRemovesItsValuesFromContacts) {
  const std::string shoe = CreateField(R"({"key":"shoe","type":"text"})");
  CreateField(R"({"key":"nickname","type":"text"})");
  CreateField(R"({"key":"industry","type":"select","options":["Retail","Software"]})");
  CreateField(R"({"key":"shoe","type":"text"})", other_token_);
  const std::string ada = CreateContact(R"({"email":"ada@x.io","custom":{"shoe":"42","industry":"retail"}})");
  // Holds "shoe" as another field's value: its stored JSON has the text "shoe" in quotes, like
  // a holder's key, but it holds no value of the field.
  const std::string bob = CreateContact(R"({"email":"bob@x.io","custom":{"nickname":"shoe","industry":"Software"}})");
  const std::string cid = CreateContact(R"({"email":"cid@x.io","custom":{"shoe":"9"}})");
  const std::string theirs = CreateContact(R"({"email":"ada@x.io","custom":{"shoe":"7"}})", other_token_);
  ASSERT_EQ(app_.Call("DELETE", "/api/v1/contacts/" + cid).status, 204);  // deleted contacts lose it too
  ASSERT_EQ(CustomOf(ada), R"({"shoe":"42","industry":"Retail"})");

  Reply del = app_.Call("DELETE", "/api/v1/custom-fields/" + shoe);
  ASSERT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(CustomOf(ada), R"({"industry":"Retail"})");
  EXPECT_EQ(CustomOf(bob), R"({"nickname":"shoe","industry":"Software"})");
  ASSERT_EQ(app_.Call("POST", "/api/v1/contacts/" + cid + "/restore").status, 200);
  EXPECT_EQ(CustomOf(cid), "{}");
  EXPECT_EQ(CustomOf(theirs, other_token_), R"({"shoe":"7"})") << "another workspace's field of the same key";

  // A new field under the old key starts empty and validates by its own type.
  CreateField(R"({"key":"shoe","type":"number"})");
  EXPECT_EQ(CustomOf(ada), R"({"industry":"Retail"})");
  RunRefusals({
      {"old value is not valid under the new type", "PATCH", "/api/v1/contacts/" + ada, R"({"custom":{"shoe":"size nine"}})",
       422, "invalid_argument", {"custom.shoe"}},
  });
  RunScenarios(app_, {
      {"the new field takes a number", "PATCH", "/api/v1/contacts/" + ada, R"({"custom":{"shoe":"42"}})", 200,
       {R"("custom":{"industry":"Retail","shoe":42})"}},
  });
}

TEST_F(CustomFieldsApiTest, AnOptionInUseCannotBeRemoved) {
  const std::string field = CreateField(R"({"key":"industry","type":"select","options":["Retail","Software","Mining"]})");
  const std::string f = "/api/v1/custom-fields/" + field;
  const std::string ada = CreateContact(R"({"email":"ada@x.io","custom":{"industry":"retail"}})");
  const std::string bob = CreateContact(R"({"email":"bob@x.io","custom":{"industry":"Software"}})");
  ASSERT_EQ(app_.Call("DELETE", "/api/v1/contacts/" + bob).status, 204);
  RunRefusals({
      {"held by a contact", "PATCH", f, R"({"options":["Software","Mining"]})", 409, "failed_precondition", {"options"}},
      {"held by a deleted contact, who may be restored", "PATCH", f, R"({"options":["Retail","Mining"]})", 409,
       "failed_precondition", {"options"}},
  });
  RunScenarios(app_, {
      {"an unused option may go", "PATCH", f, R"({"options":["Retail","Software"]})", 200, {R"("options":["Retail","Software"])"}},
      {"the contact moves off it", "PATCH", "/api/v1/contacts/" + ada, R"({"custom":{"industry":"Software"}})", 200,
       {R"("industry":"Software")"}},
      {"now it may go", "PATCH", f, R"({"options":["Software"]})", 200, {R"("options":["Software"])"}},
      {"and is refused on contacts", "PATCH", "/api/v1/contacts/" + ada, R"({"custom":{"industry":"Retail"}})", 422,
       {R"("field":"custom.industry")", "not_an_option"}},
  });
}

// Custom values on contacts: each type's accepted spellings and the value stored, then the
// refusals, each naming custom.<key> and changing nothing.
TEST_F(CustomFieldsApiTest, ContactValuesAreValidatedByType) {
  for (const char* body : {R"({"key":"nickname","type":"text"})", R"({"key":"employees","type":"number"})",
                           R"({"key":"renewal","type":"date"})", R"({"key":"newsletter","type":"boolean"})",
                           R"({"key":"industry","type":"select","options":["Retail","Software"]})"})
    CreateField(body);
  const std::string ada = CreateContact(R"({"email":"ada@x.io"})");
  const std::string c = "/api/v1/contacts/" + ada;

  struct Case {
    std::string key;
    std::string value;   // JSON
    std::string stored;  // JSON as read back; "absent" when the key must be gone
  };
  const std::vector<Case> good = {
      {"nickname", R"("  Ada  ")", R"("Ada")"},
      {"nickname", R"(1815)", R"("1815")"},
      {"nickname", R"("Ünïcödé ✓")", R"("Ünïcödé ✓")"},
      {"employees", R"("250")", "250"},
      {"employees", R"(12.5)", "12.5"},
      {"employees", R"(" -3 ")", "-3"},
      {"renewal", R"("2026-01-31")", R"("2026-01-31")"},
      {"renewal", R"("2026-01-31T23:30:00Z")", R"("2026-01-31")"},
      {"renewal", R"("2024-02-29")", R"("2024-02-29")"},
      {"newsletter", R"(true)", "true"},
      {"newsletter", R"("no")", "false"},
      {"newsletter", R"(1)", "true"},
      {"industry", R"("software")", R"("Software")"},
      {"industry", R"(" RETAIL ")", R"("Retail")"},
      {"nickname", R"(null)", "absent"},
      {"industry", R"("")", "absent"},
  };
  for (const Case& g : good) {
    SCOPED_TRACE(g.key + " = " + g.value);
    Reply r = app_.Call("PATCH", c, R"({"custom":{")" + g.key + R"(":)" + g.value + "}}");
    ASSERT_EQ(r.status, 200) << r.body;
    const json::object& custom = r.json.at("custom").as_object();
    if (g.stored == "absent") {
      EXPECT_FALSE(custom.contains(g.key)) << r.body;
    } else {
      ASSERT_TRUE(custom.contains(g.key)) << r.body;
      EXPECT_EQ(custom.at(g.key), json::parse(g.stored)) << r.body;
    }
    EXPECT_EQ(CustomOf(ada), json::serialize(custom)) << "what a write answers is what a read shows";
  }

  std::vector<Refusal> bad;
  const std::vector<std::tuple<std::string, std::string, std::string>> bad_values = {
      {"nickname", R"([1])", "invalid"},
      {"nickname", R"({"a":1})", "invalid"},
      {"nickname", "\"" + std::string(1001, 'x') + "\"", "too_long"},
      {"employees", R"("abc")", "invalid"},
      {"employees", R"("12abc")", "invalid"},
      {"employees", R"(true)", "invalid"},
      {"employees", R"("1e999")", "invalid"},
      {"renewal", R"("2026-02-30")", "invalid"},
      {"renewal", R"("31/01/2026")", "invalid"},
      {"renewal", R"(20260131)", "invalid"},
      {"renewal", R"("2026-01-31 garbage")", "invalid"},
      {"newsletter", R"("maybe")", "invalid"},
      {"newsletter", R"(2)", "invalid"},
      {"industry", R"("Mining")", "not_an_option"},
      {"industry", R"(7)", "not_an_option"},
      {"industry", R"(["Retail"])", "invalid"},
      {"shoe", R"("42")", "unknown_field"},
      {"Industry", R"("Retail")", "unknown_field"},
  };
  for (const auto& [key, value, code] : bad_values) {
    std::string name = key + " = " + value.substr(0, 30) + " (" + code + ")";
    bad.push_back({"create: " + name, "POST", "/api/v1/contacts", R"({"email":"new@x.io","custom":{")" + key + R"(":)" + value + "}}",
                   422, "invalid_argument", {"custom." + key}});
    bad.push_back({"update: " + name, "PATCH", c, R"({"custom":{")" + key + R"(":)" + value + "}}", 422, "invalid_argument",
                   {"custom." + key}});
    bad.push_back({"batch item: " + name, "POST", "/api/v1/contacts/batch",
                   R"({"items":[{"email":"new@x.io","custom":{")" + key + R"(":)" + value + "}}]}", 0, "", {}});
  }
  bad.push_back({"custom not an object", "PATCH", c, R"({"custom":"Retail"})", 422, "invalid_argument", {"custom"}});
  bad.push_back({"good and bad together: nothing is written", "PATCH", c,
                 R"({"title":"CTO","custom":{"employees":5,"industry":"Mining"}})", 422, "invalid_argument", {"custom.industry"}});
  std::vector<Refusal> plain;
  for (Refusal& r : bad) {
    if (r.want_status != 0) {
      plain.push_back(std::move(r));
      continue;
    }
    // A batch answers 200 with the item's error, and writes nothing for it.
    SCOPED_TRACE(r.name);
    std::string before = DbSnapshot(app_);
    Reply reply = app_.Call(r.method, r.path, r.body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_NE(reply.body.find(R"("status":"error")"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find(R"("field":"custom.)"), std::string::npos) << reply.body;
    EXPECT_EQ(DbSnapshot(app_), before);
  }
  RunRefusals(plain);
  // The error message says which value and which field.
  Reply r = app_.Call("PATCH", c, R"({"custom":{"industry":"Mining"}})");
  EXPECT_NE(r.body.find("Mining"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Retail, Software"), std::string::npos) << "the message lists the options: " << r.body;
}

}  // namespace
}  // namespace rally::api
