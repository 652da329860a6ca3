#include "events/event_bus.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "fixtures/temp_dir.h"

namespace rally::events {
namespace {

Event ContactEvent(Payload p) { return Event{1, 0, "system", 0, std::move(p)}; }

TEST(EventTest, NamesAndContactIds) {
  struct Case {
    Payload payload;
    std::string_view name;
    Id contact_id;
  };
  const Case cases[] = {
      {ContactCreated{7}, "contact.created", 7},
      {ContactUpdated{7, {"email"}}, "contact.updated", 7},
      {ContactDeleted{7}, "contact.deleted", 7},
      {ContactRestored{7}, "contact.restored", 7},
      {ContactPurged{7}, "contact.purged", 7},
      {TagAdded{7, 3, "vip"}, "contact.tag_added", 7},
      {TagRemoved{7, 3, "vip"}, "contact.tag_removed", 7},
      {LifecycleChanged{7, 0, 1}, "contact.lifecycle_changed", 7},
      {LeadScoreChanged{7, 10, 60}, "contact.lead_score_changed", 7},
      {ActivityAdded{7, 9, "note"}, "contact.activity_added", 7},
      {CompanyCreated{5}, "company.created", 0},
      {TagRenamed{3, "a", "b"}, "tag.renamed", 0},
      {TagMerged{3, 4}, "tag.merged", 0},
      {TagDeleted{3, "vip"}, "tag.deleted", 0},
      {CustomFieldDeleted{2, "industry"}, "custom_field.deleted", 0},
  };
  for (const Case& c : cases) {
    Event e = ContactEvent(c.payload);
    EXPECT_EQ(e.Name(), c.name);
    EXPECT_EQ(e.ContactId(), c.contact_id) << c.name;
  }
  EXPECT_EQ(std::variant_size_v<Payload>, std::size(cases)) << "a new event kind needs a case";
}

class EventBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    bus_.Subscribe("recorder", [this](std::span<const Event> batch) {
      batches_.emplace_back(batch.begin(), batch.end());
    });
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  EventBus bus_;
  std::vector<std::vector<Event>> batches_;
};

TEST_F(EventBusTest, DeliversOneBatchAfterCommit) {
  Status s = db_->Write([&](storage::Transaction& tx) -> Status {
    std::vector<Event> events;
    for (Id i = 1; i <= 1000; ++i) events.push_back(ContactEvent(ContactCreated{i}));
    bus_.PublishAfterCommit(tx, std::move(events));
    EXPECT_TRUE(batches_.empty()) << "delivered before commit";
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(batches_.size(), 1u);
  ASSERT_EQ(batches_[0].size(), 1000u);
  EXPECT_EQ(batches_[0][999].ContactId(), 1000);
}

TEST_F(EventBusTest, NothingWhenTheWriteFails) {
  Status s = db_->Write([&](storage::Transaction& tx) -> Status {
    bus_.PublishAfterCommit(tx, {ContactEvent(ContactCreated{1})});
    return InvalidArgument("no");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(batches_.empty());
}

TEST_F(EventBusTest, EmptyBatchIsNotDelivered) {
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   bus_.PublishAfterCommit(tx, {});
                   return Status::Ok();
                 }).ok());
  EXPECT_TRUE(batches_.empty());
}

TEST_F(EventBusTest, ThrowingListenerDoesNotStopTheOthers) {
  EventBus bus;
  int after = 0;
  bus.Subscribe("thrower", [](std::span<const Event>) { throw std::runtime_error("boom"); });
  bus.Subscribe("odd thrower", [](std::span<const Event>) { throw 42; });
  bus.Subscribe("counter", [&](std::span<const Event> b) { after += static_cast<int>(b.size()); });
  std::vector<Event> events = {ContactEvent(ContactCreated{1}), ContactEvent(ContactDeleted{1})};
  EXPECT_NO_THROW(bus.Publish(events));
  EXPECT_EQ(after, 2);
}

}  // namespace
}  // namespace rally::events
