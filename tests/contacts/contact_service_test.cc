#include "contacts/contact_service.h"

#include <gtest/gtest.h>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"

namespace rally::contacts::testing {
namespace {

const timeline::Actor kAdaActor{timeline::ActorType::kUser, kAda};
const timeline::Actor kTokenActor{timeline::ActorType::kApiToken, kToken};

TEST_F(ContactsTest, CreateStoresEveryFieldAndRecordsCreation) {
  Contact c = MustCreate(R"({
    "email": "  Ada.Lovelace@Example.COM ", "additional_emails": ["ada@work.example", "ADA@work.example"],
    "first_name": " Ada ", "last_name": "Lovelace", "phone": "(415) 555-2671", "mobile": "not a number",
    "title": "Countess", "department": "Math", "linkedin": "adalovelace", "twitter": "@ada",
    "street": "1 Main St", "city": "London", "state": "LDN", "postal_code": 12345, "country": "UK",
    "company": "  Analytical   Engines ", "owner": "BOB@example.com", "lifecycle_stage": "Qualified",
    "lead_score": "60", "lead_source": "referral", "tags": "Inbound,  event  attendee ,inbound",
    "custom": {"industry": "software", "employees": "250", "vip": "yes", "renewal": "2026-01-31"},
    "id": "ignored", "band": "ignored"
  })");
  json::object j = ContactToJson(c);
  EXPECT_EQ(j["email"], "Ada.Lovelace@Example.COM");
  EXPECT_EQ(json::serialize(j["additional_emails"]), R"(["ada@work.example"])");
  EXPECT_EQ(j["first_name"], "Ada");
  EXPECT_EQ(j["phone"], "(415) 555-2671");
  EXPECT_EQ(j["phone_e164"], "+14155552671");
  EXPECT_EQ(j["mobile"], "not a number");  // kept as typed, never refused
  EXPECT_TRUE(j["mobile_e164"].is_null());
  EXPECT_EQ(j["linkedin"], "https://www.linkedin.com/in/adalovelace");
  EXPECT_EQ(j["twitter"], "https://x.com/ada");
  EXPECT_EQ(j["postal_code"], "12345");
  EXPECT_EQ(j["company"].as_object()["name"], "Analytical Engines");
  EXPECT_EQ(j["owner"].as_object()["id"], json::value(IdToString(kBob)));
  EXPECT_EQ(j["lifecycle_stage"], "qualified");
  EXPECT_EQ(j["lead_score"], 60);
  EXPECT_EQ(j["band"], "hot");
  EXPECT_EQ(json::serialize(j["tags"]), R"(["event attendee","Inbound"])");
  EXPECT_EQ(json::serialize(j["custom"]),
            R"({"industry":"Software","employees":250,"vip":true,"renewal":"2026-01-31"})");

  auto got = contacts_->Get(kWs, c.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::serialize(ContactToJson(*got)), json::serialize(j)) << "read differs from write";

