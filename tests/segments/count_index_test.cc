// The in-memory count index (query/count_index.h) behind ContactSearch::Count: after every kind
// of write the application makes (single edits, deletes, restores, batch upserts as imports
// run them, bulk actions, tag renames, merges and deletes, purges), its counts of a table of
// filters must equal SQL's. Runs on both backends (the index itself is backend-neutral; the
// app enables it on SQLite only).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"
#include "jobs/job_runner.h"
#include "segments/bulk_action_service.h"
#include "segments/saved_view_service.h"
#include "segments/tag_service.h"

namespace rally::segments {
namespace {

using contacts::testing::kAda;
using contacts::testing::kBob;
using contacts::testing::kOtherWs;
using contacts::testing::kWs;
const timeline::Actor kActor{timeline::ActorType::kUser, kAda};

// Every kind of term the index answers, alone and combined (text and JSON spellings).
const char* const kTextFilters[] = {
    "",
    "tag:inbound stage:lead score:>50",
    "tag:inbound",
    "tag:INBOUND,vip",
    "tag:inbound+vip",
    "tag:inbound+nosuchtag",
    "-tag:inbound",
    "-tag:nosuchtag",
    "tag:*",
    "-tag:*",
    "stage:lead",
    "-stage:lead",
    "stage:qualified,customer",
    "stage:>=opportunity",
    "stage:<qualified",
    "score:50",
    "score:>50",
    "score:<=25",
    "score:20..60",
    "-score:100",
    "band:hot",
    "band:cold,sales_ready",
    "-band:warm",
    "owner:me",
    "owner:bob@example.com",
    "owner:me,bob@example.com",
    "-owner:me",
    "owner:none",
    "owner:*",
    "owner:nobody@example.com",
    "-owner:nobody@example.com",
    "tag:vip -stage:lead band:hot,warm owner:me",
};
const char* const kJsonFilters[] = {
    // NOT of owner IN: NULL (not counted) for contacts without an owner, as in SQL.
    R"({"not":{"field":"owner","op":"eq","value":"me"}})",
    R"({"not":{"and":[{"field":"owner","op":"eq","value":"me"},{"field":"lead_score","op":"gt","value":40}]}})",
    R"({"or":[{"field":"owner","op":"eq","value":"me"},{"field":"tags","op":"has_any","value":["vip"]}]})",
    R"({"not":{"or":[{"field":"owner","op":"in","value":["me","bob@example.com"]},{"field":"lifecycle_stage","op":"eq","value":"lead"}]}})",
    R"({"and":[{"field":"lead_score","op":"between","value":[10,70]},{"not":{"field":"tags","op":"has_all","value":["inbound","vip"]}}]})",
};

class CountIndexTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    search_ = std::make_unique<contacts::ContactSearch>(*db_);
    search_->EnableCountIndex(*bus_);
    views_ = std::make_unique<SavedViewService>(*db_, *search_);
    queue_ = std::make_unique<jobs::JobQueue>(*db_);
    bulk_ =
        std::make_unique<BulkActionService>(*db_, *bus_, *contacts_, *views_, *queue_,
                                            BulkOptions{/*inline_limit=*/1000, /*batch_size=*/3});
    tags_ = std::make_unique<TagService>(*db_, *bus_, *contacts_);
  }

  std::vector<contacts::ContactSearchRequest> Requests() {
    std::vector<contacts::ContactSearchRequest> out;
    for (const char* q : kTextFilters) out.push_back({.q = q});
    for (const char* j : kJsonFilters) out.push_back({.filter = json::value(Obj(j))});
    return out;
  }

  // Counts every filter both ways; returns how many contacts the first one ("") counted.
  int64_t ExpectAgree(const std::string& where) {
    int64_t all = -1;
    for (const auto& req : Requests()) {
      std::string what = where + ": " + (req.filter ? json::serialize(*req.filter) : req.q);
      auto indexed = search_->Count({kWs, kAda}, req);
      auto sql = search_->CountWithSql({kWs, kAda}, req);
      EXPECT_TRUE(indexed.ok()) << what << ": " << indexed.status().ToString();
      EXPECT_TRUE(sql.ok()) << what << ": " << sql.status().ToString();
      if (!indexed.ok() || !sql.ok()) continue;
      EXPECT_EQ(*indexed, *sql) << what;
      if (all < 0) all = *sql;
    }
    return all;
  }
  Id TagId(std::string_view name) {
    auto list = tags_->List(kWs);
    EXPECT_TRUE(list.ok());
    for (const Tag& t : *list)
      if (t.name == name) return t.id;
    ADD_FAILURE() << "no tag " << name;
    return 0;
  }
  BulkOutcome MustRun(std::string_view body) {
    auto req = ParseBulkRequest(Obj(body));
    EXPECT_TRUE(req.ok()) << body;
    auto out = bulk_->Run(BulkCaller{kWs, kAda, /*admin=*/true, kActor}, *req);
    EXPECT_TRUE(out.ok()) << body << " -> " << out.status().ToString();
    return out.ok() ? *out : BulkOutcome{};
  }

