#include <gtest/gtest.h>

#include "contacts/contact_service.h"
#include "contacts/contacts_fixture.h"

namespace rally::contacts::testing {
namespace {

const timeline::Actor kImport{timeline::ActorType::kImport, 77};

class BatchTest : public ContactsTest {
 protected:
  std::vector<BatchItemResult> Run(std::string_view items_json) {
    auto v = ParseJson(items_json);
    EXPECT_TRUE(v.ok() && v->is_array());
    std::vector<ContactInput> items;
    for (const json::value& item : v->as_array()) items.push_back(item.as_object());
    auto r = contacts_->Batch(kWs, items, kImport);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<BatchItemResult>{};
  }
  static std::vector<std::string> Statuses(const std::vector<BatchItemResult>& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) out.emplace_back(BatchStatusName(r.status));
    return out;
  }
};

TEST_F(BatchTest, OneResultPerItemAndABadItemSinksNothingElse) {
  Contact existing = MustCreate(R"({"email":"old@x.io","title":"Engineer"})");
  batches_.clear();
  auto results = Run(R"([
    {"email":"new@x.io","tags":["Imported"],"company":"Acme"},
    {"email":"OLD@x.io","title":"CTO"},
    {"email":"bad@x.io","lead_score":101},
    {"email":"not an email"},
    {"email":"other@x.io","custom":{"industry":"Mining"}},
    {"email":"two@x.io","tags":"imported, second"},
    {"email":"ghost@x.io","tags":["ghost"],"company":"Ghost Co","owner":"nobody@x.io"},
    {"email":"three@x.io","additional_emails":["new@x.io"],"tags":["ghost"],"company":"Ghost Co"}
  ])");
  // The refused items 6 and 7 were refused before writing: no tag or company of theirs exists.
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"created", "updated", "error", "error",
                                                         "error", "created", "error", "error"}));
  EXPECT_EQ(ErrorList(results[6].error), std::vector<std::string>{"owner:not_found"});
  EXPECT_EQ(ErrorList(results[7].error), std::vector<std::string>{"additional_emails:duplicate"});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 1);
  EXPECT_EQ(results[1].id, existing.id);
  EXPECT_EQ(ErrorList(results[2].error), std::vector<std::string>{"lead_score:out_of_range"});
  EXPECT_EQ(ErrorList(results[3].error), std::vector<std::string>{"email:invalid"});
  EXPECT_EQ(ErrorList(results[4].error), std::vector<std::string>{"custom.industry:not_an_option"});
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].index, i);
  EXPECT_EQ(json::serialize(results[2].ToJson()["error"].as_object()["code"]), R"("invalid_argument")");

  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags"), 2);  // "Imported" resolved once, kept its spelling
  auto updated = contacts_->Get(kWs, existing.id);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->email, "old@x.io") << "the match key is not a change";
  EXPECT_EQ(updated->title, "CTO");
  EXPECT_EQ(Timeline(existing.id).front(), R"(field_updated {"field":"title","from":"Engineer","to":"CTO"})");
  // The whole batch publishes once.
  ASSERT_EQ(batches_.size(), 1u);
  EXPECT_EQ(batches_[0].front().actor_type, "import");
}

TEST_F(BatchTest, ItemsSharingAnEmailMerge) {
  auto results = Run(R"([
    {"email":"m@x.io","title":"A","tags":["x"],"custom":{"vip":true}},
    {"email":"solo@x.io"},
    {"email":" M@x.IO ","last_name":"L","add_tags":["y"],"custom":{"employees":3}},
    {"email":"m@x.io","title":"B","lead_score":200},
    {"email":"m@x.io","remove_tags":["x"],"add_tags":"z"}
  ])");
  EXPECT_EQ(Statuses(results),
            (std::vector<std::string>{"created", "created", "created", "error", "created"}));
  EXPECT_EQ(results[0].id, results[2].id);
  EXPECT_EQ(results[0].id, results[4].id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 2);
  auto m = contacts_->Get(kWs, results[0].id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->title, "A");  // the bad item 3 merged nothing
  EXPECT_EQ(m->last_name, "L");
  EXPECT_EQ(m->email, "m@x.io");  // the last spelling of the merged items
  EXPECT_EQ(json::serialize(ContactToJson(*m)["tags"]), R"(["y","z"])");
  EXPECT_EQ(json::serialize(m->custom), R"({"vip":true,"employees":3})");
  EXPECT_EQ(Timeline(m->id), std::vector<std::string>{"contact_created {}"});
}

TEST_F(BatchTest, UnchangedItemsWriteNothing) {
  Contact c = MustCreate(R"({"email":"a@x.io","title":"CTO","tags":["t"]})");
  batches_.clear();
  std::string before = Snapshot();
  auto results = Run(R"([{"email":"a@x.io","title":"CTO","tags":"T"}])");
  EXPECT_EQ(Statuses(results), std::vector<std::string>{"unchanged"});
  EXPECT_EQ(results[0].id, c.id);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_TRUE(batches_.empty());
}