  EXPECT_EQ(Timeline(c.id), std::vector<std::string>{"contact_created {}"});
  EXPECT_EQ(EventNames(), (std::vector<std::string>{"company.created", "contact.created",
                                                    "contact.tag_added", "contact.tag_added"}));
  EXPECT_EQ(batches_.size(), 1u);
  EXPECT_EQ(batches_[0][1].actor_type, "user");
  EXPECT_EQ(batches_[0][1].actor_id, kAda);
}

TEST_F(ContactsTest, UpdateRecordsOneEntryPerChangeWithItsActor) {
  Contact c = MustCreate(R"({"email":"a@x.io","title":"Engineer","tags":["Inbound","Old"],
                             "custom":{"industry":"Retail"}})");
  batches_.clear();
  auto updated = contacts_->Update(kWs, c.id, Obj(R"({
      "title": "CTO", "lifecycle_stage": "CUSTOMER", "lead_score": 80, "add_tags": ["vip"],
      "remove_tags": "old", "custom": {"industry": null, "employees": 12}, "first_name": null})"),
      kTokenActor);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(Timeline(c.id), (std::vector<std::string>{
                                R"(tag_removed {"tag":"Old"})",
                                R"(tag_added {"tag":"vip"})",
                                R"(lifecycle_changed {"from":"lead","to":"customer"})",
                                R"(field_updated {"field":"custom.industry","from":"Retail","to":null})",
                                R"(field_updated {"field":"custom.employees","from":null,"to":12})",
                                R"(field_updated {"field":"lead_score","from":0,"to":80})",
                                R"(field_updated {"field":"title","from":"Engineer","to":"CTO"})",
                                "contact_created {}",
                            }));
  auto page = timeline_->List(kWs, c.id, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->actors[0].name, "zapier");
  EXPECT_EQ(page->data[0].actor.type, timeline::ActorType::kApiToken);
  EXPECT_EQ(page->actors.back().name, "Ada Lovelace");

  ASSERT_EQ(batches_.size(), 1u);
  const events::Event& e = batches_[0][0];
  ASSERT_NE(e.As<events::ContactUpdated>(), nullptr);
  EXPECT_EQ(e.As<events::ContactUpdated>()->changed_fields,
            (std::vector<std::string>{"title", "lifecycle_stage", "lead_score", "tags",
                                      "custom.employees", "custom.industry"}));
  EXPECT_EQ(EventNames(), (std::vector<std::string>{"contact.updated", "contact.lifecycle_changed",
                                                    "contact.lead_score_changed",
                                                    "contact.tag_added", "contact.tag_removed"}));
}

TEST_F(ContactsTest, UnchangedPatchWritesNothing) {
  Contact c = MustCreate(R"({"email":"a@x.io","title":"CTO","tags":["A"],"lead_score":5})");
  batches_.clear();
  std::string before = Snapshot();
  auto same = contacts_->Update(
      kWs, c.id, Obj(R"({"email":" a@x.io ","title":" CTO","tags":"a","lead_score":"5"})"), kAdaActor);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->updated_at, c.updated_at);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_TRUE(batches_.empty());
}

TEST_F(ContactsTest, EmailCaseChangeIsAnUpdateNotADuplicate) {
  Contact c = MustCreate(R"({"email":"a@x.io"})");
  auto u = contacts_->Update(kWs, c.id, Obj(R"({"email":"A@x.io"})"), kAdaActor);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->email, "A@x.io");
  EXPECT_EQ(Timeline(c.id).front(), R"(field_updated {"field":"email","from":"a@x.io","to":"A@x.io"})");
  EXPECT_TRUE(contacts_->GetByEmail(kWs, "a@X.io").ok());
}

TEST_F(ContactsTest, DuplicateEmailInAnyCaseOrSpacingIsRefusedNamingTheHolder) {
  Contact first = MustCreate(R"({"email":"ada@example.com","additional_emails":["ada@home.example"]})");
  const std::string inputs[] = {
      R"({"email":"ada@example.com"})",
      R"({"email":"  ADA@Example.COM  "})",
      R"({"email":"Ada@EXAMPLE.com"})",
      R"({"email":"ada@HOME.example"})",                             // an additional email
      R"({"email":"new@x.io","additional_emails":["ADA@example.com"]})",  // as additional
  };
  std::string before = Snapshot();
  for (const std::string& in : inputs) {
    auto got = contacts_->Create(kWs, Obj(in), kAdaActor);
    ASSERT_FALSE(got.ok()) << in;
    EXPECT_EQ(got.status().code(), StatusCode::kAlreadyExists) << in;
    ASSERT_EQ(got.status().details().size(), 1u) << in;
    EXPECT_EQ(got.status().details()[0].code, "duplicate");
    EXPECT_EQ(got.status().details()[0].existing_id, IdToString(first.id)) << in;
    EXPECT_NE(got.status().message().find(IdToString(first.id)), std::string::npos);
  }
  EXPECT_EQ(Snapshot(), before);
  // Updating another contact onto a taken email is refused the same way.
  Contact other = MustCreate(R"({"email":"other@x.io"})");
  auto u = contacts_->Update(kWs, other.id, Obj(R"({"additional_emails":"x@x.io, Ada@Home.Example"})"),
                             kAdaActor);
  ASSERT_EQ(u.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(u.status().details()[0].field, "additional_emails");
  // Both emails find the holder.
  for (std::string_view e : {"ADA@example.com", " ada@home.example"}) {
    auto found = contacts_->GetByEmail(kWs, e);
    ASSERT_TRUE(found.ok()) << e;
    EXPECT_EQ(found->id, first.id);
  }
}

TEST_F(ContactsTest, ReleasedEmailsCanBeReused) {
  Contact c = MustCreate(R"({"email":"a@x.io","additional_emails":["b@x.io"]})");
  ASSERT_TRUE(contacts_->Update(kWs, c.id, Obj(R"({"email":"c@x.io","additional_emails":null})"),
                                kAdaActor).ok());
  EXPECT_EQ(contacts_->GetByEmail(kWs, "a@x.io").status().code(), StatusCode::kNotFound);
  MustCreate(R"({"email":"a@x.io"})");
  MustCreate(R"({"email":"b@x.io"})");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), 3);
}

