// Scenario tables for saved views and bulk actions (issue 4 items 4-5) against a real in-process
// server: who sees and changes which view (member, admin, owner), refusals that name the field
// and change nothing, a view naming a deleted custom field, inline bulk actions with undo, and
// the job path (a lowered inline limit) followed through /api/v1/jobs/{id}.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/api_checks.h"
#include "app/services.h"
#include "auth/auth_service.h"
#include "fields/custom_fields.h"
#include "fixtures/test_app.h"
#include "segments/bulk_action_service.h"

namespace rally::api {
namespace {

using rally::testing::DbSnapshot;
using rally::testing::ErrorProblems;
using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::Str;
using rally::testing::TestApp;

class ViewsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Services& s = app_.services();
    fields::CustomFieldInput in;
    in.key = "industry";
    in.type = "select";
    in.options = std::vector<std::string>{"Retail", "Software"};
    auto f = s.custom_fields->Create(app_.workspace_id(), in);
    ASSERT_TRUE(f.ok());
    industry_ = IdToString(f->id);
    for (auto [email, token] : {std::pair{"mia@example.com", &mia_}, std::pair{"max@example.com", &max_}}) {
      auto user = s.auth->CreateUser(app_.workspace_id(),
                                     auth::NewUser{email, "Member", auth::Role::kMember, "member password 1"});
      ASSERT_TRUE(user.ok()) << user.status().ToString();
      *token = s.auth->CreateToken(app_.workspace_id(), user->id, std::string(email) + " token")->token;
    }
    for (int i = 0; i < 5; ++i) {
      Reply r = app_.Call("POST", "/api/v1/contacts",
                          R"({"email":"c)" + std::to_string(i) + R"(@x.io","lead_score":)" + std::to_string(i * 20) +
                              R"(,"tags":["t"],"custom":{"industry":")" + (i < 3 ? "Retail" : "Software") + "\"}}");
      ASSERT_EQ(r.status, 201) << r.body;
      contacts_.push_back(Str(r.json, "id"));
    }
  }
  std::string MakeView(const std::string& body, const std::string& token = TestApp::kAdminToken) {
    Reply r = app_.Call("POST", "/api/v1/views", body, token);
    EXPECT_EQ(r.status, 201) << body << " -> " << r.body;
    return Str(r.json, "id");
  }
  std::string Emails(const Reply& r) {
    std::string out;
    if (!r.json.is_object() || !r.json.get_object().contains("data")) return "(" + r.body + ")";
    for (const json::value& c : r.json.at("data").as_array()) out += Str(c, "email") + " ";
    return out;
  }

  TestApp app_;
  std::string industry_, mia_, max_;
  std::vector<std::string> contacts_;
};

