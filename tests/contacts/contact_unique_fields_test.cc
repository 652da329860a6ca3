// Unique custom fields (contacts/unique_fields.h, migration 0009) on the contact write path, on
// both backends: the database refuses a second holder of a value, every write keeps
// custom_unique_values in step with contacts.custom, and ContactService::Batch can match items
// on a unique field instead of the email (BatchOptions::match_on).
#include <gtest/gtest.h>

#include <thread>

#include "contacts/contacts_fixture.h"

namespace rally::contacts::testing {
namespace {

constexpr timeline::Actor kActor{timeline::ActorType::kUser, kAda};
const timeline::Actor kImport{timeline::ActorType::kImport, 77};

class UniqueFieldsTest : public ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    fields::CustomFieldInput in;
    in.key = "customer_id";
    in.type = "text";
    in.unique = true;
    auto f = fields_->Create(kWs, in);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    customer_id_ = *f;
  }

  Result<std::vector<BatchItemResult>> Batch(std::string_view items_json, BatchOptions o = {}) {
    auto v = ParseJson(items_json);
    EXPECT_TRUE(v.ok() && v->is_array()) << items_json;
    std::vector<ContactInput> items;
    for (const json::value& item : v->as_array()) items.push_back(item.as_object());
    return contacts_->Batch(kWs, items, kImport, o);
  }

  static std::string Outcomes(const std::vector<BatchItemResult>& rs) {
    std::string out;
    for (const auto& r : rs) {
      out += std::string(out.empty() ? "" : ",") + std::string(BatchStatusName(r.status));
      if (r.status == BatchStatus::kError)
        for (const FieldError& e : r.error.details()) out += ":" + e.field + ":" + e.code;
    }
    return out;
  }

