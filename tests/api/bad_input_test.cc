// Issue 2 item 8: every bad input tried on purpose, through real HTTP. Each must get a clear 4xx
// JSON error of the one shape, {"error":{"code","message","details":[{"field","code",
// "message"}]}}, naming the field where there is one, and leave every row of the database as
// it was (tests/api/api_checks.h compares whole-table snapshots, not just counts).
//
// contacts_api_test.cc holds the same inputs as substring checks beside the routes' happy
// paths; here each is checked for the exact error shape, on every route that takes a contact
// (create, update, batch item), plus what needs its own set-up: a 50 MB body, revoked tokens,
// another workspace's ids, bodies on every route that reads one, and batch limits.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "api/api_checks.h"
#include "api/openapi.h"
#include "auth/auth_service.h"
#include "fixtures/http_client.h"
#include "fixtures/test_app.h"
#include "http/router.h"

namespace rally::api {
namespace {

using rally::testing::DbCounts;
using rally::testing::DbSnapshot;
using rally::testing::ErrorProblems;
using rally::testing::HttpClient;
using rally::testing::Reply;
using rally::testing::Str;
using rally::testing::TestApp;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Refusal {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  int want_status;
  std::string want_code;
  std::vector<std::string> want_fields;
  std::string token = TestApp::kAdminToken;
  std::function<void(const Reply&)> check = nullptr;
};

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* body : {R"({"key":"industry","type":"select","options":["Retail","Software"]})",
                             R"({"key":"employees","type":"number"})"}) {
      Reply r = app_.Call("POST", "/api/v1/custom-fields", body);
      ASSERT_EQ(r.status, 201) << r.body;
    }
    Reply ada = app_.Call("POST", "/api/v1/contacts",
                          R"({"email":"Ada@Example.com","lead_score":40,"company":"Acme","tags":["vip"],
                              "custom":{"industry":"Retail"}})");
    ASSERT_EQ(ada.status, 201) << ada.body;
    ada_ = Str(ada.json, "id");
  }

  void RunRefusals(const std::vector<Refusal>& refusals) {
    for (const Refusal& f : refusals) {
      SCOPED_TRACE("refusal: " + f.name);
      ASSERT_GE(f.want_status, 400);
      ASSERT_LT(f.want_status, 500);
      std::string before = DbSnapshot(app_);
      std::string counts = DbCounts(app_);
      Reply r = app_.Call(f.method, f.path, f.body, f.token);
      for (const std::string& p : ErrorProblems(r, f.want_status, f.want_code, f.want_fields))
        ADD_FAILURE() << p << "\n" << f.method << " " << f.path << " " << f.body.substr(0, 200) << "\n-> " << r.body.substr(0, 600);
      if (f.check) f.check(r);
      if (DbSnapshot(app_) != before)
        ADD_FAILURE() << "the refusal changed the database: before " << counts << " after " << DbCounts(app_);
    }
  }

  TestApp app_;
  std::string ada_;
};

// Hand-built replies: ErrorProblems itself must catch each kind of bad error.
TEST(ErrorProblemsTest, Cases) {
  const std::string good = R"({"error":{"code":"invalid_argument","message":"m","details":[{"field":"email","code":"required","message":"x"}]}})";
  struct Case {
    std::string name;
    int status;
    std::string body;
    std::vector<std::string> fields;
    bool want_ok;
  };
  const Case cases[] = {
      {"good", 422, good, {"email"}, true},
      {"good, no field asked for", 422, good, {}, true},
      {"wrong status", 400, good, {"email"}, false},
      {"details missing", 422, R"({"error":{"code":"invalid_argument","message":"m"}})", {}, false},
      {"empty message", 422, R"({"error":{"code":"invalid_argument","message":"","details":[]}})", {}, false},
      {"other code", 422, R"({"error":{"code":"internal","message":"m","details":[]}})", {}, false},
      {"field not named", 422, good, {"name"}, false},
      {"detail without message", 422,
       R"({"error":{"code":"invalid_argument","message":"m","details":[{"field":"email","code":"c"}]}})", {"email"}, false},
      {"not an error", 422, R"({"id":"1"})", {}, false},
  };
  for (const Case& c : cases) {
    Reply r;
    r.status = c.status;
    r.body = c.body;
    r.json = json::parse(c.body);
    r.headers = {{"Content-Type", "application/json"}};
    EXPECT_EQ(ErrorProblems(r, 422, "invalid_argument", c.fields).empty(), c.want_ok) << c.name;
  }
}

