// Scenario tables for GET /api/v1/exports (issue 7) against a real in-process server: the
// streamed CSV (chunked) with its headers, filters, sort, columns, delimiter, BOM and formula
// protection, a saved view's filter and columns, the .xlsx download read back by the project's
// reader, and every refusal a 4xx naming the parameter before any byte of a file.
#include <gtest/gtest.h>

#include <thread>

#include "api/api_checks.h"
#include "app/services.h"
#include "fields/custom_fields.h"
#include "base/clock.h"
#include "fixtures/test_app.h"
#include "importexport/export_jobs.h"
#include "importexport/row_reader.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::Str;
using rally::testing::TestApp;

class ExportsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fields::CustomFieldInput in;
    in.key = "industry";
    in.type = "select";
    in.options = std::vector<std::string>{"Software", "Retail"};
    ASSERT_TRUE(app_.services().custom_fields->Create(app_.workspace_id(), in).ok());
    for (const char* body : {
             R"({"email":"ada@example.com","first_name":"Ada","lead_score":72,"tags":["inbound","vip"],"custom":{"industry":"Software"},"owner":"admin@example.com"})",
             R"({"email":"john@example.com","first_name":"John, Jr.","company":"Acme","lead_score":80,"title":"=1+2","custom":{"industry":"Retail"}})",
             R"({"email":"zoe@example.com","first_name":"Zoë 🎉","last_name":"two\nlines","lead_score":10})"}) {
      Reply r = app_.Call("POST", "/api/v1/contacts", body);
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  TestApp app_;
};

std::function<void(const Reply&)> Body(std::string want) {
  return [want](const Reply& r) { EXPECT_EQ(r.body, want); };
}

std::function<void(const Reply&)> Names(std::string field) {
  return [field](const Reply& r) {
    ASSERT_TRUE(r.json.is_object()) << r.body;
    const auto& details = r.json.at("error").at("details").as_array();
    ASSERT_FALSE(details.empty()) << r.body;
    EXPECT_EQ(Str(details[0], "field"), field) << r.body;
  };
}

TEST_F(ExportsApiTest, StreamsCsv) {
  RunScenarios(app_, {
      {"chunked CSV with a download name", "GET", "/api/v1/exports?columns=email,first_name,lead_score&sort=email", "", 200, {},
       TestApp::kAdminToken, [](const Reply& r) {
         EXPECT_EQ(r.Header("Content-Type"), "text/csv; charset=utf-8");
         EXPECT_EQ(r.Header("Transfer-Encoding"), "chunked");
         EXPECT_EQ(r.Header("Content-Disposition").rfind("attachment; filename=\"contacts-", 0), 0u)
             << r.Header("Content-Disposition");
         EXPECT_EQ(r.body,
                   "email,first_name,lead_score\r\nada@example.com,Ada,72\r\njohn@example.com,\"John, Jr.\",80\r\n"
                   "zoe@example.com,Zoë 🎉,10\r\n");
       }},
      {"filter text, descending sort, relations and custom fields", "GET",
       "/api/v1/exports?q=score:%3E50&sort=-score&columns=email,company,tags,owner,custom.industry", "", 200, {},
       TestApp::kAdminToken,
       Body("email,company,tags,owner,custom.industry\r\njohn@example.com,Acme,,,Retail\r\n"
            "ada@example.com,,\"inbound, vip\",admin@example.com,Software\r\n")},
      {"formula protection on by default", "GET", "/api/v1/exports?q=first_name:john*&columns=email,title", "", 200, {},
       TestApp::kAdminToken, Body("email,title\r\njohn@example.com,'=1+2\r\n")},
      {"opt-out, semicolon, BOM", "GET",
       "/api/v1/exports?q=first_name:john*&columns=email,title,first_name&protect=false&delimiter=semicolon&bom=true",
       "", 200, {}, TestApp::kAdminToken, Body("\xEF\xBB\xBF" "email;title;first_name\r\njohn@example.com;=1+2;John, Jr.\r\n")},
      {"embedded newline quoted", "GET", "/api/v1/exports?q=email:zoe@example.com&columns=email,last_name", "", 200, {},
       TestApp::kAdminToken, Body("email,last_name\r\nzoe@example.com,\"two\nlines\"\r\n")},
      {"JSON filter", "GET",
       "/api/v1/exports?columns=email&filter=%7B%22field%22%3A%22tags%22%2C%22op%22%3A%22has_any%22%2C%22value%22%3A%5B%22vip%22%5D%7D",
       "", 200, {}, TestApp::kAdminToken, Body("email\r\nada@example.com\r\n")},
      {"nothing matches: the header alone", "GET", "/api/v1/exports?q=tag:none&columns=email", "", 200, {},
       TestApp::kAdminToken, Body("email\r\n")},
      {"default columns", "GET", "/api/v1/exports?q=tag:vip", "", 200,
       {"email,first_name,last_name,company,title,phone,city,country,lifecycle_stage,lead_score,tags,owner,created_at\r\n"
        "ada@example.com,Ada,"}},
  });
}

