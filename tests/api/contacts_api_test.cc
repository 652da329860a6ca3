// Scenario tables for the contacts, timeline, companies and tags routes against a real
// in-process server: every route, and every bad input of issue 2 item 8 that reaches them, each
// refusal checked to leave the database exactly as it was.
#include <gtest/gtest.h>

#include "app/services.h"
#include "auth/auth_service.h"
#include "fields/custom_fields.h"
#include "fixtures/test_app.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::TestApp;

std::string Str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const json::value* x = v.get_object().if_contains(key);
  return x && x->is_string() ? std::string(x->get_string()) : "";
}

class ContactsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Services& s = app_.services();
    for (auto [key, type, options] :
         std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
             {"industry", "select", {"Retail", "Software"}}, {"employees", "number", {}}}) {
      fields::CustomFieldInput in;
      in.key = key;
      in.type = type;
      if (!options.empty()) in.options = options;
      ASSERT_TRUE(s.custom_fields->Create(app_.workspace_id(), in).ok());
    }
    // A second team, with its own token and a contact of its own.
    auto ws = s.auth->CreateWorkspace("Other team");
    ASSERT_TRUE(ws.ok());
    auto user = s.auth->CreateUser(ws->id, auth::NewUser{"eve@other.example", "Eve", auth::Role::kAdmin,
                                                         "other password 1"});
    ASSERT_TRUE(user.ok()) << user.status().ToString();
    auto token = s.auth->CreateToken(ws->id, user->id, "other");
    ASSERT_TRUE(token.ok());
    other_token_ = token->token;
    Reply theirs = app_.Call("POST", "/api/v1/contacts",
                             R"({"email":"ada@example.com","company":"Their Co","tags":["theirs"]})",
                             other_token_);
    ASSERT_EQ(theirs.status, 201) << theirs.body;
    their_contact_ = Str(theirs.json, "id");
    their_company_ = Str(theirs.json.at("company"), "id");
    Reply mine = app_.Call("POST", "/api/v1/contacts",
                           R"({"email":"Ada@Example.com","first_name":"Ada","lead_score":40,
                               "company":"Acme","tags":["Inbound"],"custom":{"industry":"retail"}})");
    ASSERT_EQ(mine.status, 201) << mine.body;
    contact_ = Str(mine.json, "id");
    company_ = Str(mine.json.at("company"), "id");
  }

  // Counts and sums over every table the contact routes write: equal snapshots mean nothing
  // was written.
  std::string Snapshot() {
    std::string out;
    Status s = app_.services().db->Read([&](storage::Connection& c) -> Status {
      for (std::string_view t : {"contacts", "contact_emails", "contact_tags", "tags", "activities",
                                 "companies", "custom_fields"}) {
        RALLY_ASSIGN_OR_RETURN(auto n, c.QueryInt("SELECT COUNT(*) FROM " + std::string(t)));
        out += std::string(t) + "=" + std::to_string(n.value_or(0)) + ";";
      }
      RALLY_ASSIGN_OR_RETURN(auto u, c.QueryInt("SELECT SUM(updated_at) + SUM(COALESCE(deleted_at, 1)) "
                                                "+ SUM(lead_score) FROM contacts"));
      out += "rows=" + std::to_string(u.value_or(0));
      out += ";tags=";
      return c.Query("SELECT name FROM tags ORDER BY id", {}, [&](const storage::Row& r) {
        out += std::string(r.Text(0)) + ",";
        return true;
      });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Runs refusals, each of which must leave the database untouched.
  void RunRefusals(const std::vector<Scenario>& scenarios) {
    for (const Scenario& s : scenarios) {
      ASSERT_GE(s.want_status, 400) << s.name;
      std::string before = Snapshot();
      RunScenarios(app_, {s});
      EXPECT_EQ(Snapshot(), before) << "scenario changed the database: " << s.name;
    }
  }

  TestApp app_;
  std::string other_token_, their_contact_, their_company_, contact_, company_;
};

TEST_F(ContactsApiTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  const std::string c = "/api/v1/contacts/" + contact_;
  Reply made = app_.Call("POST", "/api/v1/contacts", R"({"email":"other@x.io"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string other = Str(made.json, "id");
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  RunRefusals({
      {"missing email", "POST", "/api/v1/contacts", R"({"first_name":"x"})", 422,
       {R"("field":"email")", R"("code":"required")"}},
      {"blank email", "POST", "/api/v1/contacts", R"({"email":"   "})", 422, {R"("field":"email")"}},
      {"invalid email", "POST", "/api/v1/contacts", R"({"email":"ada at example"})", 422,
       {R"("field":"email")", R"("code":"invalid")"}},
      {"duplicate email in another case and spacing", "POST", "/api/v1/contacts",
       R"({"email":"  ADA@EXAMPLE.COM "})", 409,
       {R"("code":"already_exists")", R"("code":"duplicate")", R"("existing_id":")" + contact_ + "\""}},
      {"score 101", "POST", "/api/v1/contacts", R"({"email":"n@x.io","lead_score":101})", 422,
       {R"("field":"lead_score")", "out_of_range"}},
      {"score -1", "POST", "/api/v1/contacts", R"({"email":"n@x.io","lead_score":-1})", 422,
       {R"("field":"lead_score")"}},
      {"score abc", "POST", "/api/v1/contacts", R"({"email":"n@x.io","lead_score":"abc"})", 422,
       {R"("field":"lead_score")", R"("code":"invalid")"}},
      {"unknown stage", "POST", "/api/v1/contacts", R"({"email":"n@x.io","lifecycle_stage":"prospect"})",
       422, {R"("field":"lifecycle_stage")", "not_an_option"}},
      {"unknown custom key", "POST", "/api/v1/contacts", R"({"email":"n@x.io","custom":{"shoe":1}})", 422,
       {R"("field":"custom.shoe")", "unknown_field"}},
      {"wrong custom type", "POST", "/api/v1/contacts", R"({"email":"n@x.io","custom":{"employees":"lots"}})",
       422, {R"("field":"custom.employees")", R"("code":"invalid")"}},
      {"select value not an option", "POST", "/api/v1/contacts",
       R"({"email":"n@x.io","custom":{"industry":"Mining"}})", 422,
       {R"("field":"custom.industry")", "not_an_option"}},
      {"every bad field at once", "POST", "/api/v1/contacts",
       R"({"email":"bad","lead_score":"abc","lifecycle_stage":"x","custom":{"shoe":1}})", 422,
       {R"("field":"email")", R"("field":"lead_score")", R"("field":"lifecycle_stage")", R"("field":"custom.shoe")"}},
      {"unknown owner", "POST", "/api/v1/contacts", R"({"email":"n@x.io","owner":"ghost@x.io"})", 422,
       {R"("field":"owner")"}},
      {"owner of another workspace", "POST", "/api/v1/contacts",
       R"({"email":"n@x.io","owner":"eve@other.example"})", 422, {R"("field":"owner")"}},
      {"company id of another workspace", "POST", "/api/v1/contacts",
       R"({"email":"n@x.io","company":{"id":")" + their_company_ + R"("}})", 422, {R"("field":"company")"}},
      {"unknown field", "POST", "/api/v1/contacts", R"({"email":"n@x.io","colour":"red"})", 422,
       {R"("field":"colour")"}},
      {"malformed JSON", "POST", "/api/v1/contacts", R"({"email":"n@x.io",)", 400,
       {R"("field":"body")", "malformed"}},
      {"JSON nested 10,000 deep", "POST", "/api/v1/contacts", deep, 400, {R"("field":"body")"}},
      {"array body", "POST", "/api/v1/contacts", R"([{"email":"n@x.io"}])", 400, {R"("field":"body")"}},
      {"empty body", "POST", "/api/v1/contacts", "", 400, {R"("field":"body")"}},
      {"no token", "POST", "/api/v1/contacts", R"({"email":"n@x.io"})", 401, {}, ""},
      {"bad token", "POST", "/api/v1/contacts", R"({"email":"n@x.io"})", 401, {}, "rly_not_a_token"},
      {"patch: score 101", "PATCH", c, R"({"lead_score":101,"title":"CTO"})", 422, {R"("field":"lead_score")"}},
      {"patch: clear email", "PATCH", c, R"({"email":null})", 422, {R"("field":"email")"}},
      {"patch: wrong custom type", "PATCH", c, R"({"custom":{"employees":true}})", 422,
       {R"("field":"custom.employees")"}},
      {"patch: malformed JSON", "PATCH", c, "{", 400, {R"("field":"body")"}},
      {"patch: email held by another contact", "PATCH", c, R"({"additional_emails":["OTHER@x.io"]})", 409,
       {R"("field":"additional_emails")", R"("existing_id":")" + other + "\""}},
      {"patch: primary email held by another contact", "PATCH", c, R"({"email":"other@x.io"})", 409,
       {R"("field":"email")", "duplicate"}},
  });
}

TEST_F(ContactsApiTest, AnotherWorkspacesIdsAreNotFound) {
  const std::string t = "/api/v1/contacts/" + their_contact_;
  RunRefusals({
      {"get", "GET", t, "", 404, {R"("code":"not_found")"}},
      {"patch", "PATCH", t, R"({"title":"x"})", 404, {"not_found"}},
      {"delete", "DELETE", t, "", 404, {"not_found"}},
      {"restore", "POST", t + "/restore", "", 404, {"not_found"}},
      {"timeline", "GET", t + "/timeline", "", 404, {"not_found"}},
      {"activity", "POST", t + "/activities", R"({"type":"note","body":"x"})", 404, {"not_found"}},
      {"company", "GET", "/api/v1/companies/" + their_company_, "", 404, {"not_found"}},
      {"malformed id", "GET", "/api/v1/contacts/abc", "", 404, {"not_found"}},
      {"unknown id", "GET", "/api/v1/contacts/12345", "", 404, {"not_found"}},
  });
  // Their contact's email is free in this workspace, and their data never shows here.
  RunScenarios(app_, {
      {"list shows only mine", "GET", "/api/v1/contacts", "", 200, {contact_},
       TestApp::kAdminToken, [&](const Reply& r) {
         EXPECT_EQ(r.json.at("data").as_array().size(), 1u);
         EXPECT_EQ(r.body.find(their_contact_), std::string::npos);
       }},
      {"by-email finds mine", "GET", "/api/v1/contacts/by-email/ADA@example.com", "", 200, {contact_}},
      {"tags are mine only", "GET", "/api/v1/tags", "", 200, {"Inbound"},
       TestApp::kAdminToken, [&](const Reply& r) { EXPECT_EQ(r.body.find("theirs"), std::string::npos); }},
      {"companies are mine only", "GET", "/api/v1/companies", "", 200, {"Acme"},
       TestApp::kAdminToken, [&](const Reply& r) { EXPECT_EQ(r.body.find("Their Co"), std::string::npos); }},
  });
}

TEST_F(ContactsApiTest, ContactLifecycleThroughTheApi) {
  const std::string c = "/api/v1/contacts/" + contact_;
  RunScenarios(app_, {
      {"create with every field", "POST", "/api/v1/contacts",
       R"({"email":"grace@navy.example","first_name":"Grace","last_name":"Hopper","phone":"+1 415 555 2671",
           "linkedin":"gracehopper","twitter":"@grace","city":"Arlington","lifecycle_stage":"Customer",
           "lead_score":"88","tags":"navy, COBOL","owner":"admin@example.com","company":{"name":"Navy","domain":"navy.example"},
           "custom":{"employees":"300"},"additional_emails":["grace@home.example"]})",
       201,
       {R"("band":"sales_ready")", R"("lifecycle_stage":"customer")", R"("phone_e164":"+14155552671")",
        R"("linkedin":"https://www.linkedin.com/in/gracehopper")", R"("tags":["COBOL","navy"])",
        R"("owner":{"id":")", R"("email":"admin@example.com")", R"("custom":{"employees":300})"}},
      {"get", "GET", c, "", 200, {R"("email":"Ada@Example.com")", R"("band":"warm")", R"("company":{"id":")"}},
      {"by additional email", "GET", "/api/v1/contacts/by-email/GRACE@home.example", "", 200, {"Hopper"}},
      {"by unknown email", "GET", "/api/v1/contacts/by-email/nobody@x.io", "", 404, {}},
      {"by non-email", "GET", "/api/v1/contacts/by-email/nonsense", "", 404, {}},
      {"patch", "PATCH", c, R"({"title":"Countess","lead_score":90,"lifecycle_stage":"QUALIFIED","add_tags":["vip"]})",
       200, {R"("title":"Countess")", R"("band":"sales_ready")", R"("tags":["Inbound","vip"])"}},
      {"timeline has the diff and the actor", "GET", c + "/timeline", "", 200,
       {R"("type":"field_updated")", R"("field":"title")", R"("from":null,"to":"Countess")",
        R"("type":"lifecycle_changed")", R"("from":"lead","to":"qualified")", R"("type":"tag_added")",
        R"("type":"contact_created")", R"("actor":{"type":"api_token")", R"("name":"tests")"}},
      {"timeline filtered", "GET", c + "/timeline?type=tag_added&limit=1", "", 200, {R"("tag":"vip")"},
       TestApp::kAdminToken, [](const Reply& r) { EXPECT_EQ(r.json.at("data").as_array().size(), 1u); }},
      {"timeline bad type", "GET", c + "/timeline?type=gossip", "", 422, {R"("field":"type")"}},
      {"timeline bad limit", "GET", c + "/timeline?limit=0", "", 422, {R"("field":"limit")"}},
      {"add a note", "POST", c + "/activities", R"({"type":"note","body":"Prefers email"})", 201,
       {R"("type":"note")", R"("body":"Prefers email")", R"("name":"tests")"}},
      {"note moved last_activity_at", "GET", c, "", 200, {},
       TestApp::kAdminToken, [](const Reply& r) { EXPECT_TRUE(r.json.at("last_activity_at").is_string()) << r.body; }},
      {"note without body", "POST", c + "/activities", R"({"type":"note"})", 422, {R"("field":"body")"}},
      {"change entries cannot be posted", "POST", c + "/activities", R"({"type":"field_updated"})", 400,
       {R"("field":"type")", "unsupported"}},
      {"delete", "DELETE", c, "", 204, {}},
      {"deleted is gone", "GET", c, "", 404, {}},
      {"deleted email still reserved", "POST", "/api/v1/contacts", R"({"email":"ada@example.com"})", 409,
       {"deleted", R"("existing_id":")" + contact_ + "\""}},
      {"delete again", "DELETE", c, "", 404, {}},
      {"restore", "POST", c + "/restore", "", 200, {R"("email":"Ada@Example.com")"}},
      {"restore a live contact", "POST", c + "/restore", "", 409, {"failed_precondition"}},
  });
}

