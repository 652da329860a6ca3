// Unique custom fields through the API against a real server (both backends in the pg: runs):
// marking a field unique, the 409 a duplicate value gets, POST /contacts/batch and imports
// matching on the field ("match_on"), and the 422 a bad match_on gets.
#include <gtest/gtest.h>

#include <thread>

#include "fixtures/test_app.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::TestApp;

std::string S(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

class UniqueFieldsApiTest : public ::testing::Test {
 protected:
  TestApp app_;
};

TEST_F(UniqueFieldsApiTest, UniqueFieldsRefuseDuplicatesAndBatchesMatchOnThem) {
  std::string notes_id;
  RunScenarios(app_, {
      {"a unique text field", "POST", "/api/v1/custom-fields",
       R"({"key":"customer_id","type":"text","unique":true})", 201, {R"("unique":true)"}},
      {"a plain text field", "POST", "/api/v1/custom-fields", R"({"key":"notes","type":"text"})",
       201, {R"("unique":false)"}, TestApp::kAdminToken,
       [&](const Reply& r) { notes_id = S(r.json.at("id")); }},
      {"booleans cannot be unique", "POST", "/api/v1/custom-fields",
       R"({"key":"vip","type":"boolean","unique":true})", 422, {R"("field":"unique")"}},
      {"unique must be a boolean", "POST", "/api/v1/custom-fields",
       R"({"key":"vip","type":"boolean","unique":"yes"})", 422, {R"("field":"unique")"}},
      {"first holder", "POST", "/api/v1/contacts",
       R"({"email":"a@x.io","custom":{"customer_id":"C-1","notes":"same"}})", 201, {}},
      {"the same value in another case is a duplicate", "POST", "/api/v1/contacts",
       R"({"email":"b@x.io","custom":{"customer_id":" c-1","notes":"Same"}})", 409,
       {R"("field":"custom.customer_id")", R"("code":"duplicate")", "c-1"}},
      {"another value is fine", "POST", "/api/v1/contacts",
       R"({"email":"b@x.io","custom":{"customer_id":"C-2","notes":"Same"}})", 201, {}},
  });
  RunScenarios(app_, {
      {"a field whose values repeat cannot become unique", "PATCH",
       "/api/v1/custom-fields/" + notes_id, R"({"unique":true})", 409,
       {R"("field":"unique")", R"("code":"duplicate_values")", "notes", "Same"}},
      {"batch matched on the field changes the email", "POST", "/api/v1/contacts/batch",
       R"({"match_on":"custom.customer_id","items":[{"email":"ada@new.io","custom":{"customer_id":"C-1"},"title":"CTO"},
                                                     {"title":"no id"}]})",
       200, {R"("updated":1)", R"("errors":1)", R"("field":"custom.customer_id","code":"required")"}},
      {"the matched contact has the new email", "GET", "/api/v1/contacts/by-email/ada@new.io", "",
       200, {R"("title":"CTO")", R"("customer_id":"C-1")"}},
      {"the old email is gone", "GET", "/api/v1/contacts/by-email/a@x.io", "", 404, {}},
      {"match_on a field that is not unique", "POST", "/api/v1/contacts/batch",
       R"({"match_on":"custom.notes","items":[{"email":"z@x.io"}]})", 422,
       {R"("field":"match_on")"}},
      {"match_on not a string", "POST", "/api/v1/contacts/batch",
       R"({"match_on":5,"items":[{"email":"z@x.io"}]})", 422, {R"("field":"match_on")"}},
      {"nothing was created by the refusals", "GET", "/api/v1/contacts/by-email/z@x.io", "", 404, {}},
  });
}

TEST_F(UniqueFieldsApiTest, ImportsMatchOnAUniqueField) {
  ASSERT_EQ(app_.Call("POST", "/api/v1/custom-fields",
                      R"({"key":"customer_id","type":"text","unique":true})")
                .status,
            201);
  ASSERT_EQ(app_.Call("POST", "/api/v1/custom-fields", R"({"key":"notes","type":"text"})").status, 201);
  Reply a = app_.Call("POST", "/api/v1/contacts", R"({"email":"a@x.io","custom":{"customer_id":"C-1"}})");
  ASSERT_EQ(a.status, 201) << a.body;
  Reply up = app_.Call("POST", "/api/v1/imports?file_name=crm.csv",
                       "Customer ID,Email,Notes\r\nC-1,ada@new.io,moved\r\nC-2,bo@x.io,new\r\n",
                       TestApp::kAdminToken, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string imp = "/api/v1/imports/" + S(up.json.at("id"));
  RunScenarios(app_, {
      {"not a unique field", "POST", imp + "/dry-run",
       R"({"match_on":"custom.notes","mapping":{"Notes":"custom.notes"}})", 422,
       {R"("field":"match_on")", "not_unique"}},
      {"not a field spelling", "POST", imp + "/dry-run", R"({"match_on":"customer_id"})", 422,
       {R"("field":"match_on")"}},
      {"not mapped", "POST", imp + "/dry-run",
       R"({"match_on":"custom.customer_id","mapping":{"Customer ID":null}})", 422,
       {R"("field":"match_on")", "not_mapped"}},
      {"dry run matched on the customer id", "POST", imp + "/dry-run",
       R"({"match_on":"custom.customer_id","mapping":{"Customer ID":"custom.customer_id"}})", 200,
       {R"("created":1)", R"("updated":1)"}},
      {"start keeps the dry run's options", "POST", imp + "/start", "", 202, {}},
  });
  Reply done;
  for (int i = 0; i < 2000; ++i) {
    done = app_.Call("GET", imp);
    std::string state = S(done.json.at("state"));
    if (state != "queued" && state != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(S(done.json.at("state")), "succeeded") << done.body;
  EXPECT_EQ(S(done.json.at("options").at("match_on")), "custom.customer_id");
  Reply moved = app_.Call("GET", "/api/v1/contacts/" + S(a.json.at("id")));
  ASSERT_EQ(moved.status, 200);
  EXPECT_EQ(S(moved.json.at("email")), "ada@new.io");
  EXPECT_EQ(app_.Call("GET", "/api/v1/contacts/by-email/bo@x.io").status, 200);
}

}  // namespace
}  // namespace rally::api
