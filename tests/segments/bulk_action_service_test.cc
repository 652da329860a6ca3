#include "segments/bulk_action_service.h"

#include <gtest/gtest.h>

#include <thread>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"
#include "fields/builtin_fields.h"
#include "jobs/job_runner.h"

namespace rally::segments {
namespace {

using contacts::testing::kAda;
using contacts::testing::kBob;
using contacts::testing::kOtherWs;
using contacts::testing::kWs;
const timeline::Actor kActor{timeline::ActorType::kUser, kBob};
const BulkCaller kBobC{kWs, kBob, /*admin=*/false, kActor};

class BulkActionServiceTest : public contacts::testing::ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    // Runs on the committing thread after each write's commit.
    bus_->Subscribe("test hook", [this](std::span<const events::Event> batch) {
      if (on_batch_) on_batch_(batch);
    });
    search_ = std::make_unique<contacts::ContactSearch>(*db_);
    views_ = std::make_unique<SavedViewService>(*db_, *search_);
    queue_ = std::make_unique<jobs::JobQueue>(*db_);
    bulk_ = std::make_unique<BulkActionService>(*db_, *bus_, *contacts_, *views_, *queue_,
                                                BulkOptions{/*inline_limit=*/1000, /*batch_size=*/2});
    runner_ = std::make_unique<jobs::Runner>(*queue_, jobs::RunnerOptions{});
  }
  static BulkRequest Req(std::string_view body) {
    auto r = ParseBulkRequest(Obj(body));
    EXPECT_TRUE(r.ok()) << body << " -> " << r.status().ToString();
    return r.ok() ? *r : BulkRequest{};
  }
  BulkOutcome MustRun(std::string_view body, const BulkCaller& caller = kBobC) {
    auto out = bulk_->Run(caller, Req(body));
    EXPECT_TRUE(out.ok()) << body << " -> " << out.status().ToString();
    return out.ok() ? *out : BulkOutcome{};
  }
  std::string Tags(Id id) {
    auto c = contacts_->Get(kWs, id);
    if (!c.ok()) return c.status().ToString();
    std::string out;
    for (const auto& t : c->tags) out += t.name + ",";
    return out + std::string(fields::LifecycleStageName(c->lifecycle_stage));
  }
  int64_t TimelineCount(Id contact, std::string_view entry) {
    int64_t n = 0;
    for (const std::string& e : Timeline(contact)) n += e == entry;
    return n;
  }
  std::vector<Id> MakeContacts(int n, std::string_view extra = "") {
    std::vector<Id> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(MustCreate("{\"email\":\"c" + std::to_string(i) + "@x.io\"" + std::string(extra) + "}").id);
    }
    return ids;
  }

  std::function<void(std::span<const events::Event>)> on_batch_;
  std::unique_ptr<contacts::ContactSearch> search_;
  std::unique_ptr<SavedViewService> views_;
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<BulkActionService> bulk_;
  std::unique_ptr<jobs::Runner> runner_;
};