TEST_F(ExportsApiTest, ExportsASavedViewWithItsColumns) {
  Reply v = app_.Call("POST", "/api/v1/views",
                      R"({"name":"Software","q":"industry:Software","columns":["email","industry"],"sort":"email"})");
  ASSERT_EQ(v.status, 201) << v.body;
  std::string id = Str(v.json, "id");
  RunScenarios(app_, {
      {"the view's filter and columns", "GET", "/api/v1/exports?view=" + id, "", 200, {}, TestApp::kAdminToken,
       Body("email,custom.industry\r\nada@example.com,Software\r\n")},
      {"q narrows the view, columns override it", "GET", "/api/v1/exports?view=" + id + "&q=score:%3C10&columns=email",
       "", 200, {}, TestApp::kAdminToken, Body("email\r\n")},
      {"unknown view", "GET", "/api/v1/exports?view=1", "", 404, {"not_found"}},
      {"view and filter together", "GET", "/api/v1/exports?view=" + id + "&filter=%7B%7D", "", 422, {}, TestApp::kAdminToken,
       Names("filter")},
  });
}

TEST_F(ExportsApiTest, StreamsXlsx) {
  Reply r = app_.Call("GET", "/api/v1/exports?format=xlsx&columns=email,lead_score,custom.industry&sort=email");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(r.Header("Content-Disposition").find(".xlsx\""), std::string::npos);
  auto reader = importexport::OpenXlsxReaderFromMemory(r.body, {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Detected().header, (std::vector<std::string>{"email", "lead_score", "custom.industry"}));
  importexport::Row row;
  std::vector<std::vector<std::string>> rows;
  while (*(*reader)->Next(row)) rows.push_back(row.cells);
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"ada@example.com", "72", "Software"},
                                                         {"john@example.com", "80", "Retail"},
                                                         {"zoe@example.com", "10", ""}}));
}

TEST_F(ExportsApiTest, RefusesBadParametersBeforeTheFile) {
  RunScenarios(app_, {
      {"no token", "GET", "/api/v1/exports", "", 401, {}, ""},
      {"filter that does not parse", "GET", "/api/v1/exports?q=score:%3E%3E", "", 400, {}, TestApp::kAdminToken, Names("q")},
      {"unknown filter field", "GET", "/api/v1/exports?q=shoe:9", "", 400, {}, TestApp::kAdminToken, Names("q")},
      {"unknown column", "GET", "/api/v1/exports?columns=email,shoe_size", "", 422, {"shoe_size"}, TestApp::kAdminToken,
       Names("columns")},
      {"bad sort", "GET", "/api/v1/exports?sort=tags", "", 422, {}, TestApp::kAdminToken, Names("sort")},
      {"bad format", "GET", "/api/v1/exports?format=pdf", "", 422, {}, TestApp::kAdminToken, Names("format")},
      {"bad delimiter", "GET", "/api/v1/exports?delimiter=x", "", 422, {}, TestApp::kAdminToken, Names("delimiter")},
      {"bad bom", "GET", "/api/v1/exports?bom=maybe", "", 422, {}, TestApp::kAdminToken, Names("bom")},
      {"malformed JSON filter", "GET", "/api/v1/exports?filter=%7B", "", 422, {}, TestApp::kAdminToken, Names("filter")},
      {"bad view id", "GET", "/api/v1/exports?view=abc", "", 422, {}, TestApp::kAdminToken, Names("view")},
  });
}