TEST_F(BadInputTest, ContactFieldsOnCreateUpdateAndBatch) {
  struct Bad {
    std::string name;
    std::string create_body;  // POST /contacts; the update sends the same without email
    int want_status;
    std::string want_code;
    std::vector<std::string> want_fields;
    bool on_update = true;
  };
  const std::vector<Bad> bad = {
      {"missing email", R"({"first_name":"Ada"})", 422, "invalid_argument", {"email"}, false},
      {"null email", R"({"email":null})", 422, "invalid_argument", {"email"}},
      {"blank email", R"({"email":"  "})", 422, "invalid_argument", {"email"}},
      {"invalid email", R"({"email":"ada at example.com"})", 422, "invalid_argument", {"email"}},
      {"email without a domain dot", R"({"email":"ada@localhost"})", 422, "invalid_argument", {"email"}},
      {"email not a string", R"({"email":42})", 422, "invalid_argument", {"email"}},
      {"lead_score 101", R"({"email":"n@x.io","lead_score":101})", 422, "invalid_argument", {"lead_score"}},
      {"lead_score -1", R"({"email":"n@x.io","lead_score":-1})", 422, "invalid_argument", {"lead_score"}},
      {"lead_score \"abc\"", R"({"email":"n@x.io","lead_score":"abc"})", 422, "invalid_argument", {"lead_score"}},
      {"lead_score 50.5", R"({"email":"n@x.io","lead_score":50.5})", 422, "invalid_argument", {"lead_score"}},
      {"lead_score true", R"({"email":"n@x.io","lead_score":true})", 422, "invalid_argument", {"lead_score"}},
      {"unknown lifecycle stage", R"({"email":"n@x.io","lifecycle_stage":"prospect"})", 422, "invalid_argument",
       {"lifecycle_stage"}},
      {"unknown custom field key", R"({"email":"n@x.io","custom":{"shoe_size":42}})", 422, "invalid_argument",
       {"custom.shoe_size"}},
      {"wrong custom type", R"({"email":"n@x.io","custom":{"employees":"lots"}})", 422, "invalid_argument",
       {"custom.employees"}},
      {"select value not in its options", R"({"email":"n@x.io","custom":{"industry":"Mining"}})", 422,
       "invalid_argument", {"custom.industry"}},
      {"unknown field", R"({"email":"n@x.io","colour":"red"})", 422, "invalid_argument", {"colour"}},
      {"every bad field at once",
       R"({"email":"bad","lead_score":"abc","lifecycle_stage":"x","custom":{"shoe_size":1,"industry":"Mining"}})", 422,
       "invalid_argument", {"email", "lead_score", "lifecycle_stage", "custom.shoe_size", "custom.industry"}},
      {"a good field beside a bad one", R"({"email":"n@x.io","title":"CTO","lead_score":101})", 422, "invalid_argument",
       {"lead_score"}},
  };
  std::vector<Refusal> refusals;
  std::string batch = R"({"items":[)";
  for (size_t i = 0; i < bad.size(); ++i) {
    const Bad& b = bad[i];
    refusals.push_back({"create: " + b.name, "POST", "/api/v1/contacts", b.create_body, b.want_status, b.want_code, b.want_fields});
    if (b.on_update) {
      json::object patch = json::parse(b.create_body).as_object();
      if (patch.contains("email") && patch.at("email") == "n@x.io") patch.erase("email");
      refusals.push_back({"update: " + b.name, "PATCH", "/api/v1/contacts/" + ada_, json::serialize(patch), b.want_status,
                          b.want_code, b.want_fields});
    }
    batch += (i ? "," : "") + b.create_body;
  }
  batch += "]}";
  RunRefusals(refusals);

  // The same items in one batch: 200, an error per item naming its fields, nothing written.
  std::string before = DbSnapshot(app_);
  Reply r = app_.Call("POST", "/api/v1/contacts/batch", batch);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array& results = r.json.at("results").as_array();
  ASSERT_EQ(results.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE("batch item: " + bad[i].name);
    EXPECT_EQ(results[i].at("index"), static_cast<int64_t>(i));
    EXPECT_EQ(results[i].at("status"), "error") << json::serialize(results[i]);
    Reply item;  // the item's error, checked like a reply
    item.status = bad[i].want_status;
    item.json = json::object{{"error", results[i].at("error")}};
    item.headers = {{"Content-Type", "application/json"}};
    for (const std::string& p : ErrorProblems(item, bad[i].want_status, bad[i].want_code, bad[i].want_fields))
      ADD_FAILURE() << p << ": " << json::serialize(results[i]);
  }
  EXPECT_EQ(r.json.at("errors"), static_cast<int64_t>(bad.size()));
  EXPECT_EQ(DbSnapshot(app_), before) << "a batch of bad items wrote something";
}