  // "value_norm=email" of every indexed customer_id, sorted by value.
  std::string Index() {
    std::string out;
    Status s = db_->Read([&](storage::Connection& c) {
      return c.Query(
          "SELECT u.value_norm, c.email FROM custom_unique_values u JOIN contacts c ON"
          " c.workspace_id = u.workspace_id AND c.id = u.contact_id WHERE u.workspace_id = ?"
          " ORDER BY u.value_norm",
          {kWs}, [&](const storage::Row& r) {
            out += std::string(out.empty() ? "" : " ") + std::string(r.Text(0)) + "=" +
                   std::string(r.Text(1));
            return true;
          });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  fields::CustomField customer_id_;
};

TEST_F(UniqueFieldsTest, SingleWritesKeepTheIndexAndRefuseDuplicates) {
  Contact a = MustCreate(R"({"email":"a@x.io","custom":{"customer_id":"  C-1 "}})");
  Contact b = MustCreate(R"({"email":"b@x.io","custom":{"customer_id":"C-2"}})");
  EXPECT_EQ(Index(), "c-1=a@x.io c-2=b@x.io");

  struct Case {
    std::string name;
    std::function<Status()> write;
    std::string want;  // "ok" or the refusal's "field:code"
    std::string want_index;
  };
  std::vector<Case> cases = {
      {"create with a taken value (other case, spaces) is refused naming the field",
       [&] { return contacts_->Create(kWs, Obj(R"({"email":"c@x.io","custom":{"customer_id":"c-1"}})"), kActor).status(); },
       "custom.customer_id:duplicate", "c-1=a@x.io c-2=b@x.io"},
      {"update to a taken value is refused",
       [&] { return contacts_->Update(kWs, b.id, Obj(R"({"custom":{"customer_id":"C-1"}})"), kActor).status(); },
       "custom.customer_id:duplicate", "c-1=a@x.io c-2=b@x.io"},
      {"an update that changes the value moves it",
       [&] { return contacts_->Update(kWs, b.id, Obj(R"({"custom":{"customer_id":"C-3"}})"), kActor).status(); },
       "ok", "c-1=a@x.io c-3=b@x.io"},
      {"the freed value can be taken",
       [&] { return contacts_->Create(kWs, Obj(R"({"email":"c@x.io","custom":{"customer_id":"C-2"}})"), kActor).status(); },
       "ok", "c-1=a@x.io c-2=c@x.io c-3=b@x.io"},
      {"clearing the value frees it",
       [&] { return contacts_->Update(kWs, b.id, Obj(R"({"custom":{"customer_id":null}})"), kActor).status(); },
       "ok", "c-1=a@x.io c-2=c@x.io"},
      {"a soft-deleted contact keeps its value reserved",
       [&] {
         RALLY_RETURN_IF_ERROR(contacts_->Delete(kWs, a.id, kActor));
         return contacts_->Create(kWs, Obj(R"({"email":"d@x.io","custom":{"customer_id":"C-1"}})"), kActor).status();
       },
       "custom.customer_id:duplicate", "c-1=a@x.io c-2=c@x.io"},
      {"restored, it still holds it",
       [&] { return contacts_->Restore(kWs, a.id, kActor).status(); }, "ok", "c-1=a@x.io c-2=c@x.io"},
      {"purging a contact frees its value",
       [&] {
         RALLY_RETURN_IF_ERROR(contacts_->Delete(kWs, a.id, kActor));
         RALLY_RETURN_IF_ERROR(contacts_->PurgeDeleted(Now() + 1).status());
         return contacts_->Create(kWs, Obj(R"({"email":"d@x.io","custom":{"customer_id":"C-1"}})"), kActor).status();
       },
       "ok", "c-1=d@x.io c-2=c@x.io"},
      {"another workspace's values are its own",
       [&] {
         fields::CustomFieldInput in;
         in.key = "customer_id";
         in.type = "text";
         in.unique = true;
         RALLY_RETURN_IF_ERROR(fields_->Create(kOtherWs, in).status());
         return contacts_->Create(kOtherWs, Obj(R"({"email":"a@x.io","custom":{"customer_id":"C-1"}})"), kActor).status();
       },
       "ok", "c-1=d@x.io c-2=c@x.io"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string before = Snapshot();
    Status s = c.write();
    if (c.want == "ok") {
      EXPECT_TRUE(s.ok()) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
      EXPECT_EQ(ErrorList(s), std::vector<std::string>{c.want});
      EXPECT_NE(s.message().find("customer_id"), std::string::npos) << s.message();
    }
    EXPECT_EQ(Index(), c.want_index);
  }
}

TEST_F(UniqueFieldsTest, DeletingTheFieldDropsItsIndex) {
  MustCreate(R"({"email":"a@x.io","custom":{"customer_id":"C-1"}})");
  ASSERT_TRUE(contacts_->DeleteCustomField(kWs, customer_id_.id, kActor).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM custom_unique_values"), 0);
}

TEST_F(UniqueFieldsTest, NumbersMatchByValue) {
  fields::CustomFieldInput in;
  in.key = "account_no";
  in.type = "number";
  in.unique = true;
  ASSERT_TRUE(fields_->Create(kWs, in).ok());
  MustCreate(R"({"email":"a@x.io","custom":{"account_no":42}})");
  auto dup = contacts_->Create(kWs, Obj(R"({"email":"b@x.io","custom":{"account_no":"42.0"}})"), kActor);
  EXPECT_EQ(ErrorList(dup.status()), std::vector<std::string>{"custom.account_no:duplicate"})
      << dup.status().ToString();
  auto other = contacts_->Create(kWs, Obj(R"({"email":"b@x.io","custom":{"account_no":42.5}})"), kActor);
  EXPECT_TRUE(other.ok()) << other.status().ToString();
}

TEST_F(UniqueFieldsTest, MarkingUniqueChecksExistingValues) {
  // notes (text) holds a shared value; employees (number) distinct ones; vip is boolean.
  MustCreate(R"({"email":"a@x.io","custom":{"notes":"Same","employees":5}})");
  MustCreate(R"({"email":"b@x.io","custom":{"notes":" same","employees":6}})");
  auto defs = fields_->List(kWs);
  ASSERT_TRUE(defs.ok());
  auto id_of = [&](std::string_view key) {
    for (const auto& f : *defs)
      if (f.def.key == key) return f.id;
    return Id{0};
  };
  fields::CustomFieldInput on;
  on.unique = true;
  auto notes = fields_->Update(kWs, id_of("notes"), on);
  EXPECT_EQ(notes.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorList(notes.status()), std::vector<std::string>{"unique:duplicate_values"});
  EXPECT_NE(notes.status().message().find("notes"), std::string::npos) << notes.status().message();
  EXPECT_NE(notes.status().message().find("same"), std::string::npos) << notes.status().message();
  auto vip = fields_->Update(kWs, id_of("vip"), on);
  EXPECT_EQ(ErrorList(vip.status()), std::vector<std::string>{"unique:invalid"});
  auto employees = fields_->Update(kWs, id_of("employees"), on);
  ASSERT_TRUE(employees.ok()) << employees.status().ToString();
  EXPECT_TRUE(employees->unique);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM custom_unique_values WHERE field_id = " +
                  std::to_string(id_of("employees"))),
            2);
  auto dup = contacts_->Create(kWs, Obj(R"({"email":"c@x.io","custom":{"employees":5}})"), kActor);
  EXPECT_EQ(ErrorList(dup.status()), std::vector<std::string>{"custom.employees:duplicate"});
  fields::CustomFieldInput off;
  off.unique = false;
  ASSERT_TRUE(fields_->Update(kWs, id_of("employees"), off).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM custom_unique_values WHERE field_id = " +
                  std::to_string(id_of("employees"))),
            0);
  EXPECT_TRUE(contacts_->Create(kWs, Obj(R"({"email":"c@x.io","custom":{"employees":5}})"), kActor).ok());
}

TEST_F(UniqueFieldsTest, ConcurrentCreatesOfOneValueMakeOneHolder) {
  constexpr int kWriters = 6;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = contacts_->Create(kWs, Obj(R"({"email":"w)" + std::to_string(i) +
                                              R"(@x.io","custom":{"customer_id":"C-9"}})"),
                                     kActor)
                       .status();
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++created;
      continue;
    }
    EXPECT_EQ(ErrorList(s), std::vector<std::string>{"custom.customer_id:duplicate"}) << s.ToString();
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM custom_unique_values"), 1);
}