// Polls an export job until it has finished; returns its last state.
json::value WaitForExport(TestApp& app, const std::string& id) {
  Reply r;
  for (int i = 0; i < 300; ++i) {
    r = app.Call("GET", "/api/v1/exports/" + id);
    std::string state = Str(r.json, "state");
    if (state == "succeeded" || state == "failed" || state == "canceled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r.json;
}

TEST_F(ExportsApiTest, ExportJobsBuildTheFileKeepItAndPurgeIt) {
  Reply started = app_.Call("POST", "/api/v1/exports",
                            R"({"q":"score:>50","columns":["email","first_name","lead_score"],"sort":"email","delimiter":";"})");
  ASSERT_EQ(started.status, 202) << started.body;
  std::string id = Str(started.json, "id");
  EXPECT_EQ(started.Header("Location"), "/api/v1/exports/" + id);
  EXPECT_EQ(Str(started.json, "format"), "csv");
  json::value done = WaitForExport(app_, id);
  ASSERT_EQ(Str(done, "state"), "succeeded") << json::serialize(done);
  EXPECT_EQ(done.at("rows").as_int64(), 2);
  EXPECT_EQ(Str(done, "file_url"), "/api/v1/exports/" + id + "/file");
  EXPECT_FALSE(done.at("expires_at").is_null());

  Reply file = app_.Call("GET", "/api/v1/exports/" + id + "/file");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(file.Header("Content-Disposition").find(Str(done, "file_name")), std::string::npos);
  Reply streamed = app_.Call("GET", "/api/v1/exports?q=score:%3E50&columns=email,first_name,lead_score&sort=email&delimiter=;");
  EXPECT_EQ(file.body, streamed.body) << "a job's file and a streamed download agree";
  EXPECT_EQ(file.body, "email;first_name;lead_score\r\nada@example.com;Ada;72\r\njohn@example.com;John, Jr.;80\r\n");
  EXPECT_EQ(done.at("file_size").as_int64(), static_cast<int64_t>(file.body.size()));

  // An .xlsx job, read back.
  Reply x = app_.Call("POST", "/api/v1/exports", R"({"format":"xlsx","columns":"email,lead_score","sort":"email"})");
  ASSERT_EQ(x.status, 202) << x.body;
  ASSERT_EQ(Str(WaitForExport(app_, Str(x.json, "id")), "state"), "succeeded");
  Reply xfile = app_.Call("GET", "/api/v1/exports/" + Str(x.json, "id") + "/file");
  ASSERT_EQ(xfile.status, 200);
  auto reader = importexport::OpenXlsxReaderFromMemory(xfile.body, {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  importexport::Row row;
  int rows = 0;
  while (*(*reader)->Next(row)) ++rows;
  EXPECT_EQ(rows, 3);

  RunScenarios(app_, {
      {"unknown export", "GET", "/api/v1/exports/1", "", 404, {"not_found"}},
      {"unknown export file", "GET", "/api/v1/exports/1/file", "", 404, {"not_found"}},
      {"job with a bad column", "POST", "/api/v1/exports", R"({"columns":["shoe"]})", 422, {}, TestApp::kAdminToken, Names("columns")},
      {"job with a bad filter", "POST", "/api/v1/exports", R"({"q":"shoe:1"})", 400, {}, TestApp::kAdminToken, Names("q")},
      {"job with an unknown member", "POST", "/api/v1/exports", R"({"colour":"red"})", 422, {}, TestApp::kAdminToken, Names("colour")},
      {"job body malformed", "POST", "/api/v1/exports", "{", 400},
  });

  // 24 hours after it finished, the file is gone.
  auto purged = app_.services().export_jobs->PurgeExpired(Now() + 25 * 3600 * kMicrosPerSecond);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(app_.Call("GET", "/api/v1/exports/" + id).status, 404);
  EXPECT_EQ(app_.Call("GET", "/api/v1/exports/" + id + "/file").status, 404);
}

}  // namespace
}  // namespace rally::api
