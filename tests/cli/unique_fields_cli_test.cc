// `rally fields add --unique`, `rally fields unique KEY [--off]` and `rally import --match-on
// custom.<key>` as the real binary: a second export of another CRM, keyed by its customer id,
// updates the contacts the first one created even where the emails changed.
#include <gtest/gtest.h>

#include <fstream>

#include "base/json.h"
#include "cli/cli_db_test.h"
#include "fixtures/temp_dir.h"
#include "storage/database.h"

namespace rally::testing {
namespace {

using UniqueFieldsCliTest = CliDbTest;

TEST_F(UniqueFieldsCliTest, ImportsMatchOnAUniqueCustomerId) {
  RunResult r = Rally({"user", "add", "--email", "admin@example.com", "--password",
                       "correct horse battery", "--role", "admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json::object field = RallyJson({"fields", "add", "--key", "customer_id", "--type", "text", "--unique"});
  EXPECT_EQ(json::serialize(field["unique"]), "true");

  const std::string map = "Customer ID=custom.customer_id";
  json::object first = RallyJson({"import", Write("first.csv",
                                                  "Customer ID,Email,First Name\n"
                                                  "C-1,a@x.io,A\n"
                                                  "C-2,b@x.io,B\n"),
                                  "--map", map});
  EXPECT_EQ(json::serialize(first["created"]), "2");

  std::string second = Write("second.csv",
                             "Customer ID,Email,First Name\n"
                             "C-1,ada@new.io,Ada\n"
                             "c-2,,Bea\n");
  json::object again = RallyJson({"import", second, "--map", map, "--match-on", "custom.customer_id"});
  EXPECT_EQ(json::serialize(again["created"]), "0") << json::serialize(again);
  EXPECT_EQ(json::serialize(again["updated"]), "2") << json::serialize(again);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE email = 'ada@new.io' AND first_name = 'Ada'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE email = 'b@x.io' AND first_name = 'Bea'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails WHERE email_norm = 'a@x.io'"), 0);

  // A field that is not unique (or not there) is refused, naming the option, before any write.
  RunResult bad = Rally({"import", second, "--map", map, "--match-on", "custom.nope"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("match_on"), std::string::npos) << bad.err;

  // A field becomes unique only while its values do not repeat.
  ASSERT_EQ(Rally({"fields", "add", "--key", "region", "--type", "text"}).exit_code, 0);
  ASSERT_EQ(Rally({"import", Write("regions.csv", "Email,Region\na@y.io,North\nb@y.io,north\n")})
                .exit_code,
            0);
  RunResult refused = Rally({"fields", "unique", "region"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("north"), std::string::npos) << refused.err;
  json::object off = RallyJson({"fields", "unique", "customer_id", "--off"});
  EXPECT_EQ(json::serialize(off["unique"]), "false");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM custom_unique_values"), 0);
}

}  // namespace
}  // namespace rally::testing