TEST_F(BulkActionServiceTest, InlineUpdateWritesTimelineEntriesAndEventsLikeSingleEdits) {
  std::vector<Id> leads = MakeContacts(3, R"(,"tags":["old"],"lead_source":"web")");
  Id other = MustCreate(R"({"email":"other@x.io","lead_source":"event","tags":["old"]})").id;
  Id theirs = MustCreate(R"({"email":"t@x.io","lead_source":"web"})", kOtherWs).id;
  batches_.clear();
  BulkOutcome out = MustRun(R"({"q":"source:web","action":{"type":"update",
      "set":{"stage":"customer","owner":"bob@example.com","custom.industry":"software"},
      "add_tags":["x"],"remove_tags":["old"]}})");
  EXPECT_FALSE(out.job_id);
  EXPECT_EQ(json::serialize(out.counts.ToJson()), R"({"total":3,"changed":3,"unchanged":0,"skipped":0})");
  EXPECT_EQ(out.ids, leads);
  for (Id id : leads) {
    EXPECT_EQ(Tags(id), "x,customer");
    EXPECT_EQ(TimelineCount(id, R"(tag_added {"tag":"x"})"), 1);
    EXPECT_EQ(TimelineCount(id, R"(tag_removed {"tag":"old"})"), 1);
    EXPECT_EQ(TimelineCount(id, R"(lifecycle_changed {"from":"lead","to":"customer"})"), 1);
    auto c = contacts_->Get(kWs, id);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->owner->id, kBob);
    EXPECT_EQ(json::serialize(c->custom), R"({"industry":"Software"})");
  }
  EXPECT_EQ(Tags(other), "old,lead");
  EXPECT_EQ(Timeline(theirs, kOtherWs).size(), 1u);
  ASSERT_EQ(batches_.size(), 1u) << "one transaction, one event batch";
  int updated = 0;
  for (const std::string& n : EventNames()) updated += n == "contact.updated";
  EXPECT_EQ(updated, 3);

  // The same action again changes nothing and writes nothing.
  std::string before = Snapshot();
  out = MustRun(R"({"q":"source:web","action":{"type":"update","set":{"stage":"customer"},"add_tags":["x"]}})");
  EXPECT_EQ(json::serialize(out.counts.ToJson()), R"({"total":3,"changed":0,"unchanged":3,"skipped":0})");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(BulkActionServiceTest, ShorthandActionsFiltersViewsAndIds) {
  std::vector<Id> ids = MakeContacts(4, R"(,"lead_score":60)");
  const Micros created = contacts_->Get(kWs, ids[0])->updated_at;
  MustRun(R"({"ids":[")" + IdToString(ids[0]) + R"(",")" + IdToString(ids[1]) +
          R"("],"action":{"type":"add_tags","tags":["picked"]}})");
  EXPECT_EQ(Tags(ids[0]), "picked,lead");
  EXPECT_EQ(Tags(ids[2]), "lead");
  // A tag-only change writes just updated_at of the row (ContactRepository::TouchMany).
  auto tagged = contacts_->Get(kWs, ids[0]);
  EXPECT_GT(tagged->updated_at, created);
  EXPECT_EQ(tagged->lead_score, 60);
  EXPECT_EQ(tagged->email, "c0@x.io");
  MustRun(R"({"filter":{"field":"tags","op":"has_any","value":["picked"]},"action":{"type":"set_stage","stage":"Qualified"}})");
  EXPECT_EQ(Tags(ids[1]), "picked,qualified");
  MustRun(R"({"q":"tag:picked","action":{"type":"remove_tags","tags":"picked"}})");
  EXPECT_EQ(Tags(ids[1]), "qualified");
  MustRun(R"({"q":"score:60","action":{"type":"set_owner","owner":"ada@example.com"}})");
  EXPECT_EQ(contacts_->Get(kWs, ids[3])->owner->id, kAda);
  // owner:me is the caller.
  BulkOutcome mine = MustRun(R"({"q":"owner:me","action":{"type":"add_tags","tags":["ada's"]}})",
                             BulkCaller{kWs, kAda, true, kActor});
  EXPECT_EQ(mine.counts.total, 4);
  MustRun(R"({"q":"","action":{"type":"set_field","field":"custom.employees","value":12}})");
  EXPECT_EQ(json::serialize(contacts_->Get(kWs, ids[2])->custom), R"({"employees":12})");
  MustRun(R"({"q":"","action":{"type":"set_owner","owner":null}})");
  EXPECT_FALSE(contacts_->Get(kWs, ids[3])->owner.has_value());

  // A saved view as the selection, with its visibility rules.
  auto in = ParseSavedViewInput(Obj(R"({"name":"Qualified","q":"stage:qualified"})"));
  ASSERT_TRUE(in.ok());
  auto view = views_->Create(Viewer{kWs, kBob, false}, *in);
  ASSERT_TRUE(view.ok());
  BulkOutcome by_view = MustRun(R"({"view":")" + IdToString(view->view.id) +
                                R"(","action":{"type":"add_tags","tags":["v"]}})");
  EXPECT_EQ(by_view.counts.total, 2);
  auto not_yours = bulk_->Run(BulkCaller{kWs, kAda, true, kActor},
                              Req(R"({"view":")" + IdToString(view->view.id) + R"(","action":{"type":"delete"}})"));
  EXPECT_EQ(not_yours.status().code(), StatusCode::kNotFound);
}

TEST_F(BulkActionServiceTest, DeleteAndRestoreForUndo) {
  std::vector<Id> ids = MakeContacts(3, R"(,"tags":["gone"])");
  Id keep = MustCreate(R"({"email":"keep@x.io"})").id;
  BulkOutcome del = MustRun(R"({"q":"tag:gone","action":{"type":"delete"}})");
  EXPECT_EQ(del.counts.changed, 3);
  for (Id id : ids) {
    EXPECT_EQ(contacts_->Get(kWs, id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM activities WHERE type = 'contact_deleted' AND contact_id = " +
                    std::to_string(id)),
              1);
  }
  EXPECT_TRUE(contacts_->Get(kWs, keep).ok());
  // Deleting again skips them; restoring a live contact skips it.
  EXPECT_EQ(MustRun(R"({"q":"tag:gone","action":{"type":"delete"}})").counts.total, 0);
  json::array id_list;
  for (Id id : del.ids) id_list.emplace_back(IdToString(id));
  id_list.emplace_back(IdToString(keep));
  BulkOutcome undo = MustRun(R"({"ids":)" + json::serialize(id_list) + R"(,"action":{"type":"restore"}})");
  EXPECT_EQ(json::serialize(undo.counts.ToJson()), R"({"total":4,"changed":3,"unchanged":0,"skipped":1})");
  for (Id id : ids) {
    EXPECT_TRUE(contacts_->Get(kWs, id).ok());
    EXPECT_EQ(Timeline(id)[0], "contact_restored {}");
  }
  // A filter with restore selects deleted contacts.
  MustRun(R"({"q":"tag:gone","action":{"type":"delete"}})");
  EXPECT_EQ(MustRun(R"({"q":"tag:gone","action":{"type":"restore"}})").counts.changed, 3);
}

