// Scenario tables for /api/v1/auth, /users and /tokens against a real in-process server, and
// Authenticator cases on hand-built requests.
#include <gtest/gtest.h>

#include "api/auth_api.h"
#include "api/authenticator.h"
#include "api/openapi.h"
#include "auth/auth_service.h"
#include "fixtures/temp_dir.h"
#include "fixtures/test_app.h"
#include "http/router.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::RunScenarios;
using rally::testing::Scenario;
using rally::testing::TestApp;

constexpr char kAdminEmail[] = "admin@example.com";
constexpr char kAdminPassword[] = "correct horse battery";
constexpr char kMemberPassword[] = "member password";

std::string LoginBody(const std::string& email, const std::string& password) {
  return ToJson(json::object{{"email", email}, {"password", password}});
}

// The value of the rally_session cookie set by a reply ("" when none).
std::string SessionCookieOf(const Reply& r) {
  std::string_view set = "";
  for (const auto& [name, value] : r.headers) {
    if ((name == "Set-Cookie" || name == "set-cookie") && value.rfind("rally_session=", 0) == 0) {
      set = value;
    }
  }
  if (set.empty()) return "";
  std::string_view v = set.substr(std::string_view("rally_session=").size());
  return std::string(v.substr(0, v.find(';')));
}

std::string AsciiLowerForTest(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string StringAt(const Reply& r, std::string_view key) {
  if (!r.json.is_object()) return "";
  const json::value* v = r.json.get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

class AuthApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth::AuthService& auth = *app_.services().auth;
    auto member = auth.CreateUser(app_.workspace_id(),
                                  auth::NewUser{"member@example.com", "Mem Ber", auth::Role::kMember,
                                                kMemberPassword});
    ASSERT_TRUE(member.ok()) << member.status().ToString();
    member_ = *member;
    auto token = auth.CreateToken(app_.workspace_id(), member_.id, "member token");
    ASSERT_TRUE(token.ok());
    member_token_ = token->token;
    member_token_id_ = IdToString(token->info.id);
  }

  // Logs in and returns the session cookie and CSRF token.
  std::pair<std::string, std::string> Login(const std::string& email, const std::string& password) {
    Reply r = app_.Call("POST", "/api/v1/auth/login", LoginBody(email, password), "");
    EXPECT_EQ(r.status, 200) << r.body;
    return {SessionCookieOf(r), StringAt(r, "csrf_token")};
  }

  TestApp app_;
  auth::User member_;
  std::string member_token_;
  std::string member_token_id_;
};

