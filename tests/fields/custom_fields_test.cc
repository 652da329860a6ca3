#include "fields/custom_fields.h"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.h"

namespace rally::fields {
namespace {

class CustomFieldServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                     return tx.ExecScript(
                         "INSERT INTO workspaces (id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0)");
                   }).ok());
    service_ = std::make_unique<CustomFieldService>(*db_);
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<CustomFieldService> service_;
};

CustomFieldInput Input(std::string key, std::string type, std::vector<std::string> options = {}) {
  CustomFieldInput in;
  in.key = key;
  in.type = type;
  if (!options.empty()) in.options = options;
  return in;
}

TEST_F(CustomFieldServiceTest, CreateListRenameAndKeysPerWorkspace) {
  auto industry = service_->Create(1, Input("industry", "select", {"Software", "Retail"}));
  ASSERT_TRUE(industry.ok()) << industry.status().ToString();
  EXPECT_EQ(industry->def.label, "Industry");
  auto revenue = service_->Create(1, Input("annual_revenue", "number"));
  ASSERT_TRUE(revenue.ok());
  EXPECT_EQ(revenue->position, 1);

  auto dup = service_->Create(1, Input("industry", "text"));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(service_->Create(2, Input("industry", "text")).ok()) << "keys are per workspace";

  CustomFieldInput rename;
  rename.label = "  Annual   revenue (USD) ";
  auto renamed = service_->Update(1, revenue->id, rename);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->def.label, "Annual revenue (USD)");

  auto list = service_->List(1);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].def.key, "industry");
  EXPECT_EQ((*list)[0].def.options, (std::vector<std::string>{"Software", "Retail"}));
  EXPECT_EQ(service_->Get(2, revenue->id).status().code(), StatusCode::kNotFound);
}

TEST_F(CustomFieldServiceTest, RefusesBadDefinitionsNamingTheField) {
  struct Case { CustomFieldInput in; std::string field, code; };
  CustomFieldInput no_key;
  no_key.type = "text";
  const Case cases[] = {
      {no_key, "key", "required"},
      {Input("Industry", "text"), "key", "invalid"},
      {Input("1x", "text"), "key", "invalid"},
      {Input("x", "email"), "type", "invalid"},
      {Input("x", "select"), "options", "required"},
      {Input("x", "select", {"a", "A"}), "options", "duplicate"},
      {Input("x", "text", {"a"}), "options", "invalid"},
      {Input("email", "text"), "key", "reserved"},
      {Input("lead_score", "number"), "key", "reserved"},
      {Input("stage", "text"), "key", "reserved"},
      {Input("tags", "text"), "key", "reserved"},
  };
  for (const Case& c : cases) {
    auto got = service_->Create(1, c.in);
    ASSERT_FALSE(got.ok()) << c.field;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().details().at(0).field, c.field);
    EXPECT_EQ(got.status().details().at(0).code, c.code);
  }
  auto f = service_->Create(1, Input("x", "text"));
  ASSERT_TRUE(f.ok());
  CustomFieldInput change_type;
  change_type.type = "number";
  EXPECT_EQ(service_->Update(1, f->id, change_type).status().details().at(0).code, "immutable");
  CustomFieldInput same;  // a GET body sent back: key and type unchanged are accepted
  same.key = "x";
  same.type = "TEXT";
  same.label = "Ex";
  auto echoed = service_->Update(1, f->id, same);
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ(echoed->def.label, "Ex");
}

TEST_F(CustomFieldServiceTest, OptionInUseCannotBeRemoved) {
  auto f = service_->Create(1, Input("industry", "select", {"Software", "Retail"}));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.ExecScript(
                       "INSERT INTO contacts (workspace_id, id, email, email_norm, custom, created_at,"
                       " updated_at) VALUES (1, 10, 'a@x.io', 'a@x.io', '{\"industry\":\"Retail\"}', 0, 0)");
                 }).ok());
  CustomFieldInput in;
  in.options = std::vector<std::string>{"Software"};
  EXPECT_EQ(service_->Update(1, f->id, in).status().code(), StatusCode::kFailedPrecondition);
  in.options = std::vector<std::string>{"Retail", "Finance"};
  auto ok = service_->Update(1, f->id, in);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->def.options.size(), 2u);
}

}  // namespace
}  // namespace rally::fields