TEST_F(BulkActionServiceTest, BadRequestsNameTheFieldAndChangeNothing) {
  MakeContacts(2);
  struct Case { std::string body; std::string field; std::string code; };
  const Case parse_cases[] = {
      {R"({"action":{"type":"delete"}})", "q", "selection_required"},
      {R"({"q":"","ids":["1"],"action":{"type":"delete"}})", "ids", "conflict"},
      {R"({"q":""})", "action", "required"},
      {R"({"q":"","action":{"type":"explode"}})", "action.type", "invalid"},
      {R"({"q":"","action":{"type":"update","set":{"email":"a@b.c"}}})", "action.set.email", "not_bulk_settable"},
      {R"({"q":"","action":{"type":"update","set":{"tags":["a"]}}})", "action.set.tags", "not_bulk_settable"},
      {R"({"q":"","action":{"type":"update"}})", "action", "empty"},
      {R"({"q":"","action":{"type":"add_tags","tags":[]}})", "action.tags", "invalid"},
      {R"({"q":"","action":{"type":"delete","tags":["x"]}})", "action.tags", "unknown_field"},
      {R"({"ids":["x"],"action":{"type":"delete"}})", "ids[0]", "invalid"},
      {R"({"q":"","action":{"type":"delete"},"dry_run":true})", "dry_run", "unknown_field"},
  };
  for (const Case& c : parse_cases) {
    auto got = ParseBulkRequest(Obj(c.body));
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().details().at(0).field, c.field) << c.body;
    EXPECT_EQ(got.status().details().at(0).code, c.code) << c.body;
  }
  const Case run_cases[] = {
      {R"({"q":"colour:red","action":{"type":"delete"}})", "q", "filter_unknown_field"},
      {R"({"filter":{"field":"stage","op":"eq","value":"nope"},"action":{"type":"delete"}})", "filter.value",
       "filter_invalid_value"},
      {R"({"q":"","action":{"type":"set_stage","stage":"prospect"}})", "action.set.lifecycle_stage", "not_an_option"},
      {R"({"q":"","action":{"type":"set_field","field":"custom.colour","value":"red"}})",
       "action.set.custom.colour", "unknown_field"},
      {R"({"q":"","action":{"type":"set_field","field":"lead_score","value":101}})", "action.set.lead_score",
       "out_of_range"},
      {R"({"q":"","action":{"type":"set_owner","owner":"nobody@example.com"}})", "action.set.owner", "not_found"},
      {R"({"q":"","action":{"type":"set_owner","owner":"eve@example.com"}})", "action.set.owner", "not_found"},
  };
  std::string before = Snapshot();
  for (const Case& c : run_cases) {
    auto got = bulk_->Run(kBobC, Req(c.body));
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << c.body;
    ASSERT_FALSE(got.status().details().empty()) << c.body << ": " << got.status().ToString();
    EXPECT_EQ(got.status().details()[0].field, c.field) << c.body << ": " << got.status().ToString();
    EXPECT_EQ(got.status().details()[0].code, c.code) << c.body << ": " << got.status().ToString();
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(BulkActionServiceTest, LargeSelectionsRunAsAJobInBatchesOverASnapshot) {
  bulk_->set_inline_limit(3);
  std::vector<Id> ids = MakeContacts(7, R"(,"tags":["todo"])");
  // The action takes every contact out of the filter as it goes: a job paging the live filter
  // would skip some; the snapshot does each exactly once.
  BulkOutcome out = MustRun(R"({"q":"tag:todo","action":{"type":"update","add_tags":["done"],"remove_tags":["todo"]}})");
  ASSERT_TRUE(out.job_id);
  EXPECT_EQ(Tags(ids[0]), "todo,lead") << "nothing runs before a runner takes the job";
  // A contact that starts matching after the job started is not part of it.
  bool added_late = false;
  on_batch_ = [&](std::span<const events::Event>) {
    if (added_late) return;
    added_late = true;
    // On a thread of its own: the hook may run inside the committing Write's call (PostgreSQL).
    std::thread([&] { MustCreate(R"({"email":"late@x.io","tags":["todo"]})"); }).join();
  };
  auto ran = runner_->RunOnce();
  ASSERT_TRUE(ran.ok() && *ran) << ran.status().ToString();
  on_batch_ = nullptr;
  auto job = queue_->Get(kWs, *out.job_id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(jobs::JobStateName(job->state), "succeeded") << job->error;
  EXPECT_EQ(json::serialize(job->result), R"({"total":7,"changed":7,"unchanged":0,"skipped":0})");
  EXPECT_EQ(json::serialize(job->progress.at("done")), "7");
  EXPECT_EQ(job->actor.type, "user");
  for (Id id : ids) {
    EXPECT_EQ(Tags(id), "done,lead");
    EXPECT_EQ(TimelineCount(id, R"(tag_added {"tag":"done"})"), 1);
  }
  auto late = contacts_->GetByEmail(kWs, "late@x.io");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(Tags(late->id), "todo,lead");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bulk_job_contacts"), 0) << "the snapshot goes with the job";
  // Ids past the inline limit are a job too.
  json::array id_list;
  for (Id id : ids) id_list.emplace_back(IdToString(id));
  out = MustRun(R"({"ids":)" + json::serialize(id_list) + R"(,"action":{"type":"delete"}})");
  ASSERT_TRUE(out.job_id);
  ASSERT_TRUE(runner_->RunOnce().ok());
  EXPECT_EQ(json::serialize(queue_->Get(kWs, *out.job_id)->result),
            R"({"total":7,"changed":7,"unchanged":0,"skipped":0})");
  EXPECT_EQ(contacts_->Get(kWs, ids[6]).status().code(), StatusCode::kNotFound);
}

TEST_F(BulkActionServiceTest, AJobThatLosesItsRunnerMidwayResumesWithoutDoingABatchTwice) {
  bulk_->set_inline_limit(2);
  std::vector<Id> ids = MakeContacts(5);
  BulkOutcome out = MustRun(R"({"q":"","action":{"type":"add_tags","tags":["x"]}})");
  ASSERT_TRUE(out.job_id);
  const Id job_id = *out.job_id;
  // After the first batch commits, the runner "dies": its lease passes to someone else, so the
  // progress report of that batch is refused and the run stops there.
  bool lost = false;
  on_batch_ = [&](std::span<const events::Event>) {
    if (lost) return;
    lost = true;
    Status s;
    std::thread([&] {
      s = db_->Write([&](storage::Transaction& tx) {
        return tx.Execute("UPDATE jobs SET lease_owner = 'another runner' WHERE id = ?", {job_id}).status();
      });
    }).join();
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  ASSERT_TRUE(runner_->RunOnce().ok());
  on_batch_ = nullptr;
  EXPECT_EQ(Tags(ids[0]) + " " + Tags(ids[2]), "x,lead lead") << "one batch of two done";
  // What the reaper does once the lease expires: queued again, progress kept.
  Status s = db_->Write([&](storage::Transaction& tx) {
    return tx.Execute("UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                      "run_after = 0 WHERE id = ?", {job_id}).status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(runner_->RunOnce().ok());
  auto job = queue_->Get(kWs, job_id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(jobs::JobStateName(job->state), "succeeded") << job->error;
  // The first batch ran again and changed nothing the second time.
  EXPECT_EQ(json::serialize(job->result), R"({"total":5,"changed":3,"unchanged":2,"skipped":0})");
  for (Id id : ids) {
    EXPECT_EQ(Tags(id), "x,lead");
    EXPECT_EQ(TimelineCount(id, R"(tag_added {"tag":"x"})"), 1) << "contact " << id;
  }
}

TEST_F(BulkActionServiceTest, RunNowGoesThroughEveryBatchWithProgress) {
  std::vector<Id> ids = MakeContacts(5);
  std::vector<std::string> seen;
  auto counts = bulk_->RunNow(kBobC, Req(R"({"q":"","action":{"type":"set_stage","stage":"customer"}})"),
                              [&](int64_t done, int64_t total) {
                                seen.push_back(std::to_string(done) + "/" + std::to_string(total));
                              });
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(json::serialize(counts->ToJson()), R"({"total":5,"changed":5,"unchanged":0,"skipped":0})");
  EXPECT_EQ(seen, (std::vector<std::string>{"0/5", "2/5", "4/5", "5/5"}));
  EXPECT_EQ(Tags(ids[4]), "customer");
}

}  // namespace
}  // namespace rally::segments
