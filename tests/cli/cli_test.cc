// The `rally` command line, run as the real binary on a temporary database: the forms scripts
// rely on (DESIGN.md §4), exit codes (0 success, 1 failure with "error: ..." on stderr, 2 usage),
// and that CLI writes go through the same rules as the API.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/temp_dir.h"

namespace rally::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  // `rally args... --db <temp db>`.
  RunResult Rally(std::vector<std::string> args, const ProcessOptions& options = {}) {
    args.push_back("--db");
    args.push_back(db_);
    return RunRally(args, dir_.path(), options);
  }

  // Runs a command that must succeed and returns its stdout parsed as JSON.
  json::value RallyJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Rally(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    auto v = ParseJson(r.out);
    EXPECT_TRUE(v.ok()) << "stdout is not JSON: " << Describe(args, r);
    return v.ok() ? *v : json::value();
  }

  static std::string Describe(const std::vector<std::string>& args, const RunResult& r) {
    std::string cmd = "rally";
    for (const auto& a : args) cmd += " " + a;
    return cmd + "\nexit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
  }

  // A workspace and an admin, as `rally user add` makes them on an empty database.
  void AddAdmin() {
    RunResult r = Rally({"user", "add", "--email", "admin@example.com", "--password", "correct horse battery",
                         "--role", "admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir dir_;
  std::string db_ = dir_.File("rally.db");
};

std::string Str(const json::value& v, std::string_view key) {
  const json::string* s = v.is_object() ? GetString(v.get_object(), key) : nullptr;
  return s ? std::string(*s) : std::string();
}

TEST_F(CliTest, MigrateAppliesOnceThenNothing) {
  json::value first = RallyJson({"migrate"});
  json::value second = RallyJson({"migrate"});
  ASSERT_TRUE(first.is_object() && second.is_object());
  EXPECT_GE(first.at("applied").as_int64(), 1);
  EXPECT_EQ(second.at("applied").as_int64(), 0);
  EXPECT_EQ(first.at("version"), second.at("version"));
  EXPECT_EQ(first.at("version").as_int64(), first.at("applied").as_int64());

  RunResult text = Rally({"migrate"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("applied 0 migration(s)"), std::string::npos) << text.out;
}

TEST_F(CliTest, UserAddOnEmptyDatabaseCreatesDefaultWorkspace) {
  // A member cannot be the first user: `rally serve` would then never create an admin.
  RunResult member = Rally({"user", "add", "--email", "member@example.com", "--password", "another long one"});
  EXPECT_EQ(member.exit_code, 1);
  EXPECT_NE(member.err.find("(role: first_user_not_admin)"), std::string::npos) << member.err;
  RunResult no_workspace = Rally({"user", "list"});
  EXPECT_EQ(no_workspace.exit_code, 1);
  EXPECT_NE(no_workspace.err.find("no workspace yet"), std::string::npos) << no_workspace.err;

  json::value user = RallyJson({"user", "add", "--email", "Owner@Example.com", "--password",
                                "correct horse battery", "--role", "admin"});
  EXPECT_EQ(Str(user, "role"), "admin");
  EXPECT_NE(Str(user, "email").find("xample.com"), std::string::npos);

  // The workspace it made is "Default", and commands find it by name or as the first one.
  json::value users = RallyJson({"user", "list", "--workspace", "Default"});
  ASSERT_EQ(users.at("data").as_array().size(), 1u);
  EXPECT_EQ(Str(users.at("data").as_array()[0], "id"), Str(user, "id"));

  // A second user joins the same workspace.
  RallyJson({"user", "add", "--email", "member@example.com", "--password", "another long one"});
  users = RallyJson({"user", "list"});
  ASSERT_EQ(users.at("data").as_array().size(), 2u);
  EXPECT_EQ(Str(users.at("data").as_array()[1], "role"), "member");
}

TEST_F(CliTest, TokenCreateJsonIsOneJsonObjectWithTheToken) {
  AddAdmin();
  RunResult r = Rally({"token", "create", "--user", "admin@example.com", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Scripts do `rally token create ... --json | jq -r .token`: stdout holds the object alone.
  ASSERT_TRUE(r.out.starts_with("{\"token\":\"rly_")) << r.out;
  ASSERT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
  auto v = ParseJson(r.out);
  ASSERT_TRUE(v.ok()) << r.out;
  EXPECT_GT(Str(*v, "token").size(), 20u);

  // Shown once: the list has the token, never its secret.
  RunResult list = Rally({"token", "list", "--json"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(Str(*v, "id")), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(Str(*v, "token")), std::string::npos) << list.out;

  RunResult text = Rally({"token", "create", "--user", "admin@example.com"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(text.out.starts_with("rly_")) << text.out;
}

TEST_F(CliTest, ContactsListFilter) {
  AddAdmin();
  RallyJson({"contacts", "add", "--email", "ada@example.com", "--first-name", "Ada", "--tags", "inbound",
             "--score", "72"});
  RallyJson({"contacts", "add", "--email", "john@example.com", "--first-name", "John", "--tags", "inbound",
             "--score", "20"});
  RallyJson({"contacts", "add", "--email", "jose@example.com", "--first-name", "José", "--score", "90"});

  json::value hot = RallyJson({"contacts", "list", "--filter", "tag:inbound score:>50"});
  ASSERT_EQ(hot.at("data").as_array().size(), 1u) << json::serialize(hot);
  EXPECT_EQ(Str(hot.at("data").as_array()[0], "email"), "ada@example.com");
  json::value search = RallyJson({"contacts", "list", "--filter", "JOS", "--sort", "-score"});
  ASSERT_EQ(search.at("data").as_array().size(), 1u) << json::serialize(search);
  EXPECT_EQ(Str(search.at("data").as_array()[0], "email"), "jose@example.com");

  RunResult text = Rally({"contacts", "list", "--filter", "jo", "--sort", "email"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_LT(text.out.find("john@example.com"), text.out.find("jose@example.com")) << text.out;
  EXPECT_EQ(text.out.find("ada@example.com"), std::string::npos) << text.out;

  RunResult bad = Rally({"contacts", "list", "--filter", "tag:x colour:red"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown field \"colour\" in \"colour:red\" at 6"), std::string::npos) << bad.err;
}

TEST_F(CliTest, ContactsAddGetListDeleteRestore) {
  AddAdmin();
  RallyJson({"fields", "add", "--key", "x", "--type", "text"});

  json::value ada = RallyJson({"contacts", "add", "--email", "Ada@Example.com", "--first-name", "Ada",
                               "--tags", "a, b", "--set", "custom.x=hello", "--score", "72", "--stage",
                               "Qualified", "--company", "Analytical Engines"});
  std::string ada_id = Str(ada, "id");
  ASSERT_FALSE(ada_id.empty());
  EXPECT_EQ(Str(ada, "first_name"), "Ada");
  EXPECT_EQ(ada.at("tags"), (json::array{"a", "b"}));
  EXPECT_EQ(ada.at("custom"), (json::object{{"x", "hello"}}));
  EXPECT_EQ(Str(ada, "lifecycle_stage"), "qualified");
  EXPECT_EQ(Str(ada, "band"), "hot");
  EXPECT_EQ(Str(ada.at("company"), "name"), "Analytical Engines");

  // By id (JSON) and by email in another case and spacing (text).
  json::value got = RallyJson({"contacts", "get", ada_id});
  EXPECT_EQ(got, ada);
  RunResult by_email = Rally({"contacts", "get", " ada@EXAMPLE.com "});
  ASSERT_EQ(by_email.exit_code, 0) << by_email.err;
  EXPECT_NE(by_email.out.find(ada_id), std::string::npos) << by_email.out;
  EXPECT_NE(by_email.out.find("Ada@Example.com"), std::string::npos) << by_email.out;

  // Without --json, add prints one line naming the new contact.
  RunResult grace = Rally({"contacts", "add", "--email", "grace@example.com", "--first-name", "Grace"});
  ASSERT_EQ(grace.exit_code, 0) << grace.err;
  EXPECT_NE(grace.out.find("grace@example.com"), std::string::npos) << grace.out;

  // Keyset pages of one: every contact exactly once, then no cursor.
  std::set<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    std::vector<std::string> args = {"contacts", "list", "--limit", "1"};
    if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
    json::value p = RallyJson(args);
    ASSERT_EQ(p.at("data").as_array().size(), 1u) << json::serialize(p);
    EXPECT_TRUE(seen.insert(Str(p.at("data").as_array()[0], "id")).second);
    if (p.at("next_cursor").is_null()) break;
    cursor = Str(p, "next_cursor");
  }
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen.count(ada_id));

  // Delete hides it everywhere; restore brings it back as it was.
  json::value deleted = RallyJson({"contacts", "delete", ada_id});
  EXPECT_EQ(Str(deleted, "deleted"), ada_id);
  RunResult gone = Rally({"contacts", "get", ada_id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("error: not_found"), std::string::npos) << gone.err;
  EXPECT_EQ(RallyJson({"contacts", "list"}).at("data").as_array().size(), 1u);
  RunResult again = Rally({"contacts", "delete", "ada@example.com"});
  EXPECT_EQ(again.exit_code, 1) << again.out;

  json::value restored = RallyJson({"contacts", "restore", ada_id});
  EXPECT_EQ(Str(restored, "email"), "Ada@Example.com");
  EXPECT_EQ(restored.at("custom"), (json::object{{"x", "hello"}}));
  EXPECT_EQ(RallyJson({"contacts", "list"}).at("data").as_array().size(), 2u);

  // Delete by email (text output names the id).
  RunResult by_email_delete = Rally({"contacts", "delete", "grace@example.com"});
  EXPECT_EQ(by_email_delete.exit_code, 0) << by_email_delete.err;
  EXPECT_NE(by_email_delete.out.find("deleted contact"), std::string::npos) << by_email_delete.out;
}

TEST_F(CliTest, FieldsListRenameDelete) {
  AddAdmin();
  RunResult add = Rally({"fields", "add", "--key", "plan", "--type", "select", "--options", "Free, Pro"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RallyJson({"fields", "add", "--key", "seats", "--type", "number", "--label", "Seats"});

  json::value list = RallyJson({"fields", "list"});
  ASSERT_EQ(list.at("data").as_array().size(), 2u);
  const json::value& plan = list.at("data").as_array()[0];
  EXPECT_EQ(Str(plan, "key"), "plan");
  EXPECT_EQ(Str(plan, "type"), "select");
  EXPECT_EQ(plan.at("options"), (json::array{"Free", "Pro"}));

  json::value renamed = RallyJson({"fields", "rename", "plan", "--label", "Billing plan"});
  EXPECT_EQ(Str(renamed, "label"), "Billing plan");
  EXPECT_EQ(Str(renamed, "key"), "plan");
  RunResult text_list = Rally({"fields", "list"});
  EXPECT_NE(text_list.out.find("Billing plan"), std::string::npos) << text_list.out;

  // Values are checked against the definition, and go with it when it is deleted.
  RunResult bad = Rally({"contacts", "add", "--email", "a@example.com", "--set", "custom.plan=Gold"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("custom.plan"), std::string::npos) << bad.err;
  json::value c = RallyJson({"contacts", "add", "--email", "a@example.com", "--set", "custom.plan=pro",
                             "--set", "custom.seats=12"});
  EXPECT_EQ(c.at("custom"), (json::object{{"plan", "Pro"}, {"seats", 12}}));

  json::value deleted = RallyJson({"fields", "delete", "plan"});
  EXPECT_EQ(Str(deleted, "deleted"), "plan");
  list = RallyJson({"fields", "list"});
  ASSERT_EQ(list.at("data").as_array().size(), 1u);
  EXPECT_EQ(Str(list.at("data").as_array()[0], "key"), "seats");
  EXPECT_EQ(RallyJson({"contacts", "get", "a@example.com"}).at("custom"), (json::object{{"seats", 12}}));

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"fields", "rename", "plan", "--label", "Again"}, {"fields", "delete", "plan"}}) {
    RunResult r = Rally(args);
    EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
    EXPECT_NE(r.err.find("error: not_found"), std::string::npos) << Describe(args, r);
  }
}

// Each refusal: its exit code, and the text stderr must hold (for failures, the field named).
// None of them may change the database.
TEST_F(CliTest, BadInputIsRefusedWithExitCodeAndMessage) {
  AddAdmin();
  RallyJson({"fields", "add", "--key", "size", "--type", "number"});
  RallyJson({"contacts", "add", "--email", "taken@example.com"});

  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string in_stderr;
  };
  const std::vector<Case> cases = {
      {{"contacts", "add", "--email", "not-an-email"}, 1, "(email: invalid)"},
      {{"contacts", "add", "--email", ""}, 1, "email"},
      {{"contacts", "add", "--email", " TAKEN@example.com"}, 1, "(email: duplicate)"},
      {{"contacts", "add", "--email", "new@example.com", "--score", "101"}, 1, "(lead_score: out_of_range)"},
      {{"contacts", "add", "--email", "new@example.com", "--score", "-1"}, 1, "(lead_score: out_of_range)"},
      {{"contacts", "add", "--email", "new@example.com", "--score", "abc"}, 1, "(lead_score: invalid)"},
      {{"contacts", "add", "--email", "new@example.com", "--stage", "prospect"}, 1, "lifecycle_stage"},
      {{"contacts", "add", "--email", "new@example.com", "--set", "custom.nope=1"}, 1, "custom.nope"},
      {{"contacts", "add", "--email", "new@example.com", "--set", "custom.size=big"}, 1, "custom.size"},
      {{"contacts", "add", "--email", "new@example.com", "--set", "nonsense=1"}, 1, "nonsense"},
      {{"contacts", "add", "--email", "new@example.com", "--set", "no-equals"}, 1, "FIELD=VALUE"},
      {{"contacts", "get", "nobody@example.com"}, 1, "error: not_found"},
      {{"contacts", "get", "12345"}, 1, "error: not_found"},
      {{"contacts", "restore", "not-an-id"}, 1, "error: not_found"},
      {{"contacts", "list", "--limit", "0"}, 1, "limit"},
      {{"contacts", "list", "--limit", "1001"}, 1, "limit"},
      {{"contacts", "list", "--cursor", "garbage"}, 1, "cursor"},
      {{"contacts", "list", "--workspace", "Nowhere"}, 1, "Nowhere"},
      {{"fields", "add", "--key", "9lives", "--type", "text"}, 1, "key"},
      {{"fields", "add", "--key", "size", "--type", "text"}, 1, "(key: duplicate"},
      {{"fields", "add", "--key", "color", "--type", "colour"}, 1, "type"},
      {{"user", "add", "--email", "x@example.com", "--role", "owner"}, 1, "role"},
      {{"user", "add", "--email", "x@example.com", "--password", "short"}, 1, "password"},
      {{"user", "add", "--email", "admin@example.com", "--password", "long enough pass"}, 1, "email"},
      {{"token", "create", "--user", "nobody@example.com"}, 1, "nobody@example.com"},
      {{"token", "revoke", "123"}, 1, "error: not_found"},
      // Usage errors: exit 2, CLI11's message.
      {{"contacts", "add", "--email", "new@example.com", "--no-such-flag"}, 2, "--no-such-flag"},
      {{"contacts", "add", "--first-name", "Nobody"}, 2, "--email"},
      {{"contacts", "frobnicate"}, 2, "rally contacts: unknown command \"frobnicate\" (commands: add, get,"},
      {{"frobnicate"}, 2, "rally: unknown command \"frobnicate\""},
      {{"contacts"}, 2, "subcommand"},
      {{"serve", "--workers", "many"}, 2, "many"},
  };
  for (const Case& c : cases) {
    RunResult r = Rally(c.args);
    SCOPED_TRACE(Describe(c.args, r));
    EXPECT_EQ(r.exit_code, c.exit_code);
    EXPECT_NE(r.err.find(c.in_stderr), std::string::npos);
    EXPECT_TRUE(r.out.empty());
    if (c.exit_code == 1) {
      EXPECT_NE(r.err.find("error: "), std::string::npos);
    }
  }

  // Unchanged: one contact, one user, one field.
  json::value contacts = RallyJson({"contacts", "list"});
  ASSERT_EQ(contacts.at("data").as_array().size(), 1u);
  EXPECT_EQ(Str(contacts.at("data").as_array()[0], "email"), "taken@example.com");
  EXPECT_EQ(RallyJson({"user", "list"}).at("data").as_array().size(), 1u);
  EXPECT_EQ(RallyJson({"fields", "list"}).at("data").as_array().size(), 1u);
}

TEST_F(CliTest, RunWithoutSubcommandIsUsageErrorAndHelpIsNot) {
  RunResult none = RunRally({}, dir_.path());
  EXPECT_EQ(none.exit_code, 2) << none.err;
  RunResult help = RunRally({"--help"}, dir_.path());
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* cmd : {"serve", "migrate", "user", "token", "contacts", "fields"})
    EXPECT_NE(help.out.find(cmd), std::string::npos) << cmd << " missing from:\n" << help.out;
}

// Where the database is: --db, else $RALLY_DATABASE_URL, else $RALLY_DB, else ./data/rally.db.
TEST_F(CliTest, DatabaseLocationFromFlagEnvironmentOrDefault) {
  std::string env_db = dir_.File("from-env.db");
  ProcessOptions env;
  env.env = {{"RALLY_DB", env_db}};
  RunResult added = RunRally({"user", "add", "--email", "env@example.com", "--password", "long enough pass",
                              "--role", "admin"},
                             dir_.path(), env);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_TRUE(std::filesystem::exists(env_db));
  RunResult listed = RunRally({"user", "list", "--db", env_db}, dir_.path());
  EXPECT_NE(listed.out.find("env@example.com"), std::string::npos) << listed.out << listed.err;

  // --db wins over $RALLY_DB.
  RunResult flag = Rally(
      {"user", "add", "--email", "flag@example.com", "--password", "long enough pass", "--role", "admin"}, env);
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_NE(Rally({"user", "list"}).out.find("flag@example.com"), std::string::npos);
  EXPECT_EQ(RunRally({"user", "list"}, dir_.path(), env).out.find("flag@example.com"), std::string::npos);

  // Neither: ./data/rally.db under the working directory (made when missing).
  std::filesystem::path cwd = dir_.path() / "work";
  std::filesystem::create_directory(cwd);
  ProcessOptions in_cwd;
  in_cwd.cwd = cwd;
  RunResult def = RunRally({"migrate"}, dir_.path(), in_cwd);
  EXPECT_EQ(def.exit_code, 0) << def.err;
  EXPECT_TRUE(std::filesystem::exists(cwd / "data" / "rally.db"));
}

// A PostgreSQL URL goes to the PostgreSQL backend (tests/cli/postgres_cli_test.cc runs the
// commands on a real server); one that cannot be reached is a clear error naming the server,
// and never falls back to a SQLite file.
TEST_F(CliTest, UnreachablePostgresUrlIsAClearError) {
  // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
  ProcessOptions env;
  env.env = {{"RALLY_DATABASE_URL", "postgres://rally@127.0.0.1:1/rally"}};
  struct Case {
    std::vector<std::string> args;
    ProcessOptions options;
  };
  const std::vector<Case> cases = {
      {{"contacts", "list", "--database-url", "postgres://rally@127.0.0.1:1/rally"}, {}},
      {{"migrate", "--database-url", "postgresql://127.0.0.1:1/rally"}, {}},
      {{"user", "add", "--email", "a@example.com", "--database-url", "postgres://127.0.0.1:1/rally"}, {}},
      {{"contacts", "list"}, env},
  };
  for (const Case& c : cases) {
    RunResult r = RunRally(c.args, dir_.path(), c.options);
    SCOPED_TRACE(Describe(c.args, r));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error: unavailable"), std::string::npos);
    EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos);
    EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << "names the server it tried";
  }
  // Nothing was created in the working directory instead.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data"));
}

}  // namespace
}  // namespace rally::testing
