// Bulk tagging's own path (contacts/contact_tagger.h): a bulk action that only adds or removes
// tags must write what the general write path writes for the same change made contact by
// contact (ContactService::Update): the same tags, timeline entries in the same order, the same
// events, updated_at moved, and counts of changed / unchanged / skipped contacts. Both backends.
#include <gtest/gtest.h>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"
#include "jobs/job_runner.h"
#include "segments/bulk_action_service.h"
#include "segments/saved_view_service.h"

namespace rally::segments {
namespace {

using contacts::testing::kAda;
using contacts::testing::kWs;
const timeline::Actor kActor{timeline::ActorType::kUser, kAda};

class BulkTaggingTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    search_ = std::make_unique<contacts::ContactSearch>(*db_);
    views_ = std::make_unique<SavedViewService>(*db_, *search_);
    queue_ = std::make_unique<jobs::JobQueue>(*db_);
    bulk_ =
        std::make_unique<BulkActionService>(*db_, *bus_, *contacts_, *views_, *queue_,
                                            BulkOptions{/*inline_limit=*/1000, /*batch_size=*/2});
  }

  // Every event of the batches since the last call, as "name contact".
  std::vector<std::string> TakeEvents(const std::vector<Id>& order) {
    std::vector<std::string> out;
    std::lock_guard lock(batches_mu_);
    for (const auto& b : batches_) {
      for (const auto& e : b) {
        // Contacts are named by their position in `order`, so two sets compare.
        auto at = std::find(order.begin(), order.end(), e.ContactId());
        std::string who = at == order.end() ? "?" : std::to_string(at - order.begin());
        std::string what(e.Name());
        if (auto* t = e.As<events::TagAdded>()) what += ":" + t->tag;
        if (auto* t = e.As<events::TagRemoved>()) what += ":" + t->tag;
        if (auto* u = e.As<events::ContactUpdated>())
          for (const auto& f : u->changed_fields) what += ":" + f;
        out.push_back(what + " " + who);
      }
    }
    batches_.clear();
    return out;
  }

  std::string State(Id id) {
    auto c = contacts_->Get(kWs, id);
    if (!c.ok()) return "gone";  // deleted
    std::string out;
    for (const auto& t : c->tags) out += t.name + ",";
    out += c->updated_at > created_at_ ? " touched" : " untouched";
    for (const std::string& e : Timeline(id)) out += " | " + e;
    return out;
  }

  std::unique_ptr<contacts::ContactSearch> search_;
  std::unique_ptr<SavedViewService> views_;
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<BulkActionService> bulk_;
  Micros created_at_ = 0;
};

TEST_F(BulkTaggingTest, WritesWhatSingleEditsWrite) {
  // Two identical sets: "a" changed one contact at a time, "b" by bulk actions.
  const char* const kTags[] = {R"([])", R"(["Keep"])", R"(["Drop","keep"])", R"(["drop"])",
                               R"(["New","Drop"])"};
  std::vector<Id> a, b;
  for (int i = 0; i < 5; ++i) {
    a.push_back(
        MustCreate("{\"email\":\"a" + std::to_string(i) + "@x.io\",\"tags\":" + kTags[i] + "}").id);
    b.push_back(
        MustCreate("{\"email\":\"b" + std::to_string(i) + "@x.io\",\"tags\":" + kTags[i] + "}").id);
  }
  ASSERT_TRUE(contacts_->Delete(kWs, a[4], kActor).ok());
  ASSERT_TRUE(contacts_->Delete(kWs, b[4], kActor).ok());
  created_at_ = Now();
  TakeEvents(a);

  // "new" exists already (a tag the general path would otherwise have to create); "KEEP"
  // names "Keep" in another spelling; "drop" is removed; "absent" names no tag at all.
  const std::string patch = R"({"add_tags":["new","KEEP"],"remove_tags":["drop","absent"]})";
  for (Id id : a) {
    auto u = contacts_->Update(kWs, id, Obj(patch), kActor);
    if (id == a[4]) {
      EXPECT_FALSE(u.ok());  // deleted
    } else {
      ASSERT_TRUE(u.ok()) << u.status().ToString();
    }
  }
  std::vector<std::string> single_events = TakeEvents(a);

  std::string ids = "[";
  for (Id id : b) ids += (ids.size() > 1 ? ",\"" : "\"") + IdToString(id) + "\"";
  ids += ",\"12345\"]";  // no such contact
  auto req = ParseBulkRequest(Obj(
      R"({"ids":)" + ids +
      R"(,"action":{"type":"update","add_tags":["new","KEEP"],"remove_tags":["drop","absent"]}})"));
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  auto out = bulk_->Run(BulkCaller{kWs, kAda, /*admin=*/true, kActor}, *req);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->counts.changed, 4);
  EXPECT_EQ(out->counts.unchanged, 0);
  EXPECT_EQ(out->counts.skipped, 2);  // deleted, and absent

  EXPECT_EQ(TakeEvents(b), single_events);
  for (size_t i = 0; i < a.size(); ++i) {
    std::string sa = State(a[i]), sb = State(b[i]);
    EXPECT_EQ(sb, sa) << i;
  }

  // Again: nothing left to change.
  auto again = bulk_->Run(BulkCaller{kWs, kAda, /*admin=*/true, kActor}, *req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->counts.changed, 0);
  EXPECT_EQ(again->counts.unchanged, 4);
  EXPECT_TRUE(TakeEvents(b).empty());
}

}  // namespace
}  // namespace rally::segments