TEST_F(ContactsApiTest, ListSortsAndPages) {
  for (int score : {10, 70, 55}) {
    Reply r = app_.Call("POST", "/api/v1/contacts",
                        "{\"email\":\"s" + std::to_string(score) + "@x.io\",\"lead_score\":" +
                            std::to_string(score) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::vector<std::string> seen;
  std::string path = "/api/v1/contacts?sort=-lead_score&limit=2";
  for (int i = 0; i < 5 && !path.empty(); ++i) {
    Reply r = app_.Call("GET", path);
    ASSERT_EQ(r.status, 200) << r.body;
    for (const json::value& c : r.json.at("data").as_array()) seen.push_back(Str(c, "email"));
    const json::value& next = r.json.at("next_cursor");
    path = next.is_string() ? "/api/v1/contacts?sort=-lead_score&limit=2&cursor=" + std::string(next.get_string()) : "";
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"s70@x.io", "s55@x.io", "Ada@Example.com", "s10@x.io"}));
  RunRefusals({
      {"a filter that does not parse", "GET", "/api/v1/contacts?q=colour:red", "", 400,
       {R"("field":"q")", "filter_unknown_field"}},
      {"limit 0", "GET", "/api/v1/contacts?limit=0", "", 422, {R"("field":"limit")"}},
      {"limit 1001", "GET", "/api/v1/contacts?limit=1001", "", 422, {R"("field":"limit")"}},
      {"limit abc", "GET", "/api/v1/contacts?limit=abc", "", 422, {R"("field":"limit")"}},
      {"bad sort", "GET", "/api/v1/contacts?sort=password", "", 422, {R"("field":"sort")"}},
      {"bad cursor", "GET", "/api/v1/contacts?cursor=bogus", "", 422, {R"("field":"cursor")"}},
  });
}

