// Imports matching rows on a unique custom field (ImportOptions::match_on) instead of the email,
// on a real database (SQLite, and PostgreSQL in the pg: runs): a CRM export keyed by its own
// customer id updates the right contacts even where their emails changed.
#include <gtest/gtest.h>

#include <fstream>

#include "contacts/contacts_fixture.h"
#include "importexport/import_service.h"

namespace rally::importexport {
namespace {

using contacts::testing::kAda;
using contacts::testing::kWs;

class ImportMatchTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    fields::CustomFieldInput in;
    in.key = "customer_id";
    in.type = "text";
    in.unique = true;
    ASSERT_TRUE(fields_->Create(kWs, in).ok());
    ImportServiceOptions o;
    o.spool_dir = dir_.File("spool");
    o.batch_rows = 2;  // several batches even in small files
    imports_ = std::make_unique<ImportService>(*db_, *contacts_, o);
  }

  std::string WriteFile(const std::string& text) {
    std::string path = dir_.File("in" + std::to_string(++files_) + ".csv");
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // "first_name email customer_id" of a contact.
  std::string Describe(Id id) {
    auto c = contacts_->Get(kWs, id);
    if (!c.ok()) return "absent";
    const json::value* cid = c->custom.if_contains("customer_id");
    return c->first_name.value_or("") + " " + c->email + " " +
           (cid ? std::string(cid->as_string()) : "-");
  }

  std::unique_ptr<ImportService> imports_;
  int files_ = 0;
};

const json::object kByCustomerId{
    {"match_on", "custom.customer_id"},
    {"mapping", json::object{{"Customer ID", "custom.customer_id"}}}};

TEST_F(ImportMatchTest, RowsMatchOnTheCustomerIdAndMayChangeEmails) {
  contacts::Contact a = MustCreate(R"({"email":"a@x.io","first_name":"A","custom":{"customer_id":"C-1"}})");
  contacts::Contact b = MustCreate(R"({"email":"b@x.io","first_name":"B","custom":{"customer_id":"C-2"}})");
  contacts::Contact t = MustCreate(R"({"email":"taken@x.io","first_name":"T"})");
  std::string path = WriteFile(
      "Customer ID,Email,First Name\r\n"
      "C-1,ada@new.io,Ada\r\n"     // row 2: updates a, whose email changes
      " c-2,,Bea\r\n"              // 3: updates b (no email needed to update)
      "C-3,cy@x.io,Cy\r\n"         // 4: creates
      ",nocid@x.io,No\r\n"         // 5: rejected: no customer id
      "C-3,,Late\r\n"              // 6: merged into row 4's contact
      "C-4,,Nobody\r\n"            // 7: rejected: creating needs an email
      "C-2,taken@x.io,\r\n");      // 8: rejected: the new email is another contact's
  auto imp = imports_->CreateLocal(kWs, kAda, path, kByCustomerId);
  ASSERT_TRUE(imp.ok()) << imp.status().ToString();
  auto done = imports_->Run(kWs, imp->id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(json::serialize(done->counts.ToJson()),
            R"({"rows_read":7,"created":1,"updated":2,"skipped":0,"merged":1,"rejected":3})");
  EXPECT_EQ(json::serialize(done->options.ToJson().at("match_on")), R"("custom.customer_id")");
  EXPECT_EQ(Describe(a.id), "Ada ada@new.io C-1");
  EXPECT_EQ(Describe(b.id), "Bea b@x.io C-2");
  EXPECT_EQ(Describe(t.id), "T taken@x.io -");
  auto cy = contacts_->GetByEmail(kWs, "cy@x.io");
  ASSERT_TRUE(cy.ok());
  EXPECT_EQ(Describe(cy->id), "Late cy@x.io C-3");
  EXPECT_EQ(contacts_->GetByEmail(kWs, "a@x.io").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 4);

  std::string errors;
  ASSERT_TRUE(imports_->WriteErrorsCsv(kWs, imp->id, [&](std::string_view p) { errors += p; }).ok());
  EXPECT_NE(errors.find("row 5, column Customer ID: custom.customer_id is required"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("row 7, column Email: email is required"), std::string::npos) << errors;
  EXPECT_NE(errors.find("row 8, column Email: a contact with email taken@x.io already exists"),
            std::string::npos)
      << errors;

  // Re-running the same file changes nothing and creates no one.
  auto again = imports_->CreateLocal(kWs, kAda, path, kByCustomerId);
  ASSERT_TRUE(again.ok());
  auto rerun = imports_->Run(kWs, again->id);
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->counts.created, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 4);
}

TEST_F(ImportMatchTest, BadMatchOnNamesTheOption) {
  struct Case {
    std::string name, csv;
    json::object options;
    std::string want;
  };
  std::vector<Case> cases = {
      {"not a field spelling", "email,Customer ID\na@x.io,1\n", {{"match_on", "customer_id"}},
       "match_on:not_an_option"},
      {"no such field", "email,Customer ID\na@x.io,1\n", {{"match_on", "custom.nope"}},
       "match_on:not_found"},
      {"a field that is not unique", "email,Notes\na@x.io,1\n",
       {{"match_on", "custom.notes"}, {"mapping", json::object{{"Notes", "custom.notes"}}}},
       "match_on:not_unique"},
      {"a unique field no column maps to", "email,x\na@x.io,1\n",
       {{"match_on", "custom.customer_id"}}, "match_on:not_mapped"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto imp = imports_->CreateLocal(kWs, kAda, WriteFile(c.csv), c.options);
    Status s = imp.status();
    if (imp.ok()) s = imports_->DryRun(kWs, imp->id, {}).status();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(contacts::testing::ErrorList(s), std::vector<std::string>{c.want});
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
}

}  // namespace
}  // namespace rally::importexport
