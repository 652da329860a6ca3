// /api/v1/imports against a real server (both backends in the pg: runs): the wizard's flow
// (upload, preview, dry run, start, live state, error file, revert), an upload past the JSON
// body limit, and refusals naming what is wrong.
#include <gtest/gtest.h>

#include <thread>

#include "api/api_checks.h"
#include "fixtures/http_client.h"
#include "fixtures/test_app.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::TestApp;

std::string S(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

const std::vector<std::pair<std::string, std::string>> kCsv = {{"Content-Type", "text/csv"}};

class ImportsApiTest : public ::testing::Test {
 protected:
  Reply Upload(const std::string& body, const std::string& query = "?file_name=c.csv",
               const std::vector<std::pair<std::string, std::string>>& headers = kCsv) {
    return app_.Call("POST", "/api/v1/imports" + query, body, TestApp::kAdminToken, headers);
  }
  Reply WaitFinished(const std::string& path) {
    Reply r;
    for (int i = 0; i < 2000; ++i) {
      r = app_.Call("GET", path);
      std::string state = S(r.json.at("state"));
      if (state != "queued" && state != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return r;
  }
  TestApp app_;
};

TEST_F(ImportsApiTest, UploadPreviewDryRunStartErrorsRevert) {
  ASSERT_EQ(app_.Call("POST", "/api/v1/contacts", R"({"email":"old@x.io","title":"Engineer"})").status, 201);
  const std::string csv =
      "Notes: exported from LinkedIn\r\n\r\n"
      "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
      "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@x.io,Analytical,Analyst,01 Jan 2026\r\n"
      "Olga,,,old@x.io,,CTO,\r\n"
      "No,Email,,,,,\r\n";
  Reply up = Upload(csv);
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string imp = "/api/v1/imports/" + S(up.json.at("id"));
  EXPECT_EQ(S(up.json.at("state")), "uploaded");
  EXPECT_EQ(up.json.at("detected").at("header_row").as_int64(), 3) << "the Notes: preamble is skipped";

  Reply pre = app_.Call("POST", imp + "/preview");
  ASSERT_EQ(pre.status, 200) << pre.body;
  std::string fields;
  for (const auto& m : pre.json.at("suggested_mapping").as_array())
    fields += (m.at("field").is_null() ? std::string("-") : S(m.at("field"))) + ",";
  EXPECT_EQ(fields, "first_name,last_name,linkedin,email,company,title,-,");
  EXPECT_EQ(pre.json.at("rows").as_array().size(), 3u);

  Reply dry = app_.Call("POST", imp + "/dry-run", R"({"tags":["linkedin"]})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::serialize(dry.json.at("counts")),
            R"({"rows_read":3,"created":1,"updated":1,"skipped":0,"merged":0,"rejected":1})");
  EXPECT_EQ(app_.Call("GET", "/api/v1/contacts/by-email/ada@x.io").status, 404) << "a dry run writes nothing";

  Reply started = app_.Call("POST", imp + "/start");
  ASSERT_EQ(started.status, 202) << started.body;
  Reply done = WaitFinished(imp);
  ASSERT_EQ(S(done.json.at("state")), "succeeded") << done.body;
  EXPECT_EQ(json::serialize(done.json.at("counts")),
            R"({"rows_read":3,"created":1,"updated":1,"skipped":0,"merged":0,"rejected":1})");
  Reply ada = app_.Call("GET", "/api/v1/contacts/by-email/ada@x.io");
  ASSERT_EQ(ada.status, 200);
  EXPECT_EQ(json::serialize(ada.json.at("tags")), R"(["linkedin"])") << "the dry run's options were kept";
  EXPECT_EQ(S(ada.json.at("lead_source")), "import");
  Reply timeline = app_.Call("GET", "/api/v1/contacts/" + S(ada.json.at("id")) + "/timeline");
  ASSERT_EQ(timeline.status, 200);
  EXPECT_NE(timeline.body.find(R"("type":"import")"), std::string::npos) << timeline.body;
  EXPECT_NE(timeline.body.find(S(up.json.at("id"))), std::string::npos) << "by import #N";

  Reply errors = app_.Call("GET", imp + "/errors.csv");
  ASSERT_EQ(errors.status, 200);
  EXPECT_EQ(errors.body,
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On,error\r\n"
            "No,Email,,,,,,\"row 6, column Email Address: email is required\"\r\n");

  Reply list = app_.Call("GET", "/api/v1/imports?limit=10");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.at("data").as_array().size(), 1u);

  Reply revert = app_.Call("POST", imp + "/revert");
  ASSERT_EQ(revert.status, 200) << revert.body;
  EXPECT_EQ(revert.json.at("deleted").as_int64(), 1);
  EXPECT_EQ(revert.json.at("restored").as_int64(), 1);
  EXPECT_EQ(app_.Call("GET", "/api/v1/contacts/by-email/ada@x.io").status, 404);
  EXPECT_EQ(S(app_.Call("GET", "/api/v1/contacts/by-email/old@x.io").json.at("title")), "Engineer");
}

TEST_F(ImportsApiTest, UploadsLargerThanTheJsonBodyLimitStreamToDisk) {
  // Just over the server's 10 MiB body limit for JSON routes.
  std::string csv = "email,first_name\n";
  while (csv.size() < (10u << 20) + 4096) csv += "someone" + std::to_string(csv.size()) + "@example.com,Someone\n";
  // A client of its own with a long timeout: storing 10 MiB takes seconds under ASan.
  rally::testing::HttpClient client("127.0.0.1", app_.port());
  client.set_timeout(std::chrono::seconds(120));
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "text/csv"}, {"Authorization", "Bearer " + app_.admin_token()}};
  auto up = client.Request("POST", "/api/v1/imports?file_name=big.csv", csv, headers);
  ASSERT_EQ(up.status, 201) << up.body.substr(0, 300);
  auto up_json = ParseJson(up.body);
  ASSERT_TRUE(up_json.ok());
  EXPECT_EQ(up_json->at("file").at("size").as_int64(), static_cast<int64_t>(csv.size()));
  headers[0].second = "application/json";
  auto pre = client.Request("POST", "/api/v1/imports/" + S(up_json->at("id")) + "/preview", "", headers);
  ASSERT_EQ(pre.status, 200) << pre.body;
  auto pre_json = ParseJson(pre.body);
  ASSERT_TRUE(pre_json.ok());
  EXPECT_EQ(S(pre_json->at("rows").as_array()[0].at("cells").as_array()[0]), "someone17@example.com");
  // The JSON routes keep their limit.
  EXPECT_EQ(client.Request("POST", "/api/v1/contacts", csv, headers).status, 413);
}