TEST_F(AuthApiTest, Scenarios) {
  const std::string member_id = IdToString(member_.id);
  const std::string admin_id = IdToString(app_.admin_user_id());
  auto no_secret = [this](const Reply& r) {
    EXPECT_EQ(r.body.find(member_token_), std::string::npos) << "a listed token shows its secret";
    EXPECT_EQ(r.body.find("rly_"), std::string::npos) << r.body;
  };
  const std::vector<Scenario> scenarios = {
      // Authentication
      {"no token", "GET", "/api/v1/users", "", 401, {"\"code\":\"unauthenticated\""}, ""},
      {"malformed token", "GET", "/api/v1/users", "", 401, {"unauthenticated"}, "not-a-token"},
      {"well-formed unknown token", "GET", "/api/v1/users", "", 401, {"unauthenticated"},
       "rly_1_" + std::string(43, 'A')},
      {"token naming another workspace", "GET", "/api/v1/users", "", 401, {"unauthenticated"},
       "rly_zz" + member_token_.substr(member_token_.find('_', 4))},
      {"member token", "GET", "/api/v1/auth/me", "", 200,
       {"\"role\":\"member\"", "\"auth\":\"token\"", "member@example.com"}, member_token_,
       [](const Reply& r) { EXPECT_EQ(StringAt(r, "csrf_token"), "") << "no CSRF for tokens"; }},
      {"admin token", "GET", "/api/v1/auth/me", "", 200, {"\"role\":\"admin\"", kAdminEmail}},

      // Users
      {"member lists users", "GET", "/api/v1/users", "", 200,
       {kAdminEmail, "member@example.com", "\"data\""}, member_token_},
      {"member cannot create a user", "POST", "/api/v1/users",
       R"({"email":"new@example.com","password":"long enough"})", 403, {"permission_denied"},
       member_token_},
      {"admin creates a user", "POST", "/api/v1/users",
       R"({"email":" New@Example.com ","name":"New  Person","role":"member","password":"long enough"})",
       201, {"\"email\":\"New@Example.com\"", "\"name\":\"New Person\"", "\"role\":\"member\""}},
      {"duplicate email in another case", "POST", "/api/v1/users", R"({"email":"MEMBER@example.com"})",
       409, {"already_exists", "duplicate", member_id}},
      {"bad user fields", "POST", "/api/v1/users",
       R"({"email":"nope","role":"owner","password":"short","colour":"red"})", 422,
       {"\"field\":\"role\"", "\"field\":\"colour\"", "unknown_field"}},
      {"user email required", "POST", "/api/v1/users", R"({"name":"x"})", 422, {"\"field\":\"email\"", "required"}},
      {"user password too short", "POST", "/api/v1/users",
       R"({"email":"short@example.com","password":"short"})", 422, {"\"field\":\"password\"", "too_short"}},
      {"malformed JSON", "POST", "/api/v1/users", R"({"email":)", 400, {"invalid_argument"}},
      {"get a user", "GET", "/api/v1/users/" + member_id, "", 200, {"member@example.com", "has_password"}},
      {"unknown user", "GET", "/api/v1/users/1", "", 404, {"not_found"}},
      {"member cannot patch a user", "PATCH", "/api/v1/users/" + admin_id, R"({"role":"member"})", 403,
       {"permission_denied"}, member_token_},
      {"last admin cannot be demoted", "PATCH", "/api/v1/users/" + admin_id, R"({"role":"member"})",
       409, {"failed_precondition"}},
      {"admin renames a member", "PATCH", "/api/v1/users/" + member_id, R"({"name":"Renamed"})", 200,
       {"\"name\":\"Renamed\""}},
      {"disabled must be boolean", "PATCH", "/api/v1/users/" + member_id, R"({"disabled":"yes"})",
       422, {"\"field\":\"disabled\""}},

      // Tokens
      {"member creates a token", "POST", "/api/v1/tokens", R"({"name":"zapier"})", 201,
       {"\"token\":\"rly_", "\"name\":\"zapier\"", member_id}, member_token_},
      {"token name required", "POST", "/api/v1/tokens", R"({})", 422, {"\"field\":\"name\""}},
      {"member cannot create a token for another user", "POST", "/api/v1/tokens",
       R"({"name":"x","user_id":")" + admin_id + R"("})", 403, {"permission_denied"}, member_token_},
      {"admin creates a token for a member", "POST", "/api/v1/tokens",
       R"({"name":"for member","user_id":")" + member_id + R"("})", 201, {"\"token\":\"rly_"}},
      {"member lists own tokens only", "GET", "/api/v1/tokens", "", 200,
       {"member token", "zapier", "for member"}, member_token_,
       [&](const Reply& r) {
         no_secret(r);
         EXPECT_EQ(r.body.find("\"user_id\":\"" + admin_id + "\""), std::string::npos) << r.body;
       }},
      {"admin lists every token", "GET", "/api/v1/tokens", "", 200,
       {"member token", "\"user_id\":\"" + admin_id + "\""}, TestApp::kAdminToken, no_secret},
      {"member cannot revoke the admin's token (404)", "DELETE",
       "/api/v1/tokens/" + [&] {
         auto list = app_.services().auth->ListTokens(app_.workspace_id(), app_.admin_user_id());
         return list.ok() && !list->empty() ? IdToString(list->front().id) : std::string("1");
       }(),
       "", 404, {"not_found"}, member_token_},
      {"unknown token id", "DELETE", "/api/v1/tokens/12345", "", 404, {"not_found"}},
      {"non-numeric token id", "DELETE", "/api/v1/tokens/abc", "", 404, {"not_found"}},

      // Login
      {"wrong password", "POST", "/api/v1/auth/login", LoginBody(kAdminEmail, "wrong password"), 401,
       {"email or password is wrong"}, ""},
      {"unknown email", "POST", "/api/v1/auth/login", LoginBody("ghost@example.com", kAdminPassword),
       401, {"email or password is wrong"}, ""},
      {"password missing", "POST", "/api/v1/auth/login", R"({"email":"admin@example.com"})", 422,
       {"\"field\":\"password\""}, ""},
      {"login needs no token", "POST", "/api/v1/auth/login", LoginBody(kAdminEmail, kAdminPassword), 200,
       {"csrf_token", "\"role\":\"admin\"", "\"workspace\""}, "",
       [](const Reply& r) {
         EXPECT_NE(SessionCookieOf(r), "");
         std::string cookie = r.Header("Set-Cookie");
         EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
         EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
         EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
       }},
  };
  RunScenarios(app_, scenarios);
}

