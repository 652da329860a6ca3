// `rally views ...` and the bulk contact commands (`rally contacts update --filter`,
// `rally contacts delete --filter`), run as the real binary on a temporary database.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/temp_dir.h"

namespace rally::testing {
namespace {

class ViewsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"user", "add", "--email", "admin@example.com", "--password", "correct horse battery", "--role", "admin"},
             {"user", "add", "--email", "mia@example.com", "--password", "member password 1", "--role", "member"},
             {"contacts", "add", "--email", "a@x.io", "--tags", "trial", "--score", "60"},
             {"contacts", "add", "--email", "b@x.io", "--tags", "trial,old"},
             {"contacts", "add", "--email", "c@x.io", "--tags", "paid"}}) {
      RunResult r = Rally(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  RunResult Rally(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return RunRally(args, dir_.path());
  }
  json::value RallyJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Rally(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto v = ParseJson(r.out);
    EXPECT_TRUE(v.ok()) << "stdout is not JSON: " << r.out;
    return v.ok() ? *v : json::value();
  }
  std::string Emails(const std::string& filter) {
    json::value page = RallyJson({"contacts", "list", "--filter", filter, "--sort", "email"});
    std::string out;
    if (!page.is_object()) return out;
    for (const json::value& c : page.at("data").as_array()) out += std::string(c.at("email").as_string()) + " ";
    return out;
  }

  TempDir dir_;
  std::string db_ = dir_.File("rally.db");
};

TEST_F(ViewsCliTest, UpdateAndDeleteByFilter) {
  json::value counts = RallyJson({"contacts", "update", "--filter", "tag:trial", "--set", "stage=customer",
                                  "--set", "owner=mia@example.com", "--add-tag", "converted", "--remove-tag", "trial"});
  EXPECT_EQ(json::serialize(counts), R"({"total":2,"changed":2,"unchanged":0,"skipped":0})");
  EXPECT_EQ(Emails("tag:converted stage:customer owner:mia@example.com"), "a@x.io b@x.io ");
  EXPECT_EQ(Emails("tag:trial"), "");
  json::value a = RallyJson({"contacts", "get", "a@x.io"});
  EXPECT_EQ(std::string(a.at("lifecycle_stage").as_string()), "customer");

  RunResult text = Rally({"contacts", "update", "--filter", "tag:converted", "--add-tag", "converted"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "updated 0 of 2 contacts (2 unchanged, 0 skipped)\n");

  struct Bad { std::vector<std::string> args; std::string in_err; };
  const Bad bad[] = {
      {{"contacts", "update", "--filter", "colour:red", "--add-tag", "x"}, "colour"},
      {{"contacts", "update", "--filter", "", "--set", "stage=won"}, "action.set.lifecycle_stage"},
      {{"contacts", "update", "--filter", "", "--set", "email=x@y.io"}, "action.set.email"},
      {{"contacts", "update", "--filter", ""}, "changes nothing"},
      {{"contacts", "delete"}, "--filter"},
  };
  for (const Bad& b : bad) {
    RunResult r = Rally(b.args);
    EXPECT_EQ(r.exit_code, 1) << b.in_err;
    EXPECT_NE(r.err.find(b.in_err), std::string::npos) << r.err;
  }

  RunResult del = Rally({"contacts", "delete", "--filter", "tag:old"});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.out, "deleted 1 of 1 contacts (0 unchanged, 0 skipped)\n");
  EXPECT_EQ(Emails(""), "a@x.io c@x.io ");
}

TEST_F(ViewsCliTest, CreateListShowDelete) {
  json::value made = RallyJson({"views", "create", "--name", "Hot trials", "--filter", "tag:trial score:>50",
                                "--sort", "-score", "--columns", "email, score", "--shared", "--user", "admin@example.com"});
  EXPECT_EQ(std::string(made.at("q").as_string()), "tags:trial lead_score:>50");
  EXPECT_EQ(json::serialize(made.at("columns")), R"(["email","lead_score"])");
  json::value mine = RallyJson({"views", "create", "--name", "Mine", "--user", "mia@example.com"});
  EXPECT_EQ(std::string(mine.at("visibility").as_string()), "private");

  json::value mias = RallyJson({"views", "list", "--user", "mia@example.com"});
  EXPECT_EQ(mias.at("data").as_array().size(), 2u);
  json::value shared = RallyJson({"views", "list"});
  EXPECT_EQ(shared.at("data").as_array().size(), 1u) << "without --user: shared views only";
  json::value shown = RallyJson({"views", "show", "hot TRIALS"});
  EXPECT_EQ(std::string(shown.at("sort").as_string()), "-score");

  RunResult r = Rally({"views", "create", "--name", "x", "--filter", "colour:red", "--user", "mia@example.com"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("colour"), std::string::npos) << r.err;
  r = Rally({"views", "create", "--name", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--user"), std::string::npos) << r.err;
  r = Rally({"views", "delete", "Hot trials", "--user", "mia@example.com"});
  EXPECT_EQ(r.exit_code, 1) << "a member may not delete another's shared view";
  EXPECT_NE(r.err.find("permission_denied"), std::string::npos) << r.err;
  r = Rally({"views", "show", "Mine"});
  EXPECT_EQ(r.exit_code, 1) << "a private view is not shown to others";

  r = Rally({"views", "delete", "Hot trials"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RallyJson({"views", "list"}).at("data").as_array().size(), 0u);
}

}  // namespace
}  // namespace rally::testing
