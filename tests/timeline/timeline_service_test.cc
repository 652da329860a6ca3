#include "timeline/timeline_service.h"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.h"

namespace rally::timeline {
namespace {

class TimelineServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    Status s = db_->Write([](storage::Transaction& tx) -> Status {
      RALLY_RETURN_IF_ERROR(tx.ExecScript(R"(
        INSERT INTO workspaces (id, name, created_at) VALUES (1, 'one', 0), (2, 'two', 0);
        INSERT INTO users (workspace_id, id, email, email_norm, name, role, created_at)
          VALUES (1, 10, 'ada@example.com', 'ada@example.com', 'Ada Lovelace', 'admin', 0),
                 (1, 11, 'bob@example.com', 'bob@example.com', '', 'member', 0);
        INSERT INTO api_tokens (workspace_id, id, user_id, name, token_hash, created_at)
          VALUES (1, 20, 10, 'zapier', 'h', 0);
        INSERT INTO contacts (workspace_id, id, email, email_norm, created_at, updated_at)
          VALUES (1, 100, 'c@x.io', 'c@x.io', 0, 0), (2, 200, 'd@x.io', 'd@x.io', 0, 0);
        INSERT INTO contacts (workspace_id, id, email, email_norm, created_at, updated_at, deleted_at)
          VALUES (1, 101, 'gone@x.io', 'gone@x.io', 0, 0, 5);
      )"));
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Add(std::vector<Activity> activities) {
    Status s = db_->Write([&](storage::Transaction& tx) {
      return ActivityRepository::Insert(tx, activities);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
};

Activity Note(Id id, Micros at, Actor actor = SystemActor(), Id contact = 100, Id ws = 1) {
  return Activity{id, ws, contact, at, ActivityType::kNote, actor,
                  json::object{{"body", "n" + std::to_string(id)}}};
}

TEST_F(TimelineServiceTest, PagesNewestFirstWithTies) {
  // Equal timestamps order by id, so paging never skips or repeats an entry.
  std::vector<Activity> all;
  for (Id i = 1; i <= 7; ++i) all.push_back(Note(i, 1000 * ((i + 1) / 2)));
  Add(all);
  TimelineService svc(*db_);
  std::vector<Id> seen;
  ActivityQuery q;
  q.limit = 3;
  int pages = 0;
  do {
    auto page = svc.List(1, 100, q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Activity& a : page->data) seen.push_back(a.id);
    q.cursor = page->next_cursor;
    ++pages;
  } while (!q.cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<Id>{7, 6, 5, 4, 3, 2, 1}));
}

TEST_F(TimelineServiceTest, FiltersByType) {
  Activity tag{50, 1, 100, 5, ActivityType::kTagAdded, SystemActor(), {{"tag", "x"}}};
  Add({Note(1, 1), tag, Note(2, 9)});
  TimelineService svc(*db_);
  ActivityQuery q;
  q.type = ActivityType::kTagAdded;
  auto page = svc.List(1, 100, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->data.size(), 1u);
  EXPECT_EQ(page->data[0].id, 50);
  EXPECT_EQ(json::serialize(page->data[0].payload), R"({"tag":"x"})");
}

TEST_F(TimelineServiceTest, RendersActors) {
  Add({Note(1, 1, {ActorType::kUser, 10}), Note(2, 2, {ActorType::kUser, 11}),
       Note(3, 3, {ActorType::kApiToken, 20}), Note(4, 4), Note(5, 5, {ActorType::kImport, 77}),
       Note(6, 6, {ActorType::kUser, 10})});
  TimelineService svc(*db_);
  auto page = svc.List(1, 100, {});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> names;
  for (const ActorView& a : page->actors) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Ada Lovelace", "import #77", "system", "zapier",
                                             "bob@example.com", "Ada Lovelace"}));
  json::object j = page->ToJson();
  EXPECT_TRUE(j["next_cursor"].is_null());
  EXPECT_EQ(j["data"].as_array().size(), 6u);
}

TEST_F(TimelineServiceTest, OtherWorkspaceAndDeletedContactsAreNotFound) {
  Add({Note(1, 1, SystemActor(), 200, 2)});
  TimelineService svc(*db_);
  struct Case { Id ws, contact; StatusCode want; };
  const Case cases[] = {
      {1, 200, StatusCode::kNotFound},  // another workspace's contact
      {2, 200, StatusCode::kOk},
      {1, 101, StatusCode::kNotFound},  // soft-deleted
      {1, 999, StatusCode::kNotFound},
  };
  for (const Case& c : cases) {
    auto page = svc.List(c.ws, c.contact, {});
    EXPECT_EQ(page.status().code(), c.want) << c.ws << "/" << c.contact;
  }
}

TEST_F(TimelineServiceTest, BadCursorNamesCursor) {
  TimelineService svc(*db_);
  ActivityQuery q;
  q.cursor = "bm90IGEgY3Vyc29y";  // base64 of "not a cursor"
  auto page = svc.List(1, 100, q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().details().at(0).field, "cursor");
}

}  // namespace
}  // namespace rally::timeline
