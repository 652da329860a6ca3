// `rally import` as the real binary: the --json object scripts rely on, mappings from flags,
// dry runs, and kill -9 in the middle of an import followed by --resume and a plain re-run:
// the database stays consistent and no contact is duplicated.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>

#include "base/json.h"
#include "cli/cli_db_test.h"
#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::testing {
namespace {

class ImportCliTest : public CliDbTest {
 protected:
  void SetUp() override {
    RunResult r = Rally({"user", "add", "--email", "admin@example.com", "--password", "correct horse battery",
                         "--role", "admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(ImportCliTest, JsonIsOneObjectWithCountsDetectionAndMapping) {
  // Semicolons, Windows-1252 bytes, an Outlook header.
  std::string path = Write("outlook.csv",
                           "First Name;Last Name;E-mail Address;Company;Categories\r\n"
                           "Jos\xE9;Garc\xED" "a;jose@x.io;Acme;Customers\r\n"
                           "Ana;;ana@x.io;;\r\n"
                           ";;broken;;\r\n");
  json::object out = RallyJson({"import", path, "--tag", "outlook"});
  for (std::string key : {"import_id", "created", "updated", "skipped", "rejected", "encoding", "delimiter",
                          "header_row", "mapping"}) {
    EXPECT_TRUE(out.contains(key)) << key << " in " << json::serialize(out);
  }
  EXPECT_EQ(json::serialize(out["created"]), "2");
  EXPECT_EQ(json::serialize(out["rejected"]), "1");
  EXPECT_EQ(json::serialize(out["encoding"]), R"("windows-1252")");
  EXPECT_EQ(json::serialize(out["delimiter"]), R"(";")");
  EXPECT_EQ(json::serialize(out["header_row"]), "1");
  EXPECT_EQ(json::serialize(out["mapping"]),
            R"({"First Name":"first_name","Last Name":"last_name","E-mail Address":"email","Company":"company","Categories":"tags"})");

  // --map overrides one column; --dry-run writes nothing.
  json::object dry = RallyJson({"import", path, "--map", "Company=ignore,Categories=title", "--dry-run"});
  EXPECT_EQ(json::serialize(dry["updated"]), "1") << json::serialize(dry);
  EXPECT_EQ(json::serialize(dry["mapping"]).find("Company"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE title IS NOT NULL"), 0);

  RunResult bad = Rally({"import", path, "--map", "Nope=email"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("mapping.Nope"), std::string::npos) << bad.err;
}

TEST_F(ImportCliTest, KillNineMidImportThenResumeAndRerunCreateNoDuplicates) {
  std::string csv = "email,first_name,tags\n";
  // Enough rows for the import to outlast its first commit by far: batches share a commit for
  // up to a second (storage::Database::WriteDeferred), and the kill must come in the middle.
  const int kRows = 30000;
  for (int i = 0; i < kRows; ++i) {
    // Every 50th row repeats an earlier email.
    int n = i % 50 == 49 ? i - 7 : i;
    csv += "p" + std::to_string(n) + "@x.io,P" + std::to_string(i) + ",t" + std::to_string(i % 5) + "\n";
  }
  std::string path = Write("big.csv", csv);
  std::set<std::string> emails;
  for (int i = 0; i < kRows; ++i) emails.insert(std::to_string(i % 50 == 49 ? i - 7 : i));

  {
    RallyProcess p({"import", path, "--db", db_}, dir_.path());
    // Let some batches commit, then kill -9.
    for (int i = 0; i < 600 && Count("SELECT COUNT(*) FROM contacts") < 1000 && p.Running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    p.Signal(SIGKILL);
    p.WaitExit(std::chrono::seconds(10));
  }
  int64_t mid = Count("SELECT COUNT(*) FROM contacts");
  int64_t checkpoint = Count("SELECT checkpoint_row FROM imports");
  int64_t created_mid = Count("SELECT COUNT(*) FROM activities WHERE type = 'contact_created'");
  EXPECT_EQ(mid, created_mid) << "every contact has its creation entry: no half-written batch";
  if (Count("SELECT COUNT(*) FROM imports WHERE state = 'running'") == 1) {
    EXPECT_GT(checkpoint, 1);
    json::object resumed = RallyJson({"import", path, "--resume"});
    EXPECT_EQ(json::serialize(resumed["state"]), R"("succeeded")");
    EXPECT_EQ(json::serialize(resumed["rows_read"]), std::to_string(kRows));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), static_cast<int64_t>(emails.size()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), static_cast<int64_t>(emails.size()));

  // Re-running the same file: every row matches by email.
  json::object again = RallyJson({"import", path});
  EXPECT_EQ(json::serialize(again["created"]), "0");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), static_cast<int64_t>(emails.size()));
}

}  // namespace
}  // namespace rally::testing
