// ContactService caches each workspace's field settings (custom field definitions, default
// region: fields/field_settings.h). These tests change the settings behind a service's back,
// as another process would (CustomFieldService and SQL here touch no cache), and check that
// no write is validated against what the cache held before. On both backends.
#include <gtest/gtest.h>

#include "contacts/contacts_fixture.h"

namespace rally::contacts {
namespace {

using testing::kWs;

class ContactFieldSettingsTest : public testing::ContactsTest {
 protected:
  // The settings as a write in progress sees them: a custom value refused with `code`, or ok.
  std::string Outcome(std::string_view input) {
    auto c = contacts_->Create(kWs, Obj(input), {timeline::ActorType::kUser, testing::kAda});
    if (c.ok()) return "ok";
    if (c.status().details().empty()) return c.status().ToString();
    return c.status().details()[0].field + ":" + c.status().details()[0].code;
  }

  Status Exec(std::string sql) {
    return db_->Write([&](storage::Transaction& tx) { return tx.Execute(sql).status(); });
  }
};

TEST_F(ContactFieldSettingsTest, FieldCreatedElsewhereIsAcceptedAtOnce) {
  // Caches the five fields of the fixture.
  EXPECT_EQ(Outcome(R"({"email":"a@x.io","custom":{"industry":"Retail"}})"), "ok");
  AddCustomField("tier", "select", {"Gold", "Silver"});
  // The cached definitions know no "tier": the refusal is checked against the current ones.
  EXPECT_EQ(Outcome(R"({"email":"b@x.io","custom":{"tier":"gold"}})"), "ok");
  EXPECT_EQ(Outcome(R"({"email":"c@x.io","custom":{"tier":"Bronze"}})"),
            "custom.tier:not_an_option");
  EXPECT_EQ(Outcome(R"({"email":"d@x.io","custom":{"nope":1}})"), "custom.nope:unknown_field");
}

TEST_F(ContactFieldSettingsTest, OptionRemovedElsewhereIsRefusedAtOnce) {
  EXPECT_EQ(Outcome(R"({"email":"a@x.io","custom":{"industry":"Retail"}})"), "ok");
  auto list = fields_->List(kWs);
  ASSERT_TRUE(list.ok());
  fields::CustomFieldInput in;
  in.options = std::vector<std::string>{"Retail", "Software"};  // "Health care" goes
  ASSERT_TRUE(fields_->Update(kWs, (*list)[0].id, in).ok());
  // The cache still allows "Health care": the write's own check of the version refuses it.
  std::string before = Snapshot();
  EXPECT_EQ(Outcome(R"({"email":"b@x.io","custom":{"industry":"health care"}})"),
            "custom.industry:not_an_option");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Outcome(R"({"email":"c@x.io","custom":{"industry":"software"}})"), "ok");
}

TEST_F(ContactFieldSettingsTest, FieldDeletedElsewhereIsRefusedAndItsValuesGone) {
  EXPECT_EQ(Outcome(R"({"email":"a@x.io","custom":{"notes":"hi"}})"), "ok");
  auto list = fields_->List(kWs);
  ASSERT_TRUE(list.ok());
  Id notes = 0;
  for (const auto& f : *list)
    if (f.def.key == "notes") notes = f.id;
  // Another service instance (another process's cache) deletes it.
  ContactService other(*db_, *bus_, *companies_);
  ASSERT_TRUE(
      other.DeleteCustomField(kWs, notes, {timeline::ActorType::kUser, testing::kAda}).ok());
  EXPECT_EQ(Outcome(R"({"email":"b@x.io","custom":{"notes":"again"}})"),
            "custom.notes:unknown_field");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE CAST(custom AS TEXT) LIKE '%notes%'"), 0);
}

TEST_F(ContactFieldSettingsTest, DefaultRegionChangedElsewhereAppliesToTheNextWrite) {
  auto us = contacts_->Create(kWs, Obj(R"({"email":"a@x.io","phone":"030 123456"})"),
                              {timeline::ActorType::kUser, testing::kAda});
  ASSERT_TRUE(us.ok()) << us.status().ToString();
  EXPECT_NE(us->phone_e164, std::optional<std::string>("+4930123456"));
  // What auth's workspace update does (tests/auth checks that it bumps).
  ASSERT_TRUE(Exec("UPDATE workspaces SET default_region = 'DE', settings_version = "
                   "settings_version + 1 WHERE id = 1")
                  .ok());
  auto de = contacts_->Create(kWs, Obj(R"({"email":"b@x.io","phone":"030 123456"})"),
                              {timeline::ActorType::kUser, testing::kAda});
  ASSERT_TRUE(de.ok()) << de.status().ToString();
  EXPECT_EQ(de->phone_e164, std::optional<std::string>("+4930123456"));
  auto patched = contacts_->Update(kWs, us->id, Obj(R"({"phone":"030 654321"})"),
                                   {timeline::ActorType::kUser, testing::kAda});
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  EXPECT_EQ(patched->phone_e164, std::optional<std::string>("+4930654321"));
}

TEST_F(ContactFieldSettingsTest, EveryDefinitionChangeBumpsTheVersion) {
  auto version = [&] { return Count("SELECT settings_version FROM workspaces WHERE id = 1"); };
  int64_t v0 = version();
  fields::CustomField f = AddCustomField("tier", "text");
  EXPECT_EQ(version(), v0 + 1) << "create";
  fields::CustomFieldInput rename;
  rename.label = "Tier";
  ASSERT_TRUE(fields_->Update(kWs, f.id, rename).ok());
  EXPECT_EQ(version(), v0 + 2) << "update";
  ASSERT_TRUE(
      contacts_->DeleteCustomField(kWs, f.id, {timeline::ActorType::kUser, testing::kAda}).ok());
  EXPECT_EQ(version(), v0 + 3) << "delete";
  EXPECT_EQ(Count("SELECT settings_version FROM workspaces WHERE id = 2"), 0) << "other workspace";
}

}  // namespace
}  // namespace rally::contacts