// A field turned unique while another contact takes a value already held: one of the two must
// lose (the toggle finds the duplicate, or the write is refused), never both win. Through a
// single create and through a batch, many rounds, so the two overlap in every order.
TEST_F(UniqueFieldsTest, TurningUniqueRacesWithWritersOfADuplicate) {
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    fields::CustomFieldInput in;
    std::string key = "code" + std::to_string(round);
    in.key = key;
    in.type = "text";
    auto f = fields_->Create(kWs, in);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    MustCreate(R"({"email":"held)" + std::to_string(round) + R"(@x.io","custom":{")" + key +
               R"(":"X"}})");
    Status write, toggle;
    std::thread writer([&] {
      ContactInput item = Obj(R"({"email":"dup)" + std::to_string(round) + R"(@x.io","custom":{")" +
                              key + R"(":"x"}})");
      if (round % 2 == 0) {
        write = contacts_->Create(kWs, item, kActor).status();
      } else {
        auto r = contacts_->Batch(kWs, std::span<const ContactInput>(&item, 1), kImport);
        write = !r.ok() ? r.status() : (*r)[0].status == BatchStatus::kError ? (*r)[0].error : Status::Ok();
      }
    });
    std::thread toggler([&] {
      fields::CustomFieldInput on;
      on.unique = true;
      toggle = fields_->Update(kWs, f->id, on).status();
    });
    writer.join();
    toggler.join();
    EXPECT_FALSE(write.ok() && toggle.ok()) << "both the duplicate and the toggle committed";
    EXPECT_TRUE(write.ok() || toggle.ok()) << write.ToString() << " / " << toggle.ToString();
  }
}