TEST_F(ContactsApiTest, BatchCreatesOrUpdatesByEmail) {
  RunScenarios(app_, {
      {"one bad item sinks nothing", "POST", "/api/v1/contacts/batch",
       R"({"items":[{"email":"b1@x.io","tags":["batch"]},{"email":"ada@EXAMPLE.com","title":"Updated"},
                    {"email":"b2@x.io","lead_score":101},"not an object",{"email":"b1@x.io","last_name":"Merged"}]})",
       200,
       {R"("created":2)", R"("updated":1)", R"("errors":2)", R"("index":2,"status":"error")",
        R"("field":"lead_score")", R"("field":"items[3]")"},
       TestApp::kAdminToken, [&](const Reply& r) {
         const json::array& results = r.json.at("results").as_array();
         ASSERT_EQ(results.size(), 5u);
         EXPECT_EQ(Str(results[1], "id"), contact_);
         EXPECT_EQ(Str(results[0], "id"), Str(results[4], "id"));
       }},
      {"merged item applied", "GET", "/api/v1/contacts/by-email/b1@x.io", "", 200,
       {R"("last_name":"Merged")", R"("tags":["batch"])"}},
      {"updated item applied", "GET", "/api/v1/contacts/" + contact_, "", 200, {R"("title":"Updated")"}},
  });
  std::string many = R"({"items":[)";
  for (int i = 0; i <= 1000; ++i) many += std::string(i ? "," : "") + "{\"email\":\"m" + std::to_string(i) + "@x.io\"}";
  many += "]}";
  RunRefusals({
      {"1001 items", "POST", "/api/v1/contacts/batch", many, 413, {R"("field":"items")", "too_large"}},
      {"items missing", "POST", "/api/v1/contacts/batch", R"({"contacts":[]})", 422, {R"("field":"items")"}},
      {"items not an array", "POST", "/api/v1/contacts/batch", R"({"items":{}})", 422, {R"("field":"items")"}},
      {"malformed batch", "POST", "/api/v1/contacts/batch", R"({"items":[)", 400, {R"("field":"body")"}},
  });
}