TEST_F(ContactsTest, InvalidInputNamesEveryBadFieldAndChangesNothing) {
  MustCreate(R"({"email":"exists@x.io"})");
  struct Case {
    std::string input;
    std::vector<std::string> want;  // field:code
  };
  const Case cases[] = {
      {R"({})", {"email:required"}},
      {R"({"email":null})", {"email:required"}},
      {R"({"email":"   "})", {"email:required"}},
      {R"({"email":"not-an-email"})", {"email:invalid"}},
      {R"({"email":42})", {"email:invalid"}},
      {R"({"email":"a@x.io","lead_score":101})", {"lead_score:out_of_range"}},
      {R"({"email":"a@x.io","lead_score":-1})", {"lead_score:out_of_range"}},
      {R"({"email":"a@x.io","lead_score":"abc"})", {"lead_score:invalid"}},
      {R"({"email":"a@x.io","lead_score":5.5})", {"lead_score:invalid"}},
      {R"({"email":"a@x.io","lifecycle_stage":"prospect"})", {"lifecycle_stage:not_an_option"}},
      {R"({"email":"a@x.io","custom":{"shoe_size":3}})", {"custom.shoe_size:unknown_field"}},
      {R"({"email":"a@x.io","custom":{"employees":"many"}})", {"custom.employees:invalid"}},
      {R"({"email":"a@x.io","custom":{"renewal":"someday"}})", {"custom.renewal:invalid"}},
      {R"({"email":"a@x.io","custom":{"vip":"perhaps"}})", {"custom.vip:invalid"}},
      {R"({"email":"a@x.io","custom":{"industry":"Mining"}})", {"custom.industry:not_an_option"}},
      {R"({"email":"a@x.io","custom":[1]})", {"custom:invalid"}},
      {R"({"email":"a@x.io","owner":"nobody@x.io"})", {"owner:not_found"}},
      {R"({"email":"a@x.io","owner":"12"})", {"owner:not_found"}},  // a user of another workspace
      {R"({"email":"a@x.io","owner":true})", {"owner:invalid"}},
      {R"({"email":"a@x.io","company":{"id":"999"}})", {"company:not_found"}},
      {R"({"email":"a@x.io","company":"   "})", {"company:required"}},
      {R"({"email":"a@x.io","tags":[1,2]})", {"tags:invalid"}},
      {R"({"email":"a@x.io","linkedin":"http://"})", {"linkedin:invalid"}},
      {R"({"email":"a@x.io","colour":"red"})", {"colour:unknown_field"}},
      {R"({"email":"a@x.io","additional_emails":["ok@x.io","bad"]})", {"additional_emails[1]:invalid"}},
      // Every problem of one input at once.
      {R"({"email":"bad","lead_score":101,"lifecycle_stage":"x","custom":{"nope":1,"vip":"?"}})",
       {"email:invalid", "lead_score:out_of_range", "lifecycle_stage:not_an_option",
        "custom.nope:unknown_field", "custom.vip:invalid"}},
  };
  std::string before = Snapshot();
  for (const Case& c : cases) {
    auto got = contacts_->Create(kWs, Obj(c.input), kAdaActor);
    ASSERT_FALSE(got.ok()) << c.input;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << c.input;
    EXPECT_EQ(ErrorList(got.status()), c.want) << c.input << " -> " << got.status().ToString();
  }
  EXPECT_EQ(Snapshot(), before);
  EXPECT_TRUE(batches_.size() == 1) << "only the first create published";
}

TEST_F(ContactsTest, PatchValidationAndClearing) {
  Contact c = MustCreate(R"({"email":"a@x.io","title":"CTO","lead_score":40,"lifecycle_stage":"customer",
                             "company":"Acme","owner":"ada@example.com","custom":{"vip":true}})");
  std::string before = Snapshot();
  auto bad = contacts_->Update(kWs, c.id, Obj(R"({"email":null,"lead_score":500})"), kAdaActor);
  EXPECT_EQ(ErrorList(bad.status()), (std::vector<std::string>{"email:required", "lead_score:out_of_range"}));
  EXPECT_EQ(Snapshot(), before);
  auto cleared = contacts_->Update(kWs, c.id, Obj(R"({"title":null,"lead_score":null,"lifecycle_stage":null,
                                                      "company":null,"owner":null,"custom":null})"), kAdaActor);
  ASSERT_TRUE(cleared.ok()) << cleared.status().ToString();
  EXPECT_EQ(cleared->title, std::nullopt);
  EXPECT_EQ(cleared->lead_score, 0);
  EXPECT_EQ(cleared->lifecycle_stage, 0);
  EXPECT_EQ(cleared->company.has_value(), false);
  EXPECT_EQ(cleared->owner.has_value(), false);
  EXPECT_TRUE(cleared->custom.empty());
  EXPECT_EQ(json::serialize(ContactToJson(*contacts_->Get(kWs, c.id))), json::serialize(ContactToJson(*cleared)));
}