  std::unique_ptr<contacts::ContactSearch> search_;
  std::unique_ptr<SavedViewService> views_;
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<BulkActionService> bulk_;
  std::unique_ptr<TagService> tags_;
};

TEST_F(CountIndexTest, AnswersEveryFilterOfTheTableItself) {
  auto catalog = [&] {
    std::optional<query::FieldCatalog> c;
    EXPECT_TRUE(db_->Read([&](storage::Connection& conn) -> Status {
                     RALLY_ASSIGN_OR_RETURN(c, query::LoadFieldCatalog(conn, kWs));
                     return Status::Ok();
                   })
                    .ok());
    return *c;
  }();
  for (const auto& req : Requests()) {
    auto node = search_->Parse(kWs, req);
    ASSERT_TRUE(node.ok()) << req.q;
    EXPECT_TRUE(query::CountIndex::CanAnswer(catalog, *node)) << req.q;
  }
  // And hands the rest to SQL.
  for (const char* q :
       {"jo", "city:London", "tag:~inb", "created:>2020-01-01", "industry:Retail"}) {
    auto node = search_->Parse(kWs, {.q = q});
    ASSERT_TRUE(node.ok()) << q;
    EXPECT_FALSE(query::CountIndex::CanAnswer(catalog, *node)) << q;
  }
}

TEST_F(CountIndexTest, StaysEqualToSqlThroughEveryKindOfWrite) {
  // Built on an empty workspace: everything below reaches it through the events.
  EXPECT_EQ(ExpectAgree("empty"), 0);
  EXPECT_EQ(search_->count_index()->builds(), 1);

  const char* const kStages[] = {"lead", "qualified", "opportunity", "customer", "evangelist"};
  const char* const kTags[] = {R"(["inbound"])", R"(["inbound","vip"])", R"([])", R"(["vip"])",
                               R"(["event attendee","inbound"])"};
  const char* const kOwners[] = {R"("ada@example.com")", R"("bob@example.com")", "null"};
  std::vector<Id> ids;
  for (int i = 0; i < 30; ++i) {
    ids.push_back(MustCreate("{\"email\":\"c" + std::to_string(i) +
                             "@x.io\",\"lifecycle_stage\":\"" + kStages[i % 5] +
                             "\",\"lead_score\":" + std::to_string(i * 37 % 101) + ",\"tags\":" +
                             kTags[i % 5 == 0 ? 1 : i % 5] + ",\"owner\":" + kOwners[i % 3] + "}")
                      .id);
  }
  MustCreate(R"({"email":"elsewhere@x.io","tags":["inbound"],"lead_score":90})", kOtherWs);
  EXPECT_EQ(ExpectAgree("created"), 30);

  for (int i = 0; i < 6; ++i) {
    auto u = contacts_->Update(
        kWs, ids[i],
        Obj("{\"lifecycle_stage\":\"" + std::string(kStages[(i + 2) % 5]) +
            "\",\"lead_score\":" + std::to_string(100 - i * 9) + ",\"tags\":" + kTags[(i + 3) % 5] +
            ",\"owner\":" + kOwners[(i + 1) % 3] + "}"),
        kActor);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
  }
  ExpectAgree("updated");

  for (int i : {7, 8, 9}) ASSERT_TRUE(contacts_->Delete(kWs, ids[i], kActor).ok());
  EXPECT_EQ(ExpectAgree("deleted"), 27);
  ASSERT_TRUE(contacts_->Restore(kWs, ids[8], kActor).ok());
  EXPECT_EQ(ExpectAgree("restored"), 28);

  // The batch path imports and POST /contacts/batch take: new and existing contacts.
  std::vector<contacts::ContactInput> items = {
      Obj(R"({"email":"c10@x.io","lead_score":99,"tags":["vip","new"]})"),
      Obj(R"({"email":"n1@x.io","lifecycle_stage":"lead","lead_score":77,"tags":["inbound"],"owner":"ada@example.com"})"),
      Obj(R"({"email":"n2@x.io","lead_score":3})")};
  auto batch = contacts_->Batch(kWs, items, kActor);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(ExpectAgree("batch"), 30);

  // Bulk actions, in batches of 3 contacts per transaction.
  MustRun(R"({"q":"stage:lead","action":{"type":"add_tags","tags":["inbound","bulk"]}})");
  ExpectAgree("bulk add_tags");
  MustRun(R"({"q":"tag:vip","action":{"type":"remove_tags","tags":["inbound"]}})");
  ExpectAgree("bulk remove_tags");
  MustRun(R"({"q":"score:<40","action":{"type":"set_stage","stage":"customer"}})");
  ExpectAgree("bulk set_stage");
  MustRun(R"({"q":"owner:none","action":{"type":"set_owner","owner":"bob@example.com"}})");
  ExpectAgree("bulk set_owner");
  MustRun(R"({"q":"band:hot","action":{"type":"delete"}})");
  ExpectAgree("bulk delete");
  MustRun(R"({"q":"band:hot","action":{"type":"restore"}})");
  ExpectAgree("bulk restore");
  // Each of the above was refreshed by id, not rebuilt.
  EXPECT_EQ(search_->count_index()->builds(), 1);

  // Tags administered: a rename keeps ids (names are looked up at count time); a merge and a
  // delete move or drop assignments.
  ASSERT_TRUE(tags_->Rename(kWs, TagId("inbound"), "Inbound leads", kActor).ok());
  ExpectAgree("renamed");
  auto moved = search_->Count({kWs, kAda}, {.q = "tag:\"inbound leads\""});
  ASSERT_TRUE(moved.ok());
  EXPECT_GT(*moved, 0);
  ASSERT_TRUE(tags_->Merge(kWs, TagId("vip"), TagId("Inbound leads"), kActor).ok());
  ExpectAgree("merged");
  ASSERT_TRUE(tags_->Delete(kWs, TagId("bulk"), kActor).ok());
  ExpectAgree("tag deleted");

  // Purged for good (after the restore window).
  ASSERT_TRUE(contacts_->Delete(kWs, ids[20], kActor).ok());
  auto purged = contacts_->PurgeDeleted(Now() + 1);
  ASSERT_TRUE(purged.ok());
  EXPECT_GE(*purged, 1);
  ExpectAgree("purged");

  // And a contact created after all of that.
  MustCreate(
      R"({"email":"late@x.io","tags":["Inbound leads"],"lead_score":60,"owner":"ada@example.com"})");
  ExpectAgree("created late");
}