TEST_F(UniqueFieldsTest, BatchMatchesOnTheField) {
  Contact a = MustCreate(R"({"email":"a@x.io","first_name":"Ada","custom":{"customer_id":"C-1"}})");
  Contact b = MustCreate(R"({"email":"b@x.io","custom":{"customer_id":"C-2"}})");
  MustCreate(R"({"email":"taken@x.io"})");
  BatchOptions by_id;
  by_id.match_on = "custom.customer_id";

  struct Case {
    std::string name;
    std::string items;
    BatchOptions options;
    std::string want;
  };
  std::vector<Case> cases = {
      {"an update matched by the field changes the email",
       R"([{"email":"ada@new.io","custom":{"customer_id":"c-1"},"last_name":"L"}])", by_id, "updated"},
      {"no email needed to update",
       R"([{"custom":{"customer_id":"C-2"},"title":"CTO"}])", by_id, "updated"},
      {"an item without the match value is an error of its own",
       R"([{"email":"z@x.io"},{"custom":{"customer_id":"C-2"},"title":"CEO"}])", by_id,
       "error:custom.customer_id:required,updated"},
      {"creating still needs an email",
       R"([{"custom":{"customer_id":"C-7"},"first_name":"N"}])", by_id, "error:email:required"},
      {"a changed email taken by another contact is refused",
       R"([{"email":"taken@x.io","custom":{"customer_id":"C-2"}}])", by_id, "error:email:duplicate"},
      {"items sharing the value merge into one write",
       R"([{"email":"new@x.io","custom":{"customer_id":"C-5"},"first_name":"One"},
           {"custom":{"customer_id":" c-5"},"last_name":"Two"}])",
       by_id, "created,created"},
      {"matching by email (the default) refuses a value held by another contact",
       R"([{"email":"b@x.io","custom":{"customer_id":"C-1"}}])", {}, "error:custom.customer_id:duplicate"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = Batch(c.items, c.options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Outcomes(*r), c.want);
  }
  auto a2 = contacts_->Get(kWs, a.id);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->email, "ada@new.io");
  EXPECT_EQ(a2->first_name.value_or(""), "Ada");
  EXPECT_EQ(a2->last_name.value_or(""), "L");
  auto by_old = contacts_->GetByEmail(kWs, "a@x.io");
  EXPECT_EQ(by_old.status().code(), StatusCode::kNotFound);
  auto b2 = contacts_->Get(kWs, b.id);
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->title.value_or(""), "CEO");
  EXPECT_EQ(b2->email, "b@x.io");
  auto merged = contacts_->GetByEmail(kWs, "new@x.io");
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->first_name.value_or(""), "One");
  EXPECT_EQ(merged->last_name.value_or(""), "Two");
  EXPECT_EQ(Index(), "c-1=ada@new.io c-2=b@x.io c-5=new@x.io");
}

TEST_F(UniqueFieldsTest, BatchRefusesAFieldThatIsNotUnique) {
  for (std::string match_on : {"custom.notes", "custom.nope", "nope"}) {
    SCOPED_TRACE(match_on);
    BatchOptions o;
    o.match_on = match_on;
    auto r = Batch(R"([{"email":"a@x.io","custom":{"notes":"n"}}])", o);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorList(r.status()), std::vector<std::string>{"match_on:invalid"});
  }
}

TEST_F(UniqueFieldsTest, BatchMovesValuesBetweenContactsOfOneBatch) {
  // Matched by email, A gives up C-1 and B takes it in the same batch: the removal is written
  // before the addition.
  MustCreate(R"({"email":"a@x.io","custom":{"customer_id":"C-1"}})");
  MustCreate(R"({"email":"b@x.io"})");
  auto r = Batch(R"([{"email":"a@x.io","custom":{"customer_id":"C-8"}},
                     {"email":"b@x.io","custom":{"customer_id":"C-1"}}])");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Outcomes(*r), "updated,updated");
  EXPECT_EQ(Index(), "c-1=b@x.io c-8=a@x.io");
}

}  // namespace
}  // namespace rally::contacts::testing