TEST_F(ContactsTest, CompanyByNameOrIdAndOwnerByEmailOrId) {
  Contact a = MustCreate(R"({"email":"a@x.io","company":{"name":"Acme","domain":"https://acme.com/"},"owner":{"id":"10"}})");
  ASSERT_TRUE(a.company);
  Contact b = MustCreate(R"({"email":"b@x.io","company":"ACME ","owner":{"email":"bob@EXAMPLE.com"}})");
  Contact c = MustCreate("{\"email\":\"c@x.io\",\"company\":{\"id\":\"" + IdToString(a.company->id) +
                         "\"},\"owner\":\"11\"}");
  EXPECT_EQ(b.company->id, a.company->id);
  EXPECT_EQ(c.company->id, a.company->id);
  EXPECT_EQ(b.company->name, "Acme");
  EXPECT_EQ(a.owner->email, "ada@example.com");
  EXPECT_EQ(b.owner->id, kBob);
  EXPECT_EQ(c.owner->id, kBob);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 1);
  auto co = companies_->GetWithContactCount(kWs, a.company->id);
  ASSERT_TRUE(co.ok());
  EXPECT_EQ(co->first.domain, "acme.com");
  EXPECT_EQ(co->second, 3);
  auto u = contacts_->Update(kWs, b.id, Obj(R"({"company":"Globex"})"), kAdaActor);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(Timeline(b.id).front(), R"(field_updated {"field":"company","from":"Acme","to":"Globex"})");
}

TEST_F(ContactsTest, TagsAreNormalizedMatchedCaseInsensitivelyAndKeepFirstSpelling) {
  Contact a = MustCreate(R"({"email":"a@x.io","tags":["  Event   Attendee ", "VIP"]})");
  Contact b = MustCreate(R"({"email":"b@x.io","tags":"event attendee, vip ,,NEW"})");
  std::vector<std::string> names;
  for (const TagRef& t : b.tags) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Event Attendee", "NEW", "VIP"}));
  EXPECT_EQ(a.tags[0].id, b.tags[0].id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), 5);
  auto too_long = contacts_->Create(kWs, Obj("{\"email\":\"c@x.io\",\"tags\":[\"" + std::string(101, 'x') + "\"]}"),
                                    kAdaActor);
  EXPECT_EQ(ErrorList(too_long.status()), std::vector<std::string>{"tags:too_long"});
}