TEST_F(ContactsApiTest, CompaniesAndTags) {
  Reply other = app_.Call("POST", "/api/v1/contacts", R"({"email":"b@x.io","company":"ACME","tags":"inbound, Lead"})");
  ASSERT_EQ(other.status, 201) << other.body;
  Reply tags = app_.Call("GET", "/api/v1/tags");
  ASSERT_EQ(tags.status, 200);
  std::string inbound, lead;
  for (const json::value& t : tags.json.at("data").as_array()) {
    if (Str(t, "name") == "Inbound") inbound = Str(t, "id");
    if (Str(t, "name") == "Lead") lead = Str(t, "id");
  }
  ASSERT_FALSE(inbound.empty());
  ASSERT_FALSE(lead.empty());
  RunScenarios(app_, {
      {"companies with counts", "GET", "/api/v1/companies", "", 200, {R"("name":"Acme")", R"("contact_count":2)"}},
      {"company", "GET", "/api/v1/companies/" + company_, "", 200, {R"("contact_count":2)", R"("domain":null)"}},
      {"company bad sort", "GET", "/api/v1/companies?sort=size", "", 422, {R"("field":"sort")"}},
      {"tag counts", "GET", "/api/v1/tags", "", 200, {R"("name":"Inbound","contact_count":2)"}},
      {"rename", "PATCH", "/api/v1/tags/" + lead, R"({"name":"  Hot   Lead "})", 200, {R"("name":"Hot Lead")"}},
      {"rename onto another tag", "PATCH", "/api/v1/tags/" + lead, R"({"name":"INBOUND"})", 409,
       {R"("existing_id":")" + inbound + "\""}},
      {"rename blank", "PATCH", "/api/v1/tags/" + lead, R"({"name":" "})", 422, {R"("field":"name")"}},
      {"rename unknown key", "PATCH", "/api/v1/tags/" + lead, R"({"label":"x"})", 422, {R"("field":"label")"}},
      {"merge into itself", "POST", "/api/v1/tags/" + lead + "/merge", "{\"into\":\"" + lead + "\"}", 422,
       {R"("field":"into")"}},
      {"merge bad target", "POST", "/api/v1/tags/" + lead + "/merge", R"({"into":"nope"})", 422, {R"("field":"into")"}},
      {"merge unknown target", "POST", "/api/v1/tags/" + lead + "/merge", R"({"into":"123"})", 404, {}},
      {"merge", "POST", "/api/v1/tags/" + lead + "/merge", "{\"into\":\"" + inbound + "\"}", 200,
       {R"("name":"Inbound")", R"("contact_count":2)"}},
      {"merged tag is gone", "PATCH", "/api/v1/tags/" + lead, R"({"name":"x"})", 404, {}},
      {"merge left a timeline entry", "GET", "/api/v1/contacts/" + Str(other.json, "id") + "/timeline", "", 200,
       {R"("type":"tag_removed")", R"("tag":"Hot Lead")"}},
      {"delete", "DELETE", "/api/v1/tags/" + inbound, "", 204, {}},
      {"contacts lost the tag", "GET", "/api/v1/contacts/" + contact_, "", 200, {R"("tags":[])"}},
      {"other workspace's tag", "DELETE", "/api/v1/tags/" + inbound, "", 404, {}, other_token_},
  });
}

}  // namespace
}  // namespace rally::api