TEST_F(AuthApiTest, FailedLoginsLookTheSame) {
  Reply wrong = app_.Call("POST", "/api/v1/auth/login", LoginBody(kAdminEmail, "nope nope"), "");
  Reply ghost = app_.Call("POST", "/api/v1/auth/login", LoginBody("ghost@example.com", "nope nope"), "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.status, ghost.status);
  EXPECT_EQ(wrong.body, ghost.body) << "the reply must not tell whether the email exists";
}

TEST_F(AuthApiTest, RevokedTokenIsRefusedAtOnce) {
  Reply created = app_.Call("POST", "/api/v1/tokens", R"({"name":"short-lived"})", member_token_);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = StringAt(created, "token");
  std::string id = StringAt(created, "id");
  EXPECT_EQ(app_.Call("GET", "/api/v1/auth/me", "", token).status, 200);
  EXPECT_EQ(app_.Call("DELETE", "/api/v1/tokens/" + id, "", token).status, 204);
  Reply after = app_.Call("GET", "/api/v1/auth/me", "", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.body.find("unauthenticated"), std::string::npos) << after.body;
  EXPECT_EQ(app_.Call("DELETE", "/api/v1/tokens/" + id, "").status, 404) << "already revoked";
}

TEST_F(AuthApiTest, TokenIsShownOnce) {
  Reply created = app_.Call("POST", "/api/v1/tokens", R"({"name":"ci"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = StringAt(created, "token");
  ASSERT_EQ(token.rfind("rly_", 0), 0u) << created.body;
  std::string secret = token.substr(token.size() - 43);
  for (const char* path : {"/api/v1/tokens", "/api/v1/auth/me", "/api/v1/users"}) {
    Reply r = app_.Call("GET", path, "");
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find(secret), std::string::npos) << path << " shows a secret: " << r.body;
  }
  Reply list = app_.Call("GET", "/api/v1/tokens", "");
  EXPECT_NE(list.body.find(StringAt(created, "id")), std::string::npos) << list.body;
}

TEST_F(AuthApiTest, SessionLoginCsrfAndLogout) {
  auto [cookie, csrf] = Login("Member@Example.com", kMemberPassword);
  ASSERT_FALSE(cookie.empty());
  ASSERT_EQ(csrf.size(), 43u);
  const std::pair<std::string, std::string> with_cookie = {"Cookie", "rally_session=" + cookie};
  const std::pair<std::string, std::string> with_csrf = {"X-CSRF-Token", csrf};

  Reply me = app_.Call("GET", "/api/v1/auth/me", "", "", {with_cookie});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(StringAt(me, "csrf_token"), csrf);
  EXPECT_EQ(StringAt(me, "auth"), "session");

  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    int want;
  };
  const Case cases[] = {
      {"no CSRF header", {with_cookie}, 403},
      {"wrong CSRF header", {with_cookie, {"X-CSRF-Token", std::string(43, 'x')}}, 403},
      {"empty CSRF header", {with_cookie, {"X-CSRF-Token", ""}}, 403},
      {"right CSRF header", {with_cookie, with_csrf}, 201},
  };
  for (const auto& c : cases) {
    Reply r = app_.Call("POST", "/api/v1/tokens", R"({"name":"from the UI"})", "", c.headers);
    EXPECT_EQ(r.status, c.want) << c.name << ": " << r.body;
    if (c.want == 403) EXPECT_NE(r.body.find("csrf"), std::string::npos) << c.name << ": " << r.body;
  }
  EXPECT_EQ(app_.Call("GET", "/api/v1/tokens", "", "", {with_cookie}).status, 200)
      << "safe methods need no CSRF token";
  EXPECT_EQ(app_.Call("POST", "/api/v1/users", R"({"email":"x@example.com"})", "",
                      {with_cookie, with_csrf}).status,
            403)
      << "a member's session is still a member";

  EXPECT_EQ(app_.Call("POST", "/api/v1/auth/logout", "", "", {with_cookie}).status, 403)
      << "logout is a POST like any other";
  Reply out = app_.Call("POST", "/api/v1/auth/logout", "", "", {with_cookie, with_csrf});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(app_.Call("GET", "/api/v1/auth/me", "", "", {with_cookie}).status, 401);
}

