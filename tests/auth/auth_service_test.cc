#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <atomic>

#include "fixtures/temp_dir.h"

namespace rally::auth {
namespace {

constexpr char kPassword[] = "correct horse battery";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = Now();
    SetClockForTesting([this] { return now_.load(); });
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    auth_ = std::make_unique<AuthService>(*db_, AuthOptions::ForTesting());
    auto ws = auth_->CreateWorkspace("Acme");
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    ws_ = *ws;
    admin_ = MustCreateUser(ws_.id, "Admin@Example.com", Role::kAdmin, kPassword);
  }
  void TearDown() override { SetClockForTesting(nullptr); }

  User MustCreateUser(Id ws, std::string email, Role role, std::string password = kPassword) {
    auto u = auth_->CreateUser(ws, NewUser{std::move(email), "Someone", role, std::move(password)});
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : User{};
  }
  CreatedToken MustCreateToken(Id user_id, Id ws = 0) {
    auto t = auth_->CreateToken(ws ? ws : ws_.id, user_id, "test");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : CreatedToken{};
  }
  Result<LoginResult> LoginAs(std::string email, std::string password,
                              std::optional<Id> workspace = {}) {
    return auth_->Login(LoginRequest{std::move(email), std::move(password), workspace,
                                     "127.0.0.1:5000"});
  }
  void Advance(Micros by) { now_ += by; }

  std::atomic<Micros> now_{0};
  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<AuthService> auth_;
  Workspace ws_;
  User admin_;
};

TEST_F(AuthServiceTest, TokenAuthenticatesUntilRevoked) {
  CreatedToken t = MustCreateToken(admin_.id);
  EXPECT_EQ(t.token.rfind("rly_", 0), 0u);
  for (int i = 0; i < 2; ++i) {  // the second answer comes from the cache
    auto p = auth_->Authenticate(t.token);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->workspace_id, ws_.id);
    EXPECT_EQ(p->user_id, admin_.id);
    EXPECT_EQ(p->token_id, t.info.id);
    EXPECT_EQ(p->session_id, 0);
    EXPECT_EQ(p->role, Role::kAdmin);
    EXPECT_EQ(p->user_email, "Admin@Example.com");
    EXPECT_TRUE(p->csrf_token.empty());
  }
  ASSERT_TRUE(auth_->RevokeToken(ws_.id, t.info.id).ok());
  EXPECT_EQ(auth_->Authenticate(t.token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->RevokeToken(ws_.id, t.info.id).code(), StatusCode::kNotFound);
}

TEST_F(AuthServiceTest, BadTokensAreUnauthenticated) {
  auto other_ws = auth_->CreateWorkspace("Other");
  ASSERT_TRUE(other_ws.ok());
  MustCreateUser(other_ws->id, "admin@example.com", Role::kAdmin);
  CreatedToken t = MustCreateToken(admin_.id);
  std::string secret = t.token.substr(t.token.size() - 43);
  std::string flipped = t.token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  auto login = LoginAs("admin@example.com", kPassword, ws_.id);
  ASSERT_TRUE(login.ok()) << login.status().ToString();

  const std::pair<std::string, std::string> cases[] = {
      {"empty", ""},
      {"garbage", "hello"},
      {"other workspace named", "rly_" + ToBase36(other_ws->id) + "_" + secret},
      {"unknown workspace named", "rly_" + ToBase36(ws_.id + 1) + "_" + secret},
      {"secret changed", flipped},
      {"session token as API token", login->session_token},
      {"with Bearer prefix", "Bearer " + t.token},
  };
  for (const auto& [name, token] : cases) {
    EXPECT_EQ(auth_->Authenticate(token).status().code(), StatusCode::kUnauthenticated) << name;
  }
  EXPECT_EQ(auth_->AuthenticateSession(t.token).status().code(), StatusCode::kUnauthenticated)
      << "API token as session";
  EXPECT_TRUE(auth_->Authenticate(t.token).ok());
}