TEST_F(BadInputTest, DuplicateEmailNamesTheExistingContact) {
  Reply other = app_.Call("POST", "/api/v1/contacts", R"({"email":"grace@example.com","additional_emails":["g@navy.example"]})");
  ASSERT_EQ(other.status, 201) << other.body;
  const std::string grace = Str(other.json, "id");
  auto names = [](const std::string& id) {
    return [id](const Reply& r) {
      bool found = false;
      for (const json::value& d : r.json.at("error").at("details").as_array())
        found = found || Str(d, "existing_id") == id;
      EXPECT_TRUE(found) << "no detail gives existing_id " << id << ": " << r.body;
    };
  };
  RunRefusals({
      {"same email", "POST", "/api/v1/contacts", R"({"email":"Ada@Example.com"})", 409, "already_exists", {"email"},
       TestApp::kAdminToken, names(ada_)},
      {"another case and spacing", "POST", "/api/v1/contacts", R"({"email":"  aDA@eXAMPLE.COM\t"})", 409, "already_exists",
       {"email"}, TestApp::kAdminToken, names(ada_)},
      {"an additional email of another contact", "POST", "/api/v1/contacts", R"({"email":"G@Navy.Example"})", 409,
       "already_exists", {"email"}, TestApp::kAdminToken, names(grace)},
      {"additional email held by another", "POST", "/api/v1/contacts", R"({"email":"new@x.io","additional_emails":["ADA@example.com"]})",
       409, "already_exists", {"additional_emails"}, TestApp::kAdminToken, names(ada_)},
      {"update onto another's email", "PATCH", "/api/v1/contacts/" + grace, R"({"email":" ada@example.COM"})", 409,
       "already_exists", {"email"}, TestApp::kAdminToken, names(ada_)},
  });
  // A deleted contact keeps its email for its 30 days (it may be restored).
  ASSERT_EQ(app_.Call("DELETE", "/api/v1/contacts/" + grace).status, 204);
  RunRefusals({
      {"email of a deleted contact", "POST", "/api/v1/contacts", R"({"email":"GRACE@example.com"})", 409, "already_exists",
       {"email"}, TestApp::kAdminToken, names(grace)},
  });
}

// Malformed and hostile bodies on every route whose OpenAPI operation takes a JSON body.
TEST_F(BadInputTest, BadBodiesOnEveryRouteThatReadsOne) {
  const json::object& paths = OpenApiDocument().at("paths").as_object();
  struct Route {
    std::string method;
    std::string path;  // ids filled in
    bool body_required;
  };
  std::vector<Route> routes;
  for (const http::RouteInfo& r : app_.router().Routes()) {
    const json::value* item = paths.if_contains(r.pattern);
    const json::value* op = item ? item->as_object().if_contains(Lower(http::MethodName(r.method))) : nullptr;
    if (!op || !op->as_object().contains("requestBody")) continue;
    // Uploads (text/csv, octet-stream, multipart) take any bytes as a file: only JSON bodies here.
    const json::object& body = op->as_object().at("requestBody").as_object();
    const json::value* content = body.if_contains("content");
    if (!content || !content->as_object().contains("application/json")) continue;
    std::string path = r.pattern;
    // A well-formed id that names nothing: the body is refused before any lookup.
    for (size_t open; (open = path.find('{')) != std::string::npos;) path.replace(open, path.find('}') - open + 1, "1");
    const json::value* required = body.if_contains("required");
    routes.push_back({std::string(http::MethodName(r.method)), path,
                      required && required->is_bool() && required->as_bool()});
  }
  ASSERT_GE(routes.size(), 10u);
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  std::string deep_object = R"({"email":"n@x.io","custom":)";
  for (int i = 0; i < 10000; ++i) deep_object += R"({"a":)";
  deep_object += "1" + std::string(10001, '}');
  struct Body {
    std::string name;
    std::string text;
  };
  const Body bodies[] = {
      {"malformed JSON", R"({"email":"n@x.io",)"},
      {"truncated string", R"({"email":"n@x.io)"},
      {"trailing garbage", R"({"email":"n@x.io"} x)"},
      {"single quotes", R"({'email':'n@x.io'})"},
      {"JSON nested 10,000 deep (arrays)", deep_array},
      {"JSON nested 10,000 deep (objects, inside a good one)", deep_object},
      {"not an object", R"(["n@x.io"])"},
      {"a bare string", R"("n@x.io")"},
      {"invalid UTF-8", "{\"email\":\"n\xff@x.io\"}"},
      {"empty", ""},
  };
  std::vector<Refusal> refusals;
  for (const Route& r : routes)
    for (const Body& b : bodies) {
      if (b.text.empty() && !r.body_required) continue;  // an optional body may be left out
      refusals.push_back({b.name + ": " + r.method + " " + r.path, r.method, r.path, b.text, 400,
                          "invalid_argument", {"body"}});
    }
  RunRefusals(refusals);
}