TEST_F(AuthApiTest, DisabledUserIsLockedOut) {
  auto [cookie, csrf] = Login("member@example.com", kMemberPassword);
  Reply off = app_.Call("PATCH", "/api/v1/users/" + IdToString(member_.id), R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_NE(off.body.find("\"disabled\":true"), std::string::npos);
  EXPECT_EQ(app_.Call("GET", "/api/v1/auth/me", "", member_token_).status, 401);
  EXPECT_EQ(app_.Call("GET", "/api/v1/auth/me", "", "", {{"Cookie", "rally_session=" + cookie}}).status,
            401);
  EXPECT_EQ(app_.Call("POST", "/api/v1/auth/login", LoginBody("member@example.com", kMemberPassword), "")
                .status,
            401);
}

TEST_F(AuthApiTest, RepeatedFailedLoginsAreRateLimited) {
  const std::string body = LoginBody("member@example.com", "wrong password");
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(app_.Call("POST", "/api/v1/auth/login", body, "").status, 401) << i;
  }
  Reply limited = app_.Call("POST", "/api/v1/auth/login",
                            LoginBody("member@example.com", kMemberPassword), "");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_NE(limited.body.find("resource_exhausted"), std::string::npos) << limited.body;
  EXPECT_EQ(app_.Call("POST", "/api/v1/auth/login", LoginBody(kAdminEmail, kAdminPassword), "").status,
            200)
      << "another email is not limited";
}

// The Authenticator on hand-built requests (no server): which credential wins, and how the
// Authorization header is read.
class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    auth_ = std::make_unique<auth::AuthService>(*db_, auth::AuthOptions::ForTesting());
    auto ws = auth_->CreateWorkspace("W");
    ASSERT_TRUE(ws.ok());
    auto admin = auth_->CreateUser(ws->id, auth::NewUser{"a@example.com", "", auth::Role::kAdmin, kAdminPassword});
    auto member = auth_->CreateUser(ws->id, auth::NewUser{"m@example.com", "", auth::Role::kMember, kMemberPassword});
    ASSERT_TRUE(admin.ok() && member.ok());
    admin_token_ = auth_->CreateToken(ws->id, admin->id, "a")->token;
    member_token_ = auth_->CreateToken(ws->id, member->id, "m")->token;
    auto login = auth_->Login(auth::LoginRequest{"m@example.com", kMemberPassword, {}, "t"});
    ASSERT_TRUE(login.ok());
    member_cookie_ = login->session_token;
    member_csrf_ = login->csrf_token;
  }

  // Runs a request through Require and returns the status and the principal's email.
  std::pair<int, std::string> Run(http::Method method,
                                  std::vector<std::pair<std::string, std::string>> headers,
                                  auth::Role min_role = auth::Role::kMember) {
    Authenticator authenticator(*auth_);
    std::string seen;
    http::Handler h = authenticator.Require(
        [&](http::Request&, const auth::Principal& p) {
          seen = p.user_email;
          return http::Response::NoContent();
        },
        min_role);
    http::Request req;
    req.method = method;
    req.path = "/api/v1/x";
    req.headers = std::move(headers);
    http::Response r = h(req);
    return {r.status, seen};
  }

  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<auth::AuthService> auth_;
  std::string admin_token_, member_token_, member_cookie_, member_csrf_;
};