TEST_F(AuthServiceTest, AnotherProcessesRevokeTakesEffectWithinTheCacheTtl) {
  CreatedToken t = MustCreateToken(admin_.id);
  ASSERT_TRUE(auth_->Authenticate(t.token).ok());  // now cached here
  AuthService other_process(*db_, AuthOptions::ForTesting());
  ASSERT_TRUE(other_process.RevokeToken(ws_.id, t.info.id).ok());
  EXPECT_EQ(other_process.Authenticate(t.token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth_->Authenticate(t.token).ok()) << "documented: stale for up to cache_ttl";
  Advance(auth_->options().cache_ttl);
  EXPECT_EQ(auth_->Authenticate(t.token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, OnlyTheOwnerRevokesWhenOwnerIsGiven) {
  User member = MustCreateUser(ws_.id, "member@example.com", Role::kMember);
  CreatedToken admins = MustCreateToken(admin_.id);
  CreatedToken members = MustCreateToken(member.id);
  EXPECT_EQ(auth_->RevokeToken(ws_.id, admins.info.id, member.id).code(), StatusCode::kNotFound);
  EXPECT_TRUE(auth_->Authenticate(admins.token).ok());
  EXPECT_TRUE(auth_->RevokeToken(ws_.id, members.info.id, member.id).ok());
  auto other_ws = auth_->CreateWorkspace("Other");
  ASSERT_TRUE(other_ws.ok());
  EXPECT_EQ(auth_->RevokeToken(other_ws->id, admins.info.id).code(), StatusCode::kNotFound)
      << "a token id from another workspace names nothing";
}

TEST_F(AuthServiceTest, ListTokensShowsUnrevokedTokensByUser) {
  User member = MustCreateUser(ws_.id, "member@example.com", Role::kMember);
  CreatedToken a = MustCreateToken(admin_.id);
  CreatedToken b = MustCreateToken(member.id);
  CreatedToken c = MustCreateToken(member.id);
  ASSERT_TRUE(auth_->RevokeToken(ws_.id, c.info.id).ok());
  struct Case {
    std::optional<Id> user;
    std::vector<Id> want;
  };
  const Case cases[] = {{std::nullopt, {a.info.id, b.info.id}},
                        {admin_.id, {a.info.id}},
                        {member.id, {b.info.id}}};
  for (const auto& cs : cases) {
    auto list = auth_->ListTokens(ws_.id, cs.user);
    ASSERT_TRUE(list.ok());
    std::vector<Id> ids;
    for (const auto& t : *list) ids.push_back(t.id);
    EXPECT_EQ(ids, cs.want);
  }
}

TEST_F(AuthServiceTest, LastUsedIsWrittenAtMostOncePerMinute) {
  CreatedToken t = MustCreateToken(admin_.id);
  auto last_used = [&] {
    auto list = auth_->ListTokens(ws_.id, admin_.id);
    EXPECT_TRUE(list.ok() && list->size() == 1);
    return list->front().last_used_at;
  };
  EXPECT_EQ(last_used(), std::nullopt);
  Micros first = now_;
  ASSERT_TRUE(auth_->Authenticate(t.token).ok());
  EXPECT_EQ(last_used(), first);
  Advance(30 * kMicrosPerSecond);  // also past the cache TTL: reloaded from the database
  ASSERT_TRUE(auth_->Authenticate(t.token).ok());
  EXPECT_EQ(last_used(), first);
  Advance(30 * kMicrosPerSecond);
  ASSERT_TRUE(auth_->Authenticate(t.token).ok());
  EXPECT_EQ(last_used(), now_.load());
}

TEST_F(AuthServiceTest, DisablingAUserStopsTokensAndSessionsAtOnce) {
  User member = MustCreateUser(ws_.id, "member@example.com", Role::kMember);
  CreatedToken t = MustCreateToken(member.id);
  auto login = LoginAs("member@example.com", kPassword);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(auth_->Authenticate(t.token).ok());
  ASSERT_TRUE(auth_->AuthenticateSession(login->session_token).ok());

  auto disabled = auth_->UpdateUser(ws_.id, member.id, UserPatch{.disabled = true});
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_TRUE(disabled->disabled());
  EXPECT_EQ(auth_->Authenticate(t.token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateSession(login->session_token).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(LoginAs("member@example.com", kPassword).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->CreateToken(ws_.id, member.id, "x").status().code(),
            StatusCode::kFailedPrecondition);

  ASSERT_TRUE(auth_->UpdateUser(ws_.id, member.id, UserPatch{.disabled = false}).ok());
  EXPECT_TRUE(auth_->Authenticate(t.token).ok()) << "tokens come back with the user";
  EXPECT_EQ(auth_->AuthenticateSession(login->session_token).status().code(),
            StatusCode::kUnauthenticated)
      << "sessions were deleted";
}

TEST_F(AuthServiceTest, RoleChangesApplyToCachedPrincipals) {
  User member = MustCreateUser(ws_.id, "member@example.com", Role::kMember);
  CreatedToken t = MustCreateToken(member.id);
  ASSERT_EQ(auth_->Authenticate(t.token)->role, Role::kMember);
  ASSERT_TRUE(auth_->UpdateUser(ws_.id, member.id, UserPatch{.role = Role::kAdmin}).ok());
  EXPECT_EQ(auth_->Authenticate(t.token)->role, Role::kAdmin);
}

TEST_F(AuthServiceTest, TheWorkspaceKeepsAnEnabledAdmin) {
  const std::pair<std::string, UserPatch> refused[] = {
      {"demote", UserPatch{.role = Role::kMember}},
      {"disable", UserPatch{.disabled = true}},
  };
  for (const auto& [name, patch] : refused) {
    EXPECT_EQ(auth_->UpdateUser(ws_.id, admin_.id, patch).status().code(),
              StatusCode::kFailedPrecondition)
        << name;
  }
  auto still = auth_->GetUser(ws_.id, admin_.id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->role, Role::kAdmin);
  EXPECT_FALSE(still->disabled());
  MustCreateUser(ws_.id, "second@example.com", Role::kAdmin);
  EXPECT_TRUE(auth_->UpdateUser(ws_.id, admin_.id, UserPatch{.role = Role::kMember}).ok());
}

TEST_F(AuthServiceTest, CreateUserValidates) {
  struct Case {
    std::string name;
    NewUser input;
    StatusCode want;
    std::string want_field;
    std::string want_code;
  };
  const std::vector<Case> cases = {
      {"ok", {"  New.Person@Example.COM ", "  Ada   Lovelace ", Role::kMember, "longenough"},
       StatusCode::kOk, "", ""},
      {"no password is allowed", {"nopass@example.com", "", Role::kMember, ""}, StatusCode::kOk, "", ""},
      {"blank email", {"  ", "", Role::kMember, ""}, StatusCode::kInvalidArgument, "email", "required"},
      {"bad email", {"not-an-email", "", Role::kMember, ""}, StatusCode::kInvalidArgument, "email",
       "invalid"},
      {"short password", {"p@example.com", "", Role::kMember, "short"}, StatusCode::kInvalidArgument,
       "password", "too_short"},
      {"long name", {"q@example.com", std::string(201, 'n'), Role::kMember, ""},
       StatusCode::kInvalidArgument, "name", "too_long"},
      {"duplicate in another case", {" ADMIN@example.com", "", Role::kMember, ""},
       StatusCode::kAlreadyExists, "email", "duplicate"},
  };
  for (const auto& c : cases) {
    auto u = auth_->CreateUser(ws_.id, c.input);
    ASSERT_EQ(u.status().code(), c.want) << c.name << ": " << u.status().ToString();
    if (c.want == StatusCode::kOk) continue;
    ASSERT_FALSE(u.status().details().empty()) << c.name;
    EXPECT_EQ(u.status().details()[0].field, c.want_field) << c.name;
    EXPECT_EQ(u.status().details()[0].code, c.want_code) << c.name;
    if (c.want_code == "duplicate") {
      EXPECT_EQ(u.status().details()[0].existing_id, IdToString(admin_.id));
    }
  }
  auto found = auth_->FindUserByEmail(ws_.id, "new.person@example.com");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->email, "New.Person@Example.COM");
  EXPECT_EQ(found->name, "Ada Lovelace");
  EXPECT_TRUE(found->has_password);
  EXPECT_EQ(auth_->CreateUser(ws_.id + 1, NewUser{"x@example.com"}).status().code(),
            StatusCode::kNotFound);
  auto users = auth_->ListUsers(ws_.id);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 3u);
}

TEST_F(AuthServiceTest, LoginOpensASessionWithCsrf) {
  auto login = LoginAs("  ADMIN@example.com ", kPassword);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->user.id, admin_.id);
  EXPECT_EQ(login->workspace.id, ws_.id);
  EXPECT_EQ(login->workspace.name, "Acme");
  EXPECT_EQ(login->session_token.rfind("rlys_", 0), 0u);
  EXPECT_EQ(login->csrf_token.size(), 43u);
  EXPECT_EQ(login->expires_at, now_ + 14 * kMicrosPerDay);
  auto p = auth_->AuthenticateSession(login->session_token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user_id, admin_.id);
  EXPECT_EQ(p->session_id, login->session_id);
  EXPECT_EQ(p->token_id, 0);
  EXPECT_EQ(p->csrf_token, login->csrf_token);
  EXPECT_EQ(auth_->Authenticate(login->session_token).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, FailedLoginsLookAlike) {
  MustCreateUser(ws_.id, "nopass@example.com", Role::kMember, "");
  User off = MustCreateUser(ws_.id, "off@example.com", Role::kMember);
  ASSERT_TRUE(auth_->UpdateUser(ws_.id, off.id, UserPatch{.disabled = true}).ok());
  const std::pair<std::string, std::string> cases[] = {
      {"admin@example.com", "wrong password"},
      {"nobody@example.com", kPassword},
      {"nopass@example.com", ""},
      {"off@example.com", kPassword},
      {"", ""},
      {"not an email", kPassword},
  };
  for (const auto& [email, password] : cases) {
    auto r = LoginAs(email, password);
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << email;
    EXPECT_EQ(r.status().message(), "email or password is wrong") << email;
  }
  EXPECT_EQ(LoginAs("admin@example.com", kPassword, ws_.id + 1).status().code(),
            StatusCode::kUnauthenticated)
      << "a workspace the user is not in";
}

TEST_F(AuthServiceTest, FailedLoginsAreRateLimitedPerEmailAndClient) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(LoginAs("admin@example.com", "wrong").status().code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(LoginAs("Admin@Example.com", kPassword).status().code(),
            StatusCode::kResourceExhausted);
  auto elsewhere = auth_->Login(LoginRequest{"admin@example.com", kPassword, {}, "10.0.0.9:1"});
  EXPECT_TRUE(elsewhere.ok()) << "another client is not limited";
  EXPECT_EQ(auth_->Login(LoginRequest{"admin@example.com", kPassword, {}, "127.0.0.1:6000"})
                .status()
                .code(),
            StatusCode::kResourceExhausted)
      << "the client's port does not matter";
  Advance(60 * kMicrosPerSecond);
  EXPECT_TRUE(LoginAs("admin@example.com", kPassword).ok());
}

TEST_F(AuthServiceTest, SessionsExpireFourteenDaysAfterLastUse) {
  auto login = LoginAs("admin@example.com", kPassword);
  ASSERT_TRUE(login.ok());
  const std::string& token = login->session_token;
  Advance(10 * kMicrosPerDay);
  ASSERT_TRUE(auth_->AuthenticateSession(token).ok());  // slides the expiry to day 24
  Advance(10 * kMicrosPerDay);                          // day 20
  ASSERT_TRUE(auth_->AuthenticateSession(token).ok()) << "sliding expiry";
  // A fresh service reads the stored expiry, not this one's cache.
  AuthService restarted(*db_, AuthOptions::ForTesting());
  Advance(14 * kMicrosPerDay - 1);
  EXPECT_TRUE(restarted.AuthenticateSession(token).ok());
  Advance(14 * kMicrosPerDay);
  EXPECT_EQ(restarted.AuthenticateSession(token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateSession(token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, ACachedSessionStillExpiresOnTime) {
  AuthOptions options = AuthOptions::ForTesting();
  options.session_ttl = 5 * kMicrosPerSecond;  // shorter than the cache TTL
  AuthService short_sessions(*db_, options);
  auto login = short_sessions.Login(LoginRequest{"admin@example.com", kPassword, {}, "c"});
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(short_sessions.AuthenticateSession(login->session_token).ok());  // cached
  Advance(5 * kMicrosPerSecond);
  EXPECT_EQ(short_sessions.AuthenticateSession(login->session_token).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, LogoutEndsTheSession) {
  auto login = LoginAs("admin@example.com", kPassword);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(auth_->AuthenticateSession(login->session_token).ok());
  ASSERT_TRUE(auth_->Logout(login->session_token).ok());
  EXPECT_EQ(auth_->AuthenticateSession(login->session_token).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth_->Logout(login->session_token).ok()) << "twice is harmless";
  EXPECT_TRUE(auth_->Logout("garbage").ok());
}

TEST_F(AuthServiceTest, LoginWithAnEmailInSeveralWorkspaces) {
  auto second = auth_->CreateWorkspace("Second");
  auto third = auth_->CreateWorkspace("Third");
  ASSERT_TRUE(second.ok() && third.ok());
  MustCreateUser(second->id, "admin@example.com", Role::kMember, "other password");
  MustCreateUser(third->id, "admin@example.com", Role::kMember, kPassword);

  auto by_password = LoginAs("admin@example.com", "other password");
  ASSERT_TRUE(by_password.ok()) << by_password.status().ToString();
  EXPECT_EQ(by_password->workspace.id, second->id) << "only one workspace's password matches";

  auto ambiguous = LoginAs("admin@example.com", kPassword);
  ASSERT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ambiguous.status().details().at(0).field, "workspace_id");

  auto chosen = LoginAs("admin@example.com", kPassword, third->id);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->workspace.id, third->id);
}

TEST_F(AuthServiceTest, PasswordChangeAppliesToTheNextLogin) {
  ASSERT_TRUE(auth_->UpdateUser(ws_.id, admin_.id, UserPatch{.password = "a new password"}).ok());
  EXPECT_EQ(LoginAs("admin@example.com", kPassword).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(LoginAs("admin@example.com", "a new password").ok());
  EXPECT_EQ(auth_->UpdateUser(ws_.id, admin_.id, UserPatch{.password = "short"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(AuthServiceTest, Workspaces) {
  struct Case {
    std::string name, region;
    StatusCode want;
    std::string want_region;
  };
  const Case cases[] = {
      {"Beta", "de", StatusCode::kOk, "DE"},
      {"  ", "US", StatusCode::kInvalidArgument, ""},
      {"Gamma", "USA", StatusCode::kInvalidArgument, ""},
      {"Delta", "1a", StatusCode::kInvalidArgument, ""},
  };
  for (const auto& c : cases) {
    auto w = auth_->CreateWorkspace(c.name, c.region);
    ASSERT_EQ(w.status().code(), c.want) << c.name;
    if (w.ok()) {
      EXPECT_EQ(w->default_region, c.want_region);
      EXPECT_EQ(auth_->DefaultRegion(w->id).value_or(""), c.want_region);
    }
  }
  auto settings_version = [&] {
    int64_t v = -1;
    EXPECT_TRUE(db_->Read([&](storage::Connection& c) -> Status {
                     RALLY_ASSIGN_OR_RETURN(auto got, c.QueryInt("SELECT settings_version FROM "
                                                                 "workspaces WHERE id = ?",
                                                                 {ws_.id}));
                     v = got.value_or(-1);
                     return Status::Ok();
                   }).ok());
    return v;
  };
  int64_t version = settings_version();
  ASSERT_TRUE(auth_->SetDefaultRegion(ws_.id, "gb").ok());
  EXPECT_EQ(auth_->GetWorkspace(ws_.id)->default_region, "GB");
  // Caches of the field settings (fields/field_settings.h) reload on the bump.
  EXPECT_EQ(settings_version(), version + 1);
  EXPECT_EQ(auth_->SetDefaultRegion(ws_.id + 1, "GB").code(), StatusCode::kNotFound);
  auto all = auth_->ListWorkspaces();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().id, ws_.id) << "oldest first";
}

TEST(AuthBootstrapTest, BootstrapsAnEmptyDatabaseOnce) {
  rally::testing::TempDir dir;
  auto db = rally::testing::OpenTestDatabase(dir);
  ASSERT_NE(db, nullptr);
  AuthService auth(*db, AuthOptions::ForTesting());
  auto first = auth.Bootstrap();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  const BootstrapResult& b = **first;
  EXPECT_EQ(b.workspace.name, "Default");
  EXPECT_EQ(b.admin.email, "admin@localhost");
  EXPECT_EQ(b.admin.role, Role::kAdmin);
  EXPECT_GE(b.admin_password.size(), 16u);

  auto p = auth.Authenticate(b.token.token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user_id, b.admin.id);
  EXPECT_EQ(p->role, Role::kAdmin);
  auto login = auth.Login(LoginRequest{"Admin@Localhost", b.admin_password, {}, "cli"});
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->workspace.id, b.workspace.id);

  for (int i = 0; i < 2; ++i) {
    auto again = auth.Bootstrap();
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->has_value());
  }
  auto users = auth.ListUsers(b.workspace.id);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 1u);
  EXPECT_EQ(auth.ListWorkspaces()->size(), 1u);
}

}  // namespace
}  // namespace rally::auth