TEST_F(ImportsApiTest, RefusalsNameWhatIsWrong) {
  struct Case {
    std::string name;
    std::string body;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
    int want_status;
    std::string want_field;
  };
  const std::string ole2 = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") + std::string(600, '\0');
  std::vector<Case> cases = {
      {"legacy .xls", ole2, "", kCsv, 400, "file"},
      {"empty body", "", "", kCsv, 400, "body"},
      {"options not JSON", "email\na@x.io\n", "?options=nope", kCsv, 422, "options"},
      {"unknown option", "email\na@x.io\n", "?options=%7B%22colour%22%3A1%7D", kCsv, 422, "colour"},
      {"multipart without a file", "--B\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n{}\r\n--B--\r\n", "",
       {{"Content-Type", "multipart/form-data; boundary=B"}}, 422, "file"},
      {"multipart cut short", "--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nemail\n", "",
       {{"Content-Type", "multipart/form-data; boundary=B"}}, 422, "body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Reply r = Upload(c.body, c.query, c.headers);
    EXPECT_EQ(r.status, c.want_status) << r.body;
    ASSERT_TRUE(r.json.is_object()) << r.body;
    const json::value* details = r.json.at("error").as_object().if_contains("details");
    ASSERT_TRUE(details && !details->as_array().empty()) << r.body;
    EXPECT_EQ(S(details->as_array()[0].at("field")), c.want_field) << r.body;
  }
  // An import's mapping must name a column for email before it starts.
  Reply up = Upload("who,mail\nAda,ada@x.io\n");
  ASSERT_EQ(up.status, 201);
  Reply start = app_.Call("POST", "/api/v1/imports/" + S(up.json.at("id")) + "/start", R"({"mapping":{"mail":"ignore"}})");
  EXPECT_EQ(start.status, 422) << start.body;
  EXPECT_NE(start.body.find(R"("field":"mapping")"), std::string::npos) << start.body;
}

}  // namespace
}  // namespace rally::api