TEST_F(AuthenticatorTest, Credentials) {
  using M = http::Method;
  const std::string cookie = "rally_session=" + member_cookie_;
  struct Case {
    std::string name;
    M method;
    std::vector<std::pair<std::string, std::string>> headers;
    auth::Role min_role;
    int want_status;
    std::string want_email;
  };
  const std::vector<Case> cases = {
      {"nothing", M::kGet, {}, auth::Role::kMember, 401, ""},
      {"bearer", M::kGet, {{"authorization", "Bearer " + member_token_}}, auth::Role::kMember, 204,
       "m@example.com"},
      {"scheme in any case, extra spaces", M::kGet, {{"authorization", "  bEaReR   " + member_token_ + " "}},
       auth::Role::kMember, 204, "m@example.com"},
      {"basic scheme", M::kGet, {{"authorization", "Basic dXNlcjpwYXNz"}}, auth::Role::kMember, 401, ""},
      {"bearer without token", M::kGet, {{"authorization", "Bearer"}}, auth::Role::kMember, 401, ""},
      {"bad bearer does not fall back to the cookie", M::kGet,
       {{"authorization", "Bearer nope"}, {"cookie", cookie}}, auth::Role::kMember, 401, ""},
      {"bearer wins over cookie", M::kGet,
       {{"authorization", "Bearer " + admin_token_}, {"cookie", cookie}}, auth::Role::kMember, 204,
       "a@example.com"},
      {"bearer POST needs no CSRF", M::kPost, {{"authorization", "Bearer " + member_token_}},
       auth::Role::kMember, 204, "m@example.com"},
      {"cookie GET", M::kGet, {{"cookie", "theme=dark; " + cookie}}, auth::Role::kMember, 204,
       "m@example.com"},
      {"cookie HEAD", M::kHead, {{"cookie", cookie}}, auth::Role::kMember, 204, "m@example.com"},
      {"cookie DELETE without CSRF", M::kDelete, {{"cookie", cookie}}, auth::Role::kMember, 403, ""},
      {"cookie PUT without CSRF", M::kPut, {{"cookie", cookie}}, auth::Role::kMember, 403, ""},
      {"cookie PATCH with CSRF", M::kPatch, {{"cookie", cookie}, {"x-csrf-token", member_csrf_}},
       auth::Role::kMember, 204, "m@example.com"},
      {"bad cookie", M::kGet, {{"cookie", "rally_session=rlys_1_" + std::string(43, 'A')}},
       auth::Role::kMember, 401, ""},
      {"member on an admin route", M::kGet, {{"authorization", "Bearer " + member_token_}},
       auth::Role::kAdmin, 403, ""},
      {"admin on an admin route", M::kGet, {{"authorization", "Bearer " + admin_token_}},
       auth::Role::kAdmin, 204, "a@example.com"},
  };
  for (const auto& c : cases) {
    auto [status, email] = Run(c.method, c.headers, c.min_role);
    EXPECT_EQ(status, c.want_status) << c.name;
    EXPECT_EQ(email, c.want_email) << c.name;
  }
}

TEST_F(AuthenticatorTest, EveryAuthRouteIsInTheOpenApiDocument) {
  http::Router router;
  Authenticator authenticator(*auth_);
  AddAuthRoutes(router, authenticator, *auth_);
  const json::object& paths = OpenApiDocument().at("paths").as_object();
  ASSERT_EQ(router.Routes().size(), 10u);
  for (const auto& route : router.Routes()) {
    std::string method = AsciiLowerForTest(http::MethodName(route.method));
    const json::value* path = paths.if_contains(route.pattern);
    ASSERT_NE(path, nullptr) << route.pattern;
    EXPECT_TRUE(path->as_object().contains(method)) << method << " " << route.pattern;
  }
}

TEST(ActorOfTest, TokenWhenUsedElseUser) {
  auth::Principal by_token{.workspace_id = 1, .user_id = 2, .token_id = 3};
  auth::Principal by_session{.workspace_id = 1, .user_id = 2, .session_id = 4};
  EXPECT_EQ(ActorOf(by_token).type, timeline::ActorType::kApiToken);
  EXPECT_EQ(ActorOf(by_token).id, 3);
  EXPECT_EQ(ActorOf(by_session).type, timeline::ActorType::kUser);
  EXPECT_EQ(ActorOf(by_session).id, 2);
}

}  // namespace
}  // namespace rally::api
