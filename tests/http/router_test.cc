#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "base/json.h"

namespace rally::http {
namespace {

// Each handler answers "<pattern>|name=value,..." so a case can check which route ran and what
// it bound.
Handler Echo(std::string pattern) {
  return [pattern](Request& req) {
    std::string body = pattern + "|";
    for (const auto& [k, v] : req.path_params) body += k + "=" + v + ",";
    return Response::Text(200, body);
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    const std::pair<Method, const char*> kRoutes[] = {
        {Method::kGet, "/"},
        {Method::kGet, "/healthz"},
        {Method::kGet, "/api/v1/contacts"},
        {Method::kPost, "/api/v1/contacts"},
        {Method::kGet, "/api/v1/contacts/{id}"},
        {Method::kPatch, "/api/v1/contacts/{id}"},
        {Method::kDelete, "/api/v1/contacts/{id}"},
        {Method::kGet, "/api/v1/contacts/by-email/{email}"},
        {Method::kPost, "/api/v1/contacts/batch"},
        {Method::kGet, "/api/v1/contacts/{contact_id}/timeline"},
        {Method::kPost, "/api/v1/contacts/{id}/activities"},
        {Method::kGet, "/api/v1/tags/{a}/merge/{b}"},
    };
    for (const auto& [m, p] : kRoutes) router_.Add(m, p, Echo(p));
  }
  Router router_;
};

TEST_F(RouterTest, DispatchTable) {
  struct Case {
    Method method;
    std::string target;
    int want_status;
    std::string want_body;   // exact for 200; the error code for errors
    std::string want_allow;  // for 405
  };
  const Case kCases[] = {
      {Method::kGet, "/", 200, "/|", ""},
      {Method::kGet, "/healthz", 200, "/healthz|", ""},
      {Method::kGet, "/api/v1/contacts?limit=5", 200, "/api/v1/contacts|", ""},
      {Method::kPost, "/api/v1/contacts", 200, "/api/v1/contacts|", ""},
      {Method::kGet, "/api/v1/contacts/42", 200, "/api/v1/contacts/{id}|id=42,", ""},
      {Method::kDelete, "/api/v1/contacts/42", 200, "/api/v1/contacts/{id}|id=42,", ""},
      // A literal segment beats a placeholder.
      {Method::kGet, "/api/v1/contacts/by-email/a@x.com", 200,
       "/api/v1/contacts/by-email/{email}|email=a@x.com,", ""},
      // A dead-end literal falls back to the placeholder route.
      {Method::kGet, "/api/v1/contacts/by-email", 200, "/api/v1/contacts/{id}|id=by-email,", ""},
      {Method::kGet, "/api/v1/contacts/by-email/timeline", 200,
       "/api/v1/contacts/by-email/{email}|email=timeline,", ""},
      {Method::kGet, "/api/v1/contacts/7/timeline", 200,
       "/api/v1/contacts/{contact_id}/timeline|contact_id=7,", ""},
      {Method::kGet, "/api/v1/tags/x/merge/y", 200, "/api/v1/tags/{a}/merge/{b}|a=x,b=y,", ""},
      // Percent-decoding per segment: an escaped slash stays in its segment.
      {Method::kGet, "/api/v1/contacts/by-email/a%2Fb%40x.com", 200,
       "/api/v1/contacts/by-email/{email}|email=a/b@x.com,", ""},
      {Method::kGet, "/api/v1/contacts/%34%32", 200, "/api/v1/contacts/{id}|id=42,", ""},
      {Method::kGet, "/api/v1/contacts/caf%C3%A9", 200, "/api/v1/contacts/{id}|id=café,", ""},
      {Method::kGet, "/api/v%31/contacts", 200, "/api/v1/contacts|", ""},
      {Method::kGet, "http://example.com/healthz?x=1", 200, "/healthz|", ""},
      // HEAD falls back to GET.
      {Method::kHead, "/api/v1/contacts/9", 200, "/api/v1/contacts/{id}|id=9,", ""},
      // 404s: unknown paths, trailing slash, empty placeholder, bad escape.
      {Method::kGet, "/nope", 404, "not_found", ""},
      {Method::kGet, "/api/v1/contacts/", 404, "not_found", ""},
      {Method::kGet, "/api/v1/contacts//timeline", 404, "not_found", ""},
      {Method::kGet, "/api/v1/contacts/42/timeline/x", 404, "not_found", ""},
      {Method::kGet, "/healthz/", 404, "not_found", ""},
      {Method::kGet, "/api/v1/contacts/%zz", 404, "not_found", ""},
      // 405 with Allow listing the path's methods (HEAD because GET exists).
      {Method::kPut, "/api/v1/contacts/42", 405, "method_not_allowed", "GET, HEAD, PATCH, DELETE"},
      {Method::kDelete, "/api/v1/contacts", 405, "method_not_allowed", "GET, HEAD, POST"},
      {Method::kGet, "/api/v1/contacts/batch", 200, "/api/v1/contacts/{id}|id=batch,", ""},
      {Method::kPost, "/healthz", 405, "method_not_allowed", "GET, HEAD"},
      {Method::kOther, "/healthz", 405, "method_not_allowed", "GET, HEAD"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(MethodName(c.method)) + " " + c.target);
    Request req;
    req.method = c.method;
    req.target = c.target;
    int route_index = -2;
    Response res = router_.Dispatch(req, &route_index);
    EXPECT_EQ(res.status, c.want_status);
    if (c.want_status == 200) {
      EXPECT_EQ(res.body, c.want_body);
      ASSERT_GE(route_index, 0);
      EXPECT_EQ(router_.Routes()[route_index].pattern, c.want_body.substr(0, c.want_body.find('|')));
      EXPECT_EQ(router_.MatchPattern(req), router_.Routes()[route_index].pattern);
      continue;
    }
    EXPECT_EQ(route_index, -1);
    EXPECT_EQ(router_.MatchPattern(req), "");
    EXPECT_EQ(res.content_type, "application/json");
    auto parsed = ParseJson(res.body);
    ASSERT_TRUE(parsed.ok()) << res.body;
    std::error_code ec;
    const json::value* code = parsed->find_pointer("/error/code", ec);
    ASSERT_NE(code, nullptr) << res.body;
    EXPECT_EQ(code->as_string(), c.want_body);
    EXPECT_NE(parsed->find_pointer("/error/message", ec), nullptr) << res.body;
    std::string allow;
    for (const auto& [k, v] : res.headers) {
      if (k == "Allow") allow = v;
    }
    EXPECT_EQ(allow, c.want_allow);
  }
}

TEST_F(RouterTest, HandBuiltRequestUsesPath) {
  Request req;
  req.method = Method::kGet;
  req.path = "/api/v1/contacts/5/timeline";
  Response res = router_.Dispatch(req);
  EXPECT_EQ(res.body, "/api/v1/contacts/{contact_id}/timeline|contact_id=5,");
  EXPECT_EQ(req.Param("contact_id"), "5");
  EXPECT_EQ(req.Param("id"), "");
}

TEST(RouterAddTest, RejectsBadPatternsAndDuplicates) {
  Router router;
  router.Add(Method::kGet, "/a/{id}", Echo("x"));
  const std::pair<Method, const char*> kBad[] = {
      {Method::kGet, "a/b"},         // no leading slash
      {Method::kGet, ""},            //
      {Method::kGet, "/a/x{id}"},    // placeholder inside a segment
      {Method::kGet, "/a/{other}"},  // same shape and method as /a/{id}
      {Method::kOther, "/b"},
  };
  for (const auto& [m, p] : kBad) {
    SCOPED_TRACE(p);
    EXPECT_THROW(router.Add(m, p, Echo(p)), std::invalid_argument);
  }
  router.Add(Method::kPost, "/a/{other}", Echo("y"));  // another method is fine
  EXPECT_EQ(router.Routes().size(), 2u);
}

TEST(SetTargetTest, DecodesPathAndQuery) {
  struct Case {
    std::string target;
    bool ok;
    std::string want_path;
    std::vector<std::pair<std::string, std::string>> want_query;
  };
  const Case kCases[] = {
      {"/api/v1/contacts?limit=5&q=a+b", true, "/api/v1/contacts", {{"limit", "5"}, {"q", "a b"}}},
      {"/p?q=stage%3Alead%20x&&flag&empty=", true, "/p",
       {{"q", "stage:lead x"}, {"flag", ""}, {"empty", ""}}},
      {"/a%2Fb/caf%C3%A9", true, "/a/b/café", {}},
      {"/p?e=a%2Bb%40x.com", true, "/p", {{"e", "a+b@x.com"}}},
      {"http://h:8080/x?y=1", true, "/x", {{"y", "1"}}},
      {"http://h", true, "/", {}},
      {"/p?x=%zz", false, "", {}},
      {"/p%4", false, "", {}},
      {"/p%00", false, "", {}},
      {"*", false, "", {}},
      {"relative/path", false, "", {}},
      // fuzz/router: absolute forms that left a path without its leading '/'
      {"urn:healthz", false, "", {}},
      {"http://h:8openapi.json/9", false, "", {}},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.target);
    Request req;
    Status s = SetTarget(req, c.target);
    EXPECT_EQ(s.ok(), c.ok) << s.ToString();
    EXPECT_EQ(req.target, c.target);
    EXPECT_EQ(req.path, c.want_path);
    EXPECT_EQ(req.query, c.want_query);
  }
}

TEST(RequestTest, Accessors) {
  Request req;
  req.headers = {{"content-type", "application/json"},
                 {"cookie", "a=1; rally_session=\"s3cr3t\"; b = 2 "},
                 {"x-dup", "first"},
                 {"x-dup", "second"}};
  req.query = {{"limit", "5"}, {"limit", "6"}, {"q", ""}};
  struct Case {
    std::string what;
    std::optional<std::string_view> got;
    std::optional<std::string_view> want;
  };
  const Case kCases[] = {
      {"header any case", req.Header("Content-Type"), "application/json"},
      {"first header", req.Header("X-Dup"), "first"},
      {"missing header", req.Header("accept"), std::nullopt},
      {"first query", req.QueryParam("limit"), "5"},
      {"empty query", req.QueryParam("q"), ""},
      {"missing query", req.QueryParam("cursor"), std::nullopt},
      {"cookie", req.Cookie("a"), "1"},
      {"quoted cookie", req.Cookie("rally_session"), "s3cr3t"},
      {"spaced cookie", req.Cookie("b"), "2"},
      {"missing cookie", req.Cookie("rally"), std::nullopt},
  };
  for (const Case& c : kCases) EXPECT_EQ(c.got, c.want) << c.what;
}

TEST(MessageTest, MethodNamesRoundTrip) {
  for (int i = 0; i < kMethodCount; ++i) {
    Method m = static_cast<Method>(i);
    EXPECT_EQ(ParseMethod(MethodName(m)), m) << MethodName(m);
  }
  EXPECT_EQ(ParseMethod("get"), Method::kOther);
  EXPECT_EQ(ParseMethod("PROPFIND"), Method::kOther);
}

TEST(MessageTest, ResponseHelpers) {
  Response json = Response::Json(201, "{}");
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.content_type, "application/json");
  Response text = Response::Text(200, "hi");
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  Response none = Response::NoContent();
  EXPECT_EQ(none.status, 204);
  EXPECT_TRUE(none.body.empty());
  EXPECT_TRUE(none.content_type.empty());
  Response err = JsonError(413, "too_large", "say \"less\"");
  EXPECT_EQ(err.body,
            R"({"error":{"code":"too_large","message":"say \"less\"","details":[{"field":"body","code":"too_large","message":"say \"less\""}]}})");
  EXPECT_EQ(JsonError(404, "not_found", "no").body,
            R"({"error":{"code":"not_found","message":"no","details":[]}})");
}

}  // namespace
}  // namespace rally::http