TEST_F(BatchTest, MatchesAdditionalEmailsWithoutReplacingThePrimary) {
  Contact c = MustCreate(R"({"email":"main@x.io","additional_emails":["alt@x.io"]})");
  auto results = Run(R"([{"email":"ALT@x.io","title":"T"}])");
  EXPECT_EQ(Statuses(results), std::vector<std::string>{"updated"});
  EXPECT_EQ(results[0].id, c.id);
  auto got = contacts_->Get(kWs, c.id);
  EXPECT_EQ(got->email, "main@x.io");
  EXPECT_EQ(got->additional_emails, std::vector<std::string>{"alt@x.io"});
  EXPECT_EQ(got->title, "T");
}

TEST_F(BatchTest, EmailConflictsInsideAndOutsideTheBatch) {
  Contact deleted = MustCreate(R"({"email":"gone@x.io"})");
  ASSERT_TRUE(contacts_->Delete(kWs, deleted.id, {}).ok());
  auto results = Run(R"([
    {"email":"a@x.io","additional_emails":["shared@x.io"]},
    {"email":"b@x.io","additional_emails":["shared@x.io"]},
    {"email":"gone@x.io","title":"back?"},
    {"email":"shared@x.io","title":"matched the new contact"}
  ])");
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"created", "error", "error", "updated"}));
  EXPECT_EQ(results[1].error.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(results[1].error.details().at(0).existing_id, IdToString(results[0].id));
  EXPECT_EQ(results[2].error.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(results[2].error.details().at(0).existing_id, IdToString(deleted.id));
  EXPECT_EQ(results[3].id, results[0].id);
  EXPECT_EQ(contacts_->Get(kWs, results[0].id)->title, "matched the new contact");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL"), 1);
}

// The batch path queues its writes and flushes them as one statement per table: a contact that
// several items reach (by its primary and an additional email) is written once, with the sum of
// their changes, and every change is on its timeline.
TEST_F(BatchTest, OneContactReachedByTwoItemsGetsBothChanges) {
  Contact c = MustCreate(R"({"email":"main@x.io","additional_emails":["alt@x.io"],
                             "tags":["keep","drop"]})");
  batches_.clear();
  auto results = Run(R"([
    {"email":"main@x.io","title":"CTO","add_tags":["new"]},
    {"email":"ALT@x.io","last_name":"L","remove_tags":["drop"]},
    {"email":"other@x.io","tags":["keep"]}
  ])");
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"updated", "updated", "created"}));
  EXPECT_EQ(results[0].id, c.id);
  EXPECT_EQ(results[1].id, c.id);
  auto got = contacts_->Get(kWs, c.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, "CTO");
  EXPECT_EQ(got->last_name, "L");
  EXPECT_EQ(got->email, "main@x.io");
  EXPECT_EQ(json::serialize(ContactToJson(*got)["tags"]), R"(["keep","new"])");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags WHERE contact_id = " + IdToString(c.id)), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails WHERE contact_id = " + IdToString(c.id)), 2);
  EXPECT_EQ(Timeline(c.id), (std::vector<std::string>{
                                R"(tag_removed {"tag":"drop"})",
                                R"(field_updated {"field":"last_name","from":null,"to":"L"})",
                                R"(tag_added {"tag":"new"})",
                                R"(field_updated {"field":"title","from":null,"to":"CTO"})",
                                "contact_created {}",
                            }));
  ASSERT_EQ(batches_.size(), 1u);
}

// Mixed creates and updates whose emails change hands inside one batch: every old email row
// goes before any new one is written.
TEST_F(BatchTest, AnEmailMovesBetweenContactsOfOneBatch) {
  Contact y = MustCreate(R"({"email":"y@x.io","additional_emails":["moving@x.io"]})");
  auto results = Run(R"([
    {"email":"y@x.io","additional_emails":[]},
    {"email":"z@x.io","additional_emails":["moving@x.io"],"title":"new here"},
    {"email":"y@x.io","additional_emails":["y2@x.io"]}
  ])");
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"updated", "created", "updated"}));
  auto z = contacts_->GetByEmail(kWs, "moving@x.io");
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(z->id, results[1].id);
  EXPECT_EQ(z->additional_emails, std::vector<std::string>{"moving@x.io"});
  auto got_y = contacts_->Get(kWs, y.id);
  EXPECT_EQ(got_y->additional_emails, std::vector<std::string>{"y2@x.io"});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails WHERE email_norm = 'y2@x.io' AND position = 1"), 1);
}