TEST_F(CountIndexTest, CountsWhileOthersWriteEndEqualToSql) {
  std::vector<Id> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(MustCreate("{\"email\":\"w" + std::to_string(i) + "@x.io\"}").id);
  ExpectAgree("before");
  // Two writers change tags, stage and score while a reader counts: events arrive on the
  // writers' threads while counts refresh on the reader's.
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (int round = 0; round < 15; ++round) {
        for (size_t i = static_cast<size_t>(t); i < ids.size(); i += 2) {
          std::string patch = round % 2 ? R"({"add_tags":["inbound"],"lead_score":)" +
                                              std::to_string(40 + round) + "}"
                                        : R"({"remove_tags":["inbound"],"lifecycle_stage":"lead"})";
          auto u = contacts_->Update(kWs, ids[i], Obj(patch), kActor);
          EXPECT_TRUE(u.ok()) << u.status().ToString();
        }
      }
    });
  }
  std::thread reader([&] {
    while (!stop) {
      auto n = search_->Count({kWs, kAda}, {.q = "tag:inbound stage:lead score:>50"});
      EXPECT_TRUE(n.ok()) << n.status().ToString();
    }
  });
  for (auto& w : writers) w.join();
  stop = true;
  reader.join();
  ExpectAgree("after");
  EXPECT_EQ(search_->count_index()->builds(), 1);
}

TEST_F(CountIndexTest, InvalidateRebuildsAfterWritesOutsideTheWritePath) {
  MustCreate(R"({"email":"a@x.io","lead_score":10})");
  ExpectAgree("before");
  // Raw SQL bypasses ContactService and its events: the index cannot know until told.
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE contacts SET lead_score = 90").status();
                 })
                  .ok());
  search_->count_index()->Invalidate(kWs);
  EXPECT_EQ(*search_->Count({kWs, kAda}, {.q = "score:>50"}), 1);
  EXPECT_EQ(search_->count_index()->builds(), 2);
  EXPECT_GT(search_->count_index()->MemoryBytes(), 0u);
}

TEST_F(CountIndexTest, AnotherProcessWritingTheSqliteFileIsNoticed) {
  if (db_->dialect() != storage::Dialect::kSqlite) GTEST_SKIP() << "SQLite only: one file";
  MustCreate(R"({"email":"a@x.io","lead_score":10})");
  EXPECT_EQ(*search_->Count({kWs, kAda}, {.q = "score:>50"}), 0);
  // A second connection of its own, as a CLI command on the server's file would have: its
  // commit publishes no event to this process.
  storage::OpenOptions other;
  other.url = "sqlite:" + dir_.File("rally.db");
  auto db2 = storage::Open(other);
  ASSERT_TRUE(db2.ok()) << db2.status().ToString();
  ASSERT_TRUE((*db2)->Write([](storage::Transaction& tx) {
                     return tx.Execute("UPDATE contacts SET lead_score = 90").status();
                   })
                  .ok());
  // Looked for at most once per kForeignCheckEvery.
  std::this_thread::sleep_for(query::kForeignCheckEvery + std::chrono::milliseconds(100));
  EXPECT_EQ(*search_->Count({kWs, kAda}, {.q = "score:>50"}), 1);
  EXPECT_EQ(search_->count_index()->builds(), 2);
  // Its own writes (events) do not count as foreign: no further rebuild.
  MustCreate(R"({"email":"b@x.io","lead_score":70})");
  EXPECT_EQ(*search_->Count({kWs, kAda}, {.q = "score:>50"}), 2);
  EXPECT_EQ(search_->count_index()->builds(), 2);
  (*db2)->Close();
}

}  // namespace
}  // namespace rally::segments