TEST_F(ContactsTest, SoftDeleteRestoreAndPurge) {
  Contact c = MustCreate(R"({"email":"a@x.io","tags":["t"],"company":"Acme"})");
  ASSERT_TRUE(contacts_->Delete(kWs, c.id, kAdaActor).ok());
  EXPECT_EQ(contacts_->Get(kWs, c.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->GetByEmail(kWs, "a@x.io").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->Delete(kWs, c.id, kAdaActor).code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->Update(kWs, c.id, Obj(R"({"title":"x"})"), kAdaActor).status().code(),
            StatusCode::kNotFound);
  auto list = ContactSearch(*db_).List(query::QueryContext{kWs, std::nullopt}, {});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(list->data.empty());
  // The email stays reserved while the contact can be restored, and the refusal says why.
  auto dup = contacts_->Create(kWs, Obj(R"({"email":"A@x.io"})"), kAdaActor);
  ASSERT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().details()[0].existing_id, IdToString(c.id));
  EXPECT_NE(dup.status().message().find("deleted"), std::string::npos) << dup.status().message();

  auto restored = contacts_->Restore(kWs, c.id, kAdaActor);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->tags.size(), 1u);
  EXPECT_EQ(contacts_->Restore(kWs, c.id, kAdaActor).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Timeline(c.id)[0], "contact_restored {}");
  EXPECT_EQ(Timeline(c.id)[1], "contact_deleted {}");

  // Purge takes only contacts deleted before the cut-off, with everything hanging off them.
  Contact keep = MustCreate(R"({"email":"keep@x.io"})");
  ASSERT_TRUE(contacts_->Delete(kWs, c.id, kAdaActor).ok());
  ASSERT_TRUE(contacts_->Delete(kWs, keep.id, kAdaActor).ok());
  Micros cut = Now();
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return tx.Execute("UPDATE contacts SET deleted_at = ? WHERE id = ?",
                                     {cut + kMicrosPerDay, keep.id}).status();
                 }).ok());
  batches_.clear();
  auto purged = contacts_->PurgeDeleted(cut);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM activities WHERE contact_id = " + IdToString(c.id)), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), 1);
  EXPECT_EQ(EventNames(), std::vector<std::string>{"contact.purged"});
  EXPECT_EQ(contacts_->Restore(kWs, c.id, kAdaActor).status().code(), StatusCode::kNotFound);
  MustCreate(R"({"email":"a@x.io"})");  // free again
}

TEST_F(ContactsTest, OtherWorkspacesAreInvisible) {
  Contact mine = MustCreate(R"({"email":"a@x.io","company":"Acme","tags":["t"]})");
  Contact theirs = MustCreate(R"({"email":"a@x.io","owner":"eve@example.com","company":"Acme"})", kOtherWs);
  EXPECT_NE(mine.company->id, theirs.company->id);
  std::string before = Snapshot();
  EXPECT_EQ(contacts_->Get(kOtherWs, mine.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->Update(kOtherWs, mine.id, Obj(R"({"title":"x"})"), kAdaActor).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(contacts_->Delete(kOtherWs, mine.id, kAdaActor).code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->Restore(kOtherWs, mine.id, kAdaActor).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contacts_->AddActivity(kOtherWs, mine.id, {}, kAdaActor).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(timeline_->List(kOtherWs, mine.id, {}).status().code(), StatusCode::kNotFound);
  // A company id of the other workspace is unknown here.
  auto cross = contacts_->Update(kWs, mine.id,
                                 Obj("{\"company\":{\"id\":\"" + IdToString(theirs.company->id) + "\"}}"),
                                 kAdaActor);
  EXPECT_EQ(ErrorList(cross.status()), std::vector<std::string>{"company:not_found"});
  EXPECT_EQ(Snapshot(), before);
  auto found = contacts_->GetByEmail(kOtherWs, "A@x.io");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, theirs.id);
  auto list = ContactSearch(*db_).List(query::QueryContext{kOtherWs, std::nullopt}, {});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->data.size(), 1u);
  EXPECT_EQ(list->data[0].id, theirs.id);
}

TEST_F(ContactsTest, PhonesUseTheWorkspaceRegion) {
  Contact us = MustCreate(R"({"email":"a@x.io","phone":"415 555 2671"})");
  Contact de = MustCreate(R"({"email":"a@x.io","phone":"030 901820"})", kOtherWs);
  EXPECT_EQ(us.phone_e164, "+14155552671");
  EXPECT_EQ(de.phone_e164, "+4930901820");
  auto u = contacts_->Update(kWs, us.id, Obj(R"({"phone":null,"mobile":"+44 20 7946 0958"})"), kAdaActor);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->phone_e164, std::nullopt);
  EXPECT_EQ(u->mobile_e164, "+442079460958");
}