// Companies of a batch are looked up at once and the new ones created at the end, once each;
// a refused item creates none.
TEST_F(BatchTest, CompaniesAreFoundOrCreatedOncePerBatch) {
  Contact acme = MustCreate(R"({"email":"first@acme.io","company":"Acme"})");
  ASSERT_TRUE(acme.company.has_value());
  batches_.clear();
  auto results = Run(R"([
    {"email":"n1@x.io","company":"ACME"},
    {"email":"n2@x.io","company":"Newco"},
    {"email":"n3@x.io","company":{"name":" newco ","domain":"newco.example"}},
    {"email":"bad@x.io","company":"Refused Co","lead_score":-1},
    {"email":"n4@x.io","company":"Owned Co","owner":"nobody@x.io"},
    {"email":"n5@x.io","company":"Owned Co","owner":"ada@example.com"}
  ])");
  EXPECT_EQ(Statuses(results), (std::vector<std::string>{"created", "created", "created", "error",
                                                         "error", "created"}));
  EXPECT_EQ(contacts_->Get(kWs, results[0].id)->company->id, acme.company->id);
  auto n2 = contacts_->Get(kWs, results[1].id);
  auto n3 = contacts_->Get(kWs, results[2].id);
  ASSERT_TRUE(n2->company && n3->company);
  EXPECT_EQ(n2->company->id, n3->company->id);
  EXPECT_EQ(n2->company->name, "Newco");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 3);  // Acme, Newco, Owned Co
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies WHERE name_norm = 'refused co'"), 0);
  int created = 0;
  for (const std::string& name : EventNames()) created += name == "company.created";
  EXPECT_EQ(created, 2);
}

TEST_F(BatchTest, TagsOfNewAndExistingContactsInOneBatch) {
  // Tags of contacts the batch creates go in without a conflict check (AddTagsToNew), those of
  // contacts that exist with one (AddTags): both in one Flush.
  Contact old = MustCreate(R"({"email":"old@x.io","tags":["a"]})");
  auto results = Run(R"([
    {"email":"old@x.io","add_tags":["a","b"]},
    {"email":"new@x.io","tags":["a","b"],"company":"Acme"},
    {"email":"NEW@x.io","add_tags":["c","a"]},
    {"email":"plain@x.io","tags":["b"]}
  ])");
  EXPECT_EQ(Statuses(results),
            (std::vector<std::string>{"updated", "created", "created", "created"}));
  auto tags_of = [&](Id id) {
    std::vector<std::string> out;
    auto c = contacts_->Get(kWs, id);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (c.ok())
      for (const TagRef& t : c->tags) out.push_back(t.norm);
    return out;
  };
  EXPECT_EQ(results[0].id, old.id);
  EXPECT_EQ(tags_of(old.id), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(tags_of(results[1].id), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(tags_of(results[3].id), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags"), 3);

  // The next batch finds them existing: replaced tags, and re-adding one it has is no change.
  auto again = Run(R"([
    {"email":"new@x.io","tags":["c","d"]},
    {"email":"plain@x.io","add_tags":["b"]}
  ])");
  EXPECT_EQ(Statuses(again), (std::vector<std::string>{"updated", "unchanged"}));
  EXPECT_EQ(tags_of(results[1].id), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), 5);

  // PostgreSQL keeps the search document in the row (migrations 0003, 0010): for contacts with
  // and without a company, written by a batch and by a single create, it is the document of
  // their current names, email and company.
  if (db_->dialect() == storage::Dialect::kPostgres) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts c LEFT JOIN companies co ON co.workspace_id = "
                    "c.workspace_id AND co.id = c.company_id WHERE c.search_doc IS NULL OR "
                    "c.search_doc <> rally_contact_search_doc(c.first_name, c.last_name, c.email, "
                    "co.name)"),
              0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE search_doc @@ "
                    "to_tsquery('simple', 'acme:*')"),
              1);
  }
}

TEST_F(BatchTest, ThousandItemsInOneCallButNotMore) {
  std::vector<ContactInput> items;
  for (int i = 0; i < 1000; ++i) {
    items.push_back(json::object{{"email", "c" + std::to_string(i) + "@x.io"},
                                 {"tags", json::array{"t" + std::to_string(i % 30)}},
                                 {"company", "Co " + std::to_string(i % 7)}});
  }
  batches_.clear();
  auto ok = contacts_->Batch(kWs, items, kImport);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 1000u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 1000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags"), 30);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 7);
  ASSERT_EQ(batches_.size(), 1u) << "a batch publishes one batch of events";
  EXPECT_EQ(batches_[0].size(), 1000u * 2 + 7);

  items.push_back(json::object{{"email", "one-too-many@x.io"}});
  std::string before = Snapshot();
  auto too_many = contacts_->Batch(kWs, items, kImport);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(too_many.status().details().at(0).field, "items");
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace rally::contacts::testing
