// BatchOptions (contact_service.h): the knobs bulk callers such as imports set on
// ContactService::Batch. Each case starts from the same stored contacts and runs one batch.
#include <gtest/gtest.h>

#include "contacts/contact_service.h"
#include "contacts/contacts_fixture.h"
#include "fields/builtin_fields.h"

namespace rally::contacts::testing {
namespace {

const timeline::Actor kImport{timeline::ActorType::kImport, 77};

class BatchOptionsTest : public ContactsTest {
 protected:
  Result<std::vector<BatchItemResult>> Run(std::string_view items_json, const BatchOptions& o) {
    auto v = ParseJson(items_json);
    EXPECT_TRUE(v.ok() && v->is_array());
    std::vector<ContactInput> items;
    for (const json::value& item : v->as_array()) items.push_back(item.as_object());
    return contacts_->Batch(kWs, items, kImport, o);
  }
  static std::string Statuses(const std::vector<BatchItemResult>& rs) {
    std::string out;
    for (const auto& r : rs) out += std::string(out.empty() ? "" : ",") + std::string(BatchStatusName(r.status));
    return out;
  }
};

TEST_F(BatchOptionsTest, ModesStageRuleAndDefaults) {
  struct Case {
    std::string name;
    std::function<void(BatchOptions&)> set;
    std::string items;
    std::string want_statuses;
    std::string want_old;  // old@x.io's stage/lead_source/owner after the batch
    std::string want_new;  // new@x.io's, or "absent"
  };
  std::vector<Case> cases = {
      {"create or update (the default) lets a stage move back",
       [](BatchOptions&) {},
       R"([{"email":"OLD@x.io","lifecycle_stage":"lead"},{"email":"new@x.io"}])",
       "updated,created", "lead|web|", "lead||"},
      {"create only skips the match",
       [](BatchOptions& o) { o.mode = BatchMode::kCreateOnly; },
       R"([{"email":"old@x.io","lifecycle_stage":"lead"},{"email":"new@x.io"}])",
       "skipped,created", "customer|web|", "lead||"},
      {"update only skips the newcomer",
       [](BatchOptions& o) { o.mode = BatchMode::kUpdateOnly; },
       R"([{"email":"old@x.io","lead_source":"fair"},{"email":"new@x.io"}])",
       "updated,skipped", "customer|fair|", "absent"},
      {"keep_higher_stage drops a lower stage and applies the rest",
       [](BatchOptions& o) { o.keep_higher_stage = true; },
       R"([{"email":"old@x.io","lifecycle_stage":"qualified","lead_source":"fair"},
           {"email":"new@x.io","lifecycle_stage":"qualified"}])",
       "updated,created", "customer|fair|", "qualified||"},
      {"keep_higher_stage still moves a stage forward",
       [](BatchOptions& o) { o.keep_higher_stage = true; },
       R"([{"email":"old@x.io","lifecycle_stage":"evangelist"}])", "updated",
       "evangelist|web|", "absent"},
      {"create defaults apply beneath new contacts' own values, never to matches",
       [](BatchOptions& o) {
         o.create_defaults = json::object{{"lead_source", "import"}, {"lifecycle_stage", "qualified"},
                                          {"owner", "ada@example.com"}};
       },
       R"([{"email":"old@x.io","title":"CTO"},{"email":"new@x.io","lead_source":"fair"}])",
       "updated,created", "customer|web|", "qualified|fair|ada@example.com"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    // Each case has its own pair of contacts: old<n>@x.io stored first, new<n>@x.io not.
    std::string suffix = std::to_string(++n) + "@";
    auto own = [&](std::string s) {
      for (std::string from : {"old@", "OLD@", "new@"}) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
          s.replace(at, from.size(), from.substr(0, 3) + suffix);
        }
      }
      return s;
    };
    MustCreate(own(R"({"email":"old@x.io","lifecycle_stage":"customer","lead_source":"web"})"));
    BatchOptions o;
    c.set(o);
    auto r = Run(own(c.items), o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Statuses(*r), c.want_statuses);
    auto describe = [&](std::string_view email) -> std::string {
      auto got = contacts_->GetByEmail(kWs, email);
      if (!got.ok()) return "absent";
      return std::string(fields::LifecycleStageName(got->lifecycle_stage)) + "|" +
             got->lead_source.value_or("") + "|" + (got->owner ? got->owner->email : "");
    };
    EXPECT_EQ(describe(own("old@x.io")), c.want_old);
    EXPECT_EQ(describe(own("new@x.io")), c.want_new);
  }
}

TEST_F(BatchOptionsTest, DryRunReportsChangesAndWritesNothing) {
  MustCreate(R"({"email":"old@x.io","title":"Engineer","tags":["a"]})");
  std::string before = Snapshot();
  batches_.clear();
  BatchOptions o;
  o.dry_run = true;
  o.report_changes = true;
  bool hook_ran = false;
  o.in_transaction = [&](storage::Transaction&, std::span<const BatchItemResult>) {
    hook_ran = true;
    return Status::Ok();
  };
  auto r = Run(R"([{"email":"old@x.io","title":"CTO","add_tags":["b"]},{"email":"new@x.io"},
                   {"email":"old@x.io","city":"Oslo"},{"email":"nope"}])", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Statuses(*r), "updated,created,updated,error");
  EXPECT_EQ((*r)[0].changed_fields, (std::vector<std::string>{"title", "city", "tags"}));
  EXPECT_TRUE((*r)[1].changed_fields.empty());
  EXPECT_EQ(Snapshot(), before);
  EXPECT_TRUE(EventNames().empty());
  EXPECT_FALSE(hook_ran) << "a dry run has no transaction to join";
}

TEST_F(BatchOptionsTest, InTransactionHookCommitsWithTheBatchOrSinksIt) {
  BatchOptions o;
  o.in_transaction = [](storage::Transaction& tx, std::span<const BatchItemResult> rs) -> Status {
    // The hook sees the outcomes and writes beside them.
    if (rs.size() != 1 || rs[0].status != BatchStatus::kCreated) return Internal("bad results");
    return tx.Execute("UPDATE workspaces SET name = 'hooked' WHERE id = 1").status();
  };
  ASSERT_TRUE(Run(R"([{"email":"a@x.io"}])", o).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM workspaces WHERE name = 'hooked'"), 1);

  std::string before = Snapshot();
  o.in_transaction = [](storage::Transaction&, std::span<const BatchItemResult>) {
    return Unavailable("the caller's write failed");
  };
  auto r = Run(R"([{"email":"b@x.io"}])", o);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Snapshot(), before) << "the batch rolled back with its hook";
}

TEST_F(BatchOptionsTest, BadDefaultsFailTheCallNamingTheField) {
  BatchOptions o;
  o.create_defaults = json::object{{"lifecycle_stage", "sideways"}};
  auto r = Run(R"([{"email":"a@x.io"}])", o);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(r.status().details().empty());
  EXPECT_EQ(r.status().details()[0].field, "defaults.lifecycle_stage");
}

}  // namespace
}  // namespace rally::contacts::testing