TEST_F(ViewsApiTest, WhoSeesAndChangesWhichView) {
  const std::string shared = MakeView(R"({"name":"Retail","q":"industry:Retail","visibility":"shared"})", mia_);
  const std::string mias = MakeView(R"({"name":"Mia's","q":"score:>50"})", mia_);
  const std::string admins = MakeView(R"({"name":"Admin's","q":"score:<50"})");
  RunScenarios(app_, {
      {"member lists shared and own", "GET", "/api/v1/views", "", 200, {"\"Retail\"", "\"Mia's\""}, mia_,
       [](const Reply& r) { EXPECT_EQ(r.body.find("Admin's"), std::string::npos) << r.body; }},
      {"another member sees the shared one only", "GET", "/api/v1/views", "", 200, {"\"Retail\""}, max_,
       [](const Reply& r) { EXPECT_EQ(r.body.find("Mia's"), std::string::npos) << r.body; }},
      {"a private view is 404 to another member", "GET", "/api/v1/views/" + mias, "", 404, {}, max_},
      {"a private view is 404 to an admin", "GET", "/api/v1/views/" + mias, "", 404},
      {"running another's private view is 404", "GET", "/api/v1/views/" + admins + "/contacts", "", 404, {}, mia_},
      {"member runs a shared view", "GET", "/api/v1/views/" + shared + "/contacts?sort=-score", "", 200,
       {"c2@x.io"}, max_, [&](const Reply& r) { EXPECT_EQ(Emails(r), "c2@x.io c1@x.io c0@x.io "); }},
      {"another member may not rename a shared view", "PATCH", "/api/v1/views/" + shared, R"({"name":"Mine now"})",
       403, {"permission_denied"}, max_},
      {"another member may not delete it", "DELETE", "/api/v1/views/" + shared, "", 403, {}, max_},
      {"an admin may change a member's shared view", "PATCH", "/api/v1/views/" + shared,
       R"({"sort":"-score","columns":["email","score","industry"]})", 200,
       {R"("sort":"-score")", R"("columns":["email","lead_score","custom.industry"])"}},
      {"the owner may change it", "PATCH", "/api/v1/views/" + shared, R"({"name":"Retail accounts"})", 200,
       {"Retail accounts"}, mia_},
      {"an admin may not touch a member's private view", "DELETE", "/api/v1/views/" + mias, "", 404},
      {"an admin deletes a member's shared view", "DELETE", "/api/v1/views/" + shared, "", 204},
      {"the owner deletes a private view", "DELETE", "/api/v1/views/" + mias, "", 204, {}, mia_},
      {"gone", "GET", "/api/v1/views", "", 200, {R"("data":[])"}, mia_},
  });
}

TEST_F(ViewsApiTest, BadViewsAndBulkRequestsNameTheFieldAndChangeNothing) {
  MakeView(R"({"name":"Taken","visibility":"shared"})");
  struct Bad { std::string name, method, path, body; int status; std::string code, field; };
  const Bad cases[] = {
      {"view without name", "POST", "/api/v1/views", R"({"q":"tag:t"})", 422, "invalid_argument", "name"},
      {"view bad text filter", "POST", "/api/v1/views", R"({"name":"x","q":"colour:red"})", 400, "invalid_argument", "q"},
      {"view bad JSON filter", "POST", "/api/v1/views",
       R"({"name":"x","filter":{"and":[{"field":"lead_score","op":"gt","value":"lots"}]}})", 400, "invalid_argument",
       "filter.and[0].value"},
      {"view bad sort", "POST", "/api/v1/views", R"({"name":"x","sort":"-colour"})", 422, "invalid_argument", "sort"},
      {"view bad column", "POST", "/api/v1/views", R"({"name":"x","columns":["email","colour"]})", 422,
       "invalid_argument", "columns[1]"},
      {"view name taken among shared views", "POST", "/api/v1/views", R"({"name":"TAKEN","visibility":"shared"})",
       409, "already_exists", "name"},
      {"view unknown member", "POST", "/api/v1/views", R"({"name":"x","colour":"red"})", 422, "invalid_argument", "colour"},
      {"bulk without selection", "POST", "/api/v1/contacts/bulk", R"({"action":{"type":"delete"}})", 422,
       "invalid_argument", "q"},
      {"bulk bad filter", "POST", "/api/v1/contacts/bulk", R"({"q":"stage:won","action":{"type":"delete"}})", 400,
       "invalid_argument", "q"},
      {"bulk bad stage", "POST", "/api/v1/contacts/bulk", R"({"q":"tag:t","action":{"type":"set_stage","stage":"won"}})",
       422, "invalid_argument", "action.set.lifecycle_stage"},
      {"bulk unknown custom field", "POST", "/api/v1/contacts/bulk",
       R"({"q":"tag:t","action":{"type":"update","set":{"custom.colour":"red"}}})", 422, "invalid_argument",
       "action.set.custom.colour"},
      {"bulk sets an email", "POST", "/api/v1/contacts/bulk",
       R"({"q":"tag:t","action":{"type":"update","set":{"email":"x@y.io"}}})", 422, "invalid_argument",
       "action.set.email"},
      {"bulk owner nobody", "POST", "/api/v1/contacts/bulk",
       R"({"ids":[")" + contacts_[0] + R"("],"action":{"type":"set_owner","owner":"nobody@x.io"}})", 422,
       "invalid_argument", "action.set.owner"},
      {"bulk unknown action", "POST", "/api/v1/contacts/bulk", R"({"q":"","action":{"type":"merge"}})", 422,
       "invalid_argument", "action.type"},
  };
  const std::string before = DbSnapshot(app_);
  for (const Bad& c : cases) {
    Reply r = app_.Call(c.method, c.path, c.body);
    for (const std::string& p : ErrorProblems(r, c.status, c.code, {c.field})) ADD_FAILURE() << c.name << ": " << p << ": " << r.body;
  }
  EXPECT_EQ(DbSnapshot(app_), before);
}

TEST_F(ViewsApiTest, AViewNamingADeletedCustomFieldAnswers409WhenRun) {
  const std::string view = MakeView(R"({"name":"Software","q":"industry:Software score:>0"})");
  RunScenarios(app_, {
      {"runs", "GET", "/api/v1/views/" + view + "/contacts", "", 200, {"c3@x.io", "c4@x.io"}},
      {"delete the field", "DELETE", "/api/v1/custom-fields/" + industry_, "", 204},
      {"still listed, its text gone", "GET", "/api/v1/views/" + view, "", 200, {R"("q":null)", "custom.industry"}},
      {"running names the filter and the field", "GET", "/api/v1/views/" + view + "/contacts", "", 409,
       {"failed_precondition", R"("field":"filter")", "industry"}},
      {"a bulk action on it too", "POST", "/api/v1/contacts/bulk",
       R"({"view":")" + view + R"(","action":{"type":"delete"}})", 409, {"industry"}},
      {"editing the filter mends it", "PATCH", "/api/v1/views/" + view, R"({"q":"score:>70"})", 200,
       {R"("q":"lead_score:>70")"}},
      {"runs again", "GET", "/api/v1/views/" + view + "/contacts", "", 200, {"c4@x.io"}},
  });
}

TEST_F(ViewsApiTest, InlineBulkActionsWithUndo) {
  std::string deleted_ids;
  RunScenarios(app_, {
      {"tag and stage a segment", "POST", "/api/v1/contacts/bulk",
       R"({"q":"industry:Retail","action":{"type":"update","set":{"stage":"customer"},"add_tags":["retail"]}})", 200,
       {R"("state":"succeeded")", R"("counts":{"total":3,"changed":3,"unchanged":0,"skipped":0})"}, mia_},
      {"the timeline says who", "GET", "/api/v1/contacts/" + contacts_[0] + "/timeline", "", 200,
       {"\"tag_added\"", "\"retail\"", "lifecycle_changed", R"("name":"mia@example.com token")"}},
      {"it is a live segment", "GET", "/api/v1/contacts/count?q=tag:retail%20stage:customer", "", 200, {R"({"count":3})"}},
      {"delete it", "POST", "/api/v1/contacts/bulk", R"({"q":"tag:retail","action":{"type":"delete"}})", 200,
       {R"("changed":3)"}, TestApp::kAdminToken, [&](const Reply& r) { deleted_ids = json::serialize(r.json.at("ids")); }},
      {"gone from lists", "GET", "/api/v1/contacts/count?q=tag:t", "", 200, {R"({"count":2})"}},
  });
  RunScenarios(app_, {
      {"undo by ids", "POST", "/api/v1/contacts/bulk", R"({"ids":)" + deleted_ids + R"(,"action":{"type":"restore"}})",
       200, {R"("counts":{"total":3,"changed":3,"unchanged":0,"skipped":0})"}},
      {"back", "GET", "/api/v1/contacts/count?q=tag:t", "", 200, {R"({"count":5})"}},
  });
}

TEST_F(ViewsApiTest, LargeSelectionsRunAsAJobWithProgress) {
  app_.services().bulk->set_inline_limit(2);
  Reply r = app_.Call("POST", "/api/v1/contacts/bulk", R"({"q":"tag:t","action":{"type":"add_tags","tags":["big"]}})", mia_);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Str(r.json, "state"), "queued");
  const std::string job = Str(r.json, "job");
  ASSERT_EQ(job, "/api/v1/jobs/" + Str(r.json, "job_id"));
  Reply j;
  for (int i = 0; i < 1000; ++i) {
    j = app_.Call("GET", job, "", mia_);
    if (Str(j.json, "state") == "succeeded" || Str(j.json, "state") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(Str(j.json, "state"), "succeeded") << j.body;
  EXPECT_EQ(json::serialize(j.json.at("result")), R"({"total":5,"changed":5,"unchanged":0,"skipped":0})");
  EXPECT_EQ(json::serialize(j.json.at("progress").at("done")), "5");
  EXPECT_EQ(json::serialize(j.json.at("progress").at("total")), "5");
  EXPECT_EQ(Str(j.json, "kind"), "contacts.bulk");
  RunScenarios(app_, {
      {"every contact tagged", "GET", "/api/v1/contacts/count?q=tag:big", "", 200, {R"({"count":5})"}},
      {"ids past the limit are a job too", "POST", "/api/v1/contacts/bulk",
       R"({"ids":[")" + contacts_[0] + R"(",")" + contacts_[1] + R"(",")" + contacts_[2] + R"("],"action":{"type":"delete"}})",
       202, {R"("state":"queued")"}},
  });
}

}  // namespace
}  // namespace rally::api
