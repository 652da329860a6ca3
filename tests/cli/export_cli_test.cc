// `rally export` through the real binary on a SQLite file filled by `rally contacts add`: CSV to
// a file (written whole, then renamed) and to stdout, the --json summary, --filter, --columns,
// --sort, the delimiter/BOM/protection flags, .xlsx read back by the project's reader, and the
// refusals (exit 1, the parameter named on stderr, no file left behind).
#include <gtest/gtest.h>

#include <filesystem>

#include "base/json.h"
#include "cli/rally_process.h"
#include "fixtures/temp_dir.h"
#include "importexport/row_reader.h"

namespace rally::testing {
namespace {

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("rally.db");
    RunResult u = Run({"user", "add", "--email", "admin@example.com", "--password", "correct horse battery",
                       "--role", "admin"});
    ASSERT_EQ(u.exit_code, 0) << u.err;
    for (std::vector<std::string> add : {
             std::vector<std::string>{"--email", "ada@example.com", "--first-name", "Ada, Countess", "--title", "=1+2"},
             std::vector<std::string>{"--email", "zoe@example.com", "--first-name", "Zoë 🎉"},
             std::vector<std::string>{"--email", "bob@example.com", "--first-name", "Bob"}}) {
      add.insert(add.begin(), {"contacts", "add"});
      RunResult r = Run(add);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return RunRally(args, dir_.path());
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(ExportCliTest, WritesCsvAndXlsx) {
  std::string out = dir_.File("out.csv");
  RunResult r = Run({"export", "--columns", "email,first_name,title", "--sort", "email", "-o", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadWholeFile(out),
            "email,first_name,title\r\nada@example.com,\"Ada, Countess\",'=1+2\r\nbob@example.com,Bob,\r\n"
            "zoe@example.com,Zoë 🎉,\r\n");
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
  auto summary = ParseJson(r.out);
  ASSERT_TRUE(summary.ok() && summary->is_object()) << r.out;
  EXPECT_EQ(summary->at("rows").as_int64(), 3);
  EXPECT_EQ(summary->at("format").as_string(), "csv");
  EXPECT_EQ(summary->at("file").as_string(), out);
  EXPECT_EQ(summary->at("columns").as_array().size(), 3u);

  r = Run({"export", "--filter", "first_name:bob", "--columns", "email,title", "--delimiter", "tab",
           "--no-formula-protection", "--bom"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\xEF\xBB\xBF" "email\ttitle\r\nbob@example.com\t\r\n") << "CSV to stdout without -o";

  std::string xlsx = dir_.File("out.xlsx");
  r = Run({"export", "--format", "xlsx", "--columns", "email,lead_score", "--sort", "email", "-o", xlsx});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto reader = importexport::OpenRowReader(xlsx, {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Detected().header, (std::vector<std::string>{"email", "lead_score"}));
  importexport::Row row;
  std::vector<std::string> emails;
  while (*(*reader)->Next(row)) emails.push_back(row.cells[0] + "=" + row.cells[1]);
  EXPECT_EQ(emails, (std::vector<std::string>{"ada@example.com=0", "bob@example.com=0", "zoe@example.com=0"}));
}

TEST_F(ExportCliTest, RefusesBadInputWithoutLeavingAFile) {
  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::string want_err;
  };
  std::string out = dir_.File("bad.csv");
  const std::vector<Case> cases = {
      {"unknown column", {"export", "--columns", "email,shoe", "-o", out}, "columns"},
      {"bad filter", {"export", "--filter", "shoe:9", "-o", out}, "q"},
      {"bad format", {"export", "--format", "pdf", "-o", out}, "format"},
      {"bad delimiter", {"export", "--delimiter", "x", "-o", out}, "delimiter"},
      {"xlsx needs a file", {"export", "--format", "xlsx"}, "-o FILE"},
      {"unknown view", {"export", "--view", "Nope", "-o", out}, "no shared saved view"},
  };
  for (const Case& c : cases) {
    RunResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.want_err), std::string::npos) << c.name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.name;
    EXPECT_FALSE(std::filesystem::exists(out + ".part")) << c.name;
  }
}

}  // namespace
}  // namespace rally::testing