TEST_F(BadInputTest, FiftyMegabyteBodyIsRefusedAt413WithoutReadingIt) {
  const std::string before = DbSnapshot(app_);
  const std::string body = R"({"email":"big@x.io","title":")" + std::string(50 << 20, 'x') + "\"}";

  // Through the test client, as a real client would send it.
  HttpClient client("127.0.0.1", app_.port());
  auto start = std::chrono::steady_clock::now();
  HttpClient::Result r = client.Request("POST", "/api/v1/contacts", body,
                                        {{"Authorization", "Bearer " + app_.admin_token()},
                                         {"Content-Type", "application/json"}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  Reply reply;
  reply.status = r.status;
  reply.body = r.body;
  reply.headers = r.headers;
  boost::system::error_code ec;
  reply.json = json::parse(r.body, ec);
  ASSERT_EQ(r.status, 413) << r.body;
  for (const std::string& p : ErrorProblems(reply, 413, "too_large", {"body"}))
    ADD_FAILURE() << p << ": " << r.body;
  EXPECT_NE(r.body.find("10485760"), std::string::npos) << "the message gives the limit: " << r.body;
  EXPECT_LT(elapsed, std::chrono::seconds(3)) << "the refusal must not wait for the body";
  EXPECT_EQ(DbSnapshot(app_), before);

  // The proof that the body is not read: announce 50 MB, send none of it, and the answer still
  // comes (a server that buffered the body would wait for bytes that never arrive, and the
  // stream's deadline would end the read instead).
  namespace net = boost::asio;
  namespace beast = boost::beast;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(net::ip::tcp::resolver(ioc).resolve("127.0.0.1", std::to_string(app_.port())));
  std::string head = "POST /api/v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + app_.admin_token() +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  net::write(stream.socket(), net::buffer(head));
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> raw;
  beast::error_code read_ec;
  beast::http::async_read(stream, buffer, raw, [&](beast::error_code ec, size_t) { read_ec = ec; });
  ioc.run();
  EXPECT_FALSE(read_ec) << read_ec.message();
  EXPECT_EQ(raw.result_int(), 413u) << raw.body();
  EXPECT_NE(raw.body().find("too_large"), std::string::npos) << raw.body();

  // And the server still serves.
  EXPECT_EQ(app_.Call("GET", "/api/v1/contacts/" + ada_).status, 200);
}

TEST_F(BadInputTest, MissingGarbageAndRevokedTokens) {
  Reply created = app_.Call("POST", "/api/v1/tokens", R"({"name":"short-lived"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = Str(created.json, "token");
  const std::string token_id = Str(created.json, "id");
  Reply works = app_.Call("POST", "/api/v1/contacts", R"({"email":"before@x.io"})", token);
  ASSERT_EQ(works.status, 201) << "the token works until revoked: " << works.body;
  Reply revoked = app_.Call("DELETE", "/api/v1/tokens/" + token_id);
  ASSERT_EQ(revoked.status, 204) << revoked.body;

  const std::string c = "/api/v1/contacts/" + ada_;
  const std::string wrong_secret = token.substr(0, token.size() - 1) + (token.back() == 'A' ? "B" : "A");
  struct Credential {
    std::string name;
    std::string token;
  };
  const Credential credentials[] = {
      {"missing token", ""},
      {"garbage token", "garbage"},
      {"well-formed unknown token", "rly_1_" + std::string(43, 'A')},
      {"right token, one character off", wrong_secret},
      {"revoked token", token},
  };
  std::vector<Refusal> refusals;
  for (const Credential& cred : credentials) {
    for (const auto& [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"POST", "/api/v1/contacts", R"({"email":"after@x.io"})"},
             {"GET", c, ""},
             {"PATCH", c, R"({"title":"Hacked"})"},
             {"DELETE", c, ""},
             {"POST", "/api/v1/contacts/batch", R"({"items":[{"email":"after@x.io"}]})"},
             {"POST", "/api/v1/custom-fields", R"({"key":"x","type":"text"})"},
             {"POST", "/api/v1/tokens", R"({"name":"another"})"},
         }) {
      refusals.push_back({cred.name + ": " + method + " " + path, method, path, body, 401, "unauthenticated", {},
                          cred.token, [](const Reply& r) { EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer"); }});
    }
  }
  RunRefusals(refusals);
  // Bad credentials leak nothing: the reply does not echo the token.
  Reply r = app_.Call("GET", c, "", "rly_1_" + std::string(43, 'Q'));
  EXPECT_EQ(r.body.find(std::string(43, 'Q')), std::string::npos) << r.body;
}

TEST_F(BadInputTest, AnotherWorkspacesIdsAreNotFoundAndUntouched) {
  auth::AuthService& auth = *app_.services().auth;
  auto ws = auth.CreateWorkspace("Other team");
  ASSERT_TRUE(ws.ok());
  auto eve = auth.CreateUser(ws->id, auth::NewUser{"eve@other.example", "Eve", auth::Role::kAdmin, "other password"});
  ASSERT_TRUE(eve.ok());
  auto their_token = auth.CreateToken(ws->id, eve->id, "other");
  ASSERT_TRUE(their_token.ok());
  const std::string theirs_token = their_token->token;
  const std::string eve_id = IdToString(eve->id);
  const std::string eve_token_id = IdToString(their_token->info.id);
  Reply made = app_.Call("POST", "/api/v1/contacts",
                         R"({"email":"secret@other.example","first_name":"Secret","tags":["theirs"]})", theirs_token);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string theirs = Str(made.json, "id");
  const std::string t = "/api/v1/contacts/" + theirs;
  const std::string their_view = app_.Call("GET", t, "", theirs_token).body;

  auto no_leak = [](const Reply& r) { EXPECT_EQ(r.body.find("Secret"), std::string::npos) << r.body; };
  RunRefusals({
      {"get", "GET", t, "", 404, "not_found", {}, TestApp::kAdminToken, no_leak},
      {"patch", "PATCH", t, R"({"first_name":"Mine"})", 404, "not_found", {}, TestApp::kAdminToken, no_leak},
      {"delete", "DELETE", t, "", 404, "not_found", {}},
      {"restore", "POST", t + "/restore", "", 404, "not_found", {}},
      {"timeline", "GET", t + "/timeline", "", 404, "not_found", {}, TestApp::kAdminToken, no_leak},
      {"add a note", "POST", t + "/activities", R"({"type":"note","body":"x"})", 404, "not_found", {}},
      {"by email", "GET", "/api/v1/contacts/by-email/secret@other.example", "", 404, "not_found", {},
       TestApp::kAdminToken, no_leak},
      {"their user", "GET", "/api/v1/users/" + eve_id, "", 404, "not_found", {}},
      {"patch their user", "PATCH", "/api/v1/users/" + eve_id, R"({"disabled":true})", 404, "not_found", {}},
      {"revoke their token", "DELETE", "/api/v1/tokens/" + eve_token_id, "", 404, "not_found", {}},
      {"a token for their user", "POST", "/api/v1/tokens", R"({"name":"x","user_id":")" + eve_id + R"("})", 404,
       "not_found", {}},
  });
  EXPECT_EQ(app_.Call("GET", "/api/v1/auth/me", "", theirs_token).status, 200) << "their token still works";
  EXPECT_EQ(app_.Call("GET", t, "", theirs_token).body, their_view) << "their contact changed";
  // Their ids get exactly the answers of ids that name nothing, whatever the body (a bad body
  // is refused before the lookup, the same way for both), so nothing tells that they exist.
  auto answer = [](const Reply& r) {
    json::value details = r.json.is_object() && r.json.get_object().contains("error")
                              ? r.json.at("error").at("details") : json::value(nullptr);
    return std::to_string(r.status) + " " + Str(r.json.is_object() ? r.json.at("error") : json::value(), "code") + " " +
           json::serialize(details);
  };
  for (const auto& [method, suffix, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "", ""}, {"PATCH", "", R"({"title":"x"})"}, {"PATCH", "", R"({"lead_score":101})"},
           {"PATCH", "", "{"}, {"DELETE", "", ""}, {"POST", "/restore", ""}, {"GET", "/timeline", ""},
           {"POST", "/activities", R"({"type":"note"})"}}) {
    std::string before = DbSnapshot(app_);
    Reply theirs_reply = app_.Call(method, t + suffix, body);
    Reply nobodys = app_.Call(method, "/api/v1/contacts/1" + suffix, body);
    EXPECT_EQ(answer(theirs_reply), answer(nobodys)) << method << " " << suffix << " " << body;
    EXPECT_GE(theirs_reply.status, 400);
    EXPECT_EQ(DbSnapshot(app_), before);
  }
  // Their email is free here: the same person may be a contact of both teams.
  Reply mine = app_.Call("POST", "/api/v1/contacts", R"({"email":"SECRET@other.example"})");
  EXPECT_EQ(mine.status, 201) << mine.body;
  EXPECT_NE(Str(mine.json, "id"), theirs);
  EXPECT_EQ(app_.Call("GET", t, "", theirs_token).body, their_view);
}

TEST_F(BadInputTest, BatchLimitsAndPartialFailure) {
  auto items = [](int n, const std::string& prefix) {
    std::string out = R"({"items":[)";
    for (int i = 0; i < n; ++i) out += std::string(i ? "," : "") + R"({"email":")" + prefix + std::to_string(i) + R"(@x.io"})";
    return out + "]}";
  };
  RunRefusals({
      {"1,001 items", "POST", "/api/v1/contacts/batch", items(1001, "m"), 413, "too_large", {"items"}},
      {"items missing", "POST", "/api/v1/contacts/batch", R"({"contacts":[]})", 422, "invalid_argument", {"items"}},
      {"items not an array", "POST", "/api/v1/contacts/batch", R"({"items":"a@x.io"})", 422, "invalid_argument", {"items"}},
      {"another member beside items", "POST", "/api/v1/contacts/batch", R"({"items":[],"upsert":false})", 422,
       "invalid_argument", {"upsert"}},
  });

  // One bad item among good ones: 200, a result per item in order, the good ones landed.
  Reply r = app_.Call("POST", "/api/v1/contacts/batch",
                      R"({"items":[{"email":"g1@x.io","lead_score":10},{"email":"ada@example.com","title":"CEO"},
                                   {"email":"g2@x.io","lead_score":101},{"email":"not an email"},7,
                                   {"email":"g3@x.io","custom":{"industry":"Mining"}},{"email":"g4@x.io","tags":"a, b"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array& results = r.json.at("results").as_array();
  ASSERT_EQ(results.size(), 7u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"created", ""}, {"updated", ""}, {"error", "lead_score"}, {"error", "email"}, {"error", "items[4]"},
      {"error", "custom.industry"}, {"created", ""}};
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("item " + std::to_string(i));
    EXPECT_EQ(results[i].at("index"), static_cast<int64_t>(i));
    EXPECT_EQ(results[i].at("status"), json::value(want[i].first)) << json::serialize(results[i]);
    if (want[i].first == "error") {
      EXPECT_NE(json::serialize(results[i]).find(R"("field":")" + want[i].second + "\""), std::string::npos)
          << json::serialize(results[i]);
    } else {
      EXPECT_FALSE(Str(results[i], "id").empty());
    }
  }
  EXPECT_EQ(Str(results[1], "id"), ada_);
  EXPECT_EQ(r.json.at("created"), 2);
  EXPECT_EQ(r.json.at("updated"), 1);
  EXPECT_EQ(r.json.at("errors"), 4);
  for (const char* email : {"g1@x.io", "g4@x.io"})
    EXPECT_EQ(app_.Call("GET", std::string("/api/v1/contacts/by-email/") + email).status, 200) << email;
  for (const char* email : {"g2@x.io", "g3@x.io"})
    EXPECT_EQ(app_.Call("GET", std::string("/api/v1/contacts/by-email/") + email).status, 404) << email;
  EXPECT_NE(app_.Call("GET", "/api/v1/contacts/" + ada_).body.find(R"("title":"CEO")"), std::string::npos);

  // Exactly 1,000 items is within the limit.
  Reply full = app_.Call("POST", "/api/v1/contacts/batch", items(1000, "k"));
  ASSERT_EQ(full.status, 200) << full.body.substr(0, 300);
  EXPECT_EQ(full.json.at("created"), 1000);
}

}  // namespace
}  // namespace rally::api
