#include "segments/tag_service.h"

#include <gtest/gtest.h>

#include "contacts/contacts_fixture.h"

namespace rally::segments {
namespace {

using contacts::testing::kAda;
using contacts::testing::kOtherWs;
using contacts::testing::kWs;
const timeline::Actor kActor{timeline::ActorType::kUser, kAda};

class TagServiceTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    tags_ = std::make_unique<TagService>(*db_, *bus_, *contacts_);
  }
  Id TagId(std::string_view name, Id ws = kWs) {
    auto list = tags_->List(ws);
    EXPECT_TRUE(list.ok());
    for (const Tag& t : *list)
      if (t.name == name) return t.id;
    ADD_FAILURE() << "no tag " << name;
    return 0;
  }
  std::string Listing(Id ws = kWs) {
    auto list = tags_->List(ws);
    EXPECT_TRUE(list.ok());
    std::string out;
    for (const Tag& t : *list) out += t.name + "=" + std::to_string(t.contact_count) + " ";
    return out;
  }
  std::string TagsOf(Id contact) {
    auto c = contacts_->Get(kWs, contact);
    EXPECT_TRUE(c.ok());
    return json::serialize(contacts::ContactToJson(*c)["tags"]);
  }
  std::unique_ptr<TagService> tags_;
};

TEST_F(TagServiceTest, ListsWithCountsOfLiveContacts) {
  MustCreate(R"({"email":"a@x.io","tags":["Inbound","vip"]})");
  MustCreate(R"({"email":"b@x.io","tags":["inbound"]})");
  contacts::Contact gone = MustCreate(R"({"email":"c@x.io","tags":["INBOUND","zeta"]})");
  ASSERT_TRUE(contacts_->Delete(kWs, gone.id, kActor).ok());
  MustCreate(R"({"email":"d@x.io","tags":["Other"]})", kOtherWs);
  EXPECT_EQ(Listing(), "Inbound=2 vip=1 zeta=0 ");
  EXPECT_EQ(Listing(kOtherWs), "Other=1 ");
  auto t = tags_->Get(kWs, TagId("vip"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(json::serialize(TagToJson(*t)["contact_count"]), "1");
  EXPECT_EQ(tags_->Get(kOtherWs, TagId("vip")).status().code(), StatusCode::kNotFound);
}

TEST_F(TagServiceTest, Rename) {
  contacts::Contact a = MustCreate(R"({"email":"a@x.io","tags":["inbound","vip"]})");
  Id inbound = TagId("inbound");
  auto r = tags_->Rename(kWs, inbound, "  Inbound   Lead ", kActor);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "Inbound Lead");
  EXPECT_EQ(TagsOf(a.id), R"(["Inbound Lead","vip"])");
  EXPECT_TRUE(tags_->Rename(kWs, inbound, "INBOUND LEAD", kActor).ok()) << "a new spelling of itself";
  EXPECT_EQ(EventNames().back(), "tag.renamed");
  struct Case { Id id; std::string name; StatusCode code; std::string field; };
  const Case cases[] = {
      {inbound, "VIP", StatusCode::kAlreadyExists, "name"},
      {inbound, "   ", StatusCode::kInvalidArgument, "name"},
      {inbound, "in, bound", StatusCode::kInvalidArgument, "name"},
      {inbound, std::string(101, 'x'), StatusCode::kInvalidArgument, "name"},
      {12345, "new", StatusCode::kNotFound, ""},
  };
  std::string before = Snapshot();
  for (const Case& c : cases) {
    auto got = tags_->Rename(kWs, c.id, c.name, kActor);
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), c.code) << c.name;
    if (!c.field.empty()) {
      EXPECT_EQ(got.status().details().at(0).field, c.field);
    }
  }
  auto dup = tags_->Rename(kWs, inbound, "vip", kActor);
  EXPECT_EQ(dup.status().details().at(0).existing_id, IdToString(TagId("vip")));
  EXPECT_EQ(tags_->Rename(kOtherWs, inbound, "x", kActor).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(TagServiceTest, MergeMovesContactsWithTimelineEntries) {
  contacts::Contact a = MustCreate(R"({"email":"a@x.io","tags":["lead"]})");
  contacts::Contact b = MustCreate(R"({"email":"b@x.io","tags":["lead","Leads"]})");
  contacts::Contact c = MustCreate(R"({"email":"c@x.io","tags":["Leads"]})");
  Id lead = TagId("lead"), leads = TagId("Leads");
  batches_.clear();
  auto merged = tags_->Merge(kWs, lead, leads, kActor);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->contact_count, 3);
  EXPECT_EQ(Listing(), "Leads=3 ");
  EXPECT_EQ(TagsOf(a.id), R"(["Leads"])");
  EXPECT_EQ(TagsOf(b.id), R"(["Leads"])");
  EXPECT_EQ(Timeline(a.id)[0], R"(tag_removed {"tag":"lead"})");
  EXPECT_EQ(Timeline(a.id)[1], R"(tag_added {"tag":"Leads"})");
  EXPECT_EQ(Timeline(b.id)[0], R"(tag_removed {"tag":"lead"})");
  EXPECT_EQ(Timeline(b.id)[1], "contact_created {}");
  EXPECT_EQ(Timeline(c.id).size(), 1u);
  ASSERT_EQ(batches_.size(), 1u);
  EXPECT_EQ(EventNames().back(), "tag.merged");

  std::string before = Snapshot();
  EXPECT_EQ(tags_->Merge(kWs, leads, leads, kActor).status().details().at(0).field, "into");
  EXPECT_EQ(tags_->Merge(kWs, lead, leads, kActor).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(tags_->Merge(kOtherWs, leads, leads + 1, kActor).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(TagServiceTest, DeleteRemovesTheTagFromEveryContact) {
  contacts::Contact a = MustCreate(R"({"email":"a@x.io","tags":["old","keep"]})");
  contacts::Contact gone = MustCreate(R"({"email":"b@x.io","tags":["old"]})");
  ASSERT_TRUE(contacts_->Delete(kWs, gone.id, kActor).ok());
  Id old = TagId("old");
  EXPECT_EQ(tags_->Delete(kOtherWs, old, kActor).code(), StatusCode::kNotFound);
  ASSERT_TRUE(tags_->Delete(kWs, old, kActor).ok());
  EXPECT_EQ(Listing(), "keep=1 ");
  EXPECT_EQ(TagsOf(a.id), R"(["keep"])");
  EXPECT_EQ(Timeline(a.id)[0], R"(tag_removed {"tag":"old"})");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), 1);
  EXPECT_EQ(tags_->Delete(kWs, old, kActor).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace rally::segments