TEST_F(ContactsTest, AddActivityMovesLastActivityForward) {
  Contact c = MustCreate(R"({"email":"a@x.io"})");
  EXPECT_EQ(c.last_activity_at, std::nullopt);
  auto note = timeline::ParseNewActivity(Obj(R"({"type":"note","body":"Met at the fair"})"));
  ASSERT_TRUE(note.ok());
  batches_.clear();
  auto a = contacts_->AddActivity(kWs, c.id, *note, kAdaActor);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto got = contacts_->Get(kWs, c.id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->last_activity_at);
  EXPECT_EQ(*got->last_activity_at, a->occurred_at);
  EXPECT_EQ(got->updated_at, c.updated_at);
  EXPECT_EQ(Timeline(c.id).front(), R"(note {"body":"Met at the fair"})");
  EXPECT_EQ(EventNames(), std::vector<std::string>{"contact.activity_added"});
  // A back-dated call does not move it back.
  auto call = timeline::ParseNewActivity(
      Obj(R"({"type":"call","direction":"inbound","occurred_at":"2020-01-01T00:00:00Z"})"));
  ASSERT_TRUE(call.ok());
  ASSERT_TRUE(contacts_->AddActivity(kWs, c.id, *call, kAdaActor).ok());
  EXPECT_EQ(contacts_->Get(kWs, c.id)->last_activity_at, got->last_activity_at);
  ASSERT_TRUE(contacts_->Delete(kWs, c.id, kAdaActor).ok());
  EXPECT_EQ(contacts_->AddActivity(kWs, c.id, *note, kAdaActor).status().code(), StatusCode::kNotFound);
}

TEST_F(ContactsTest, DeleteCustomFieldRemovesItsValues) {
  fields::CustomField shoe = AddCustomField("shoe", "number");
  Contact a = MustCreate(R"({"email":"a@x.io","custom":{"shoe":42,"notes":"shoe"}})");
  Contact b = MustCreate(R"({"email":"b@x.io","custom":{"notes":"likes \"shoe\" jokes"}})");
  batches_.clear();
  ASSERT_TRUE(contacts_->DeleteCustomField(kWs, shoe.id, kAdaActor).ok());
  EXPECT_EQ(json::serialize(contacts_->Get(kWs, a.id)->custom), R"({"notes":"shoe"})");
  EXPECT_EQ(json::serialize(contacts_->Get(kWs, b.id)->custom), R"({"notes":"likes \"shoe\" jokes"})");
  EXPECT_EQ(EventNames(), (std::vector<std::string>{"contact.updated", "custom_field.deleted"}));
  EXPECT_EQ(contacts_->DeleteCustomField(kWs, shoe.id, kAdaActor).code(), StatusCode::kNotFound);
  auto again = contacts_->Update(kWs, a.id, Obj(R"({"custom":{"shoe":1}})"), kAdaActor);
  EXPECT_EQ(ErrorList(again.status()), std::vector<std::string>{"custom.shoe:unknown_field"});
  // Another workspace's field id is not found here.
  fields::CustomField theirs = AddCustomField("size", "number", {}, kOtherWs);
  EXPECT_EQ(contacts_->DeleteCustomField(kWs, theirs.id, kAdaActor).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace rally::contacts::testing
