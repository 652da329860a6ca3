// The contact write path under concurrent writers, on both backends: what SQLite's single writer
// gives by construction, PostgreSQL must give through its transactions (REPEATABLE READ with
// retries on conflicts; docs/decisions/0006-postgres-backend.md).
#include <gtest/gtest.h>

#include <thread>

#include "contacts/contacts_fixture.h"

namespace rally::contacts::testing {
namespace {

constexpr timeline::Actor kActor{timeline::ActorType::kUser, kAda};

using ContactConcurrencyTest = ContactsTest;

template <typename Fn>
void InThreads(int n, Fn fn) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { fn(i); });
  for (auto& t : threads) t.join();
}

TEST_F(ContactConcurrencyTest, CreatesOfOneEmailMakeOneContact) {
  constexpr int kWriters = 6;
  std::vector<Result<Contact>> results(kWriters, Status(StatusCode::kInternal, "not run"));
  InThreads(kWriters, [&](int i) {
    results[i] = contacts_->Create(kWs, Obj(R"({"email":" Same@Example.com","first_name":"W)" +
                                            std::to_string(i) + R"("})"),
                                   kActor);
  });
  int created = 0;
  for (const auto& r : results) {
    if (r.ok()) {
      ++created;
      continue;
    }
    // The losers get the answer a later create would: the email is taken.
    EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists) << r.status().ToString();
    EXPECT_EQ(ErrorList(r.status()), std::vector<std::string>{"email:duplicate"}) << r.status().ToString();
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), 1);
}

// Batches of different emails naming the same new companies and tags: each company and tag is
// created once (PostgreSQL creates them in a short transaction ahead of the batch), every item
// lands, and each company is announced once.
TEST_F(ContactConcurrencyTest, BatchesSharingNewCompaniesAndTagsCreateEachOnce) {
  constexpr int kWriters = 4, kItems = 50, kCompanies = 7;
  batches_.clear();
  std::vector<Status> calls(kWriters);
  InThreads(kWriters, [&](int w) {
    std::vector<ContactInput> items;
    for (int i = 0; i < kItems; ++i) {
      items.push_back(Obj(R"({"email":"w)" + std::to_string(w) + "." + std::to_string(i) +
                          R"(@example.com","company":"Shared )" + std::to_string(i % kCompanies) +
                          R"(","tags":["t)" + std::to_string(i % 5) + R"("]})"));
    }
    auto r = contacts_->Batch(kWs, items, kActor);
    calls[w] = r.status();
    if (r.ok()) {
      for (const BatchItemResult& item : *r) {
        EXPECT_EQ(item.status, BatchStatus::kCreated) << item.error.ToString();
      }
    }
  });
  for (int w = 0; w < kWriters; ++w) EXPECT_TRUE(calls[w].ok()) << calls[w].ToString();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), kWriters * kItems);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), kCompanies);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE company_id IS NULL"), 0);
  int announced = 0;
  for (const std::string& name : EventNames()) announced += name == "company.created";
  EXPECT_EQ(announced, kCompanies);
}

TEST_F(ContactConcurrencyTest, BatchesOfOverlappingEmailsMakeOneContactPerEmail) {
  constexpr int kWriters = 4, kEmails = 40;
  std::vector<Status> calls(kWriters);
  std::vector<int> item_errors(kWriters, 0);
  InThreads(kWriters, [&](int w) {
    std::vector<ContactInput> items;
    for (int e = 0; e < kEmails; ++e) {
      // Every writer sends every email, in its own order, with its own tag.
      int k = (e * 7 + w * 13) % kEmails;
      items.push_back(Obj(R"({"email":"p)" + std::to_string(k) + R"(@example.com","tags":["w)" +
                          std::to_string(w) + R"("]})"));
    }
    auto r = contacts_->Batch(kWs, items, kActor);
    calls[w] = r.status();
    if (r.ok()) {
      for (const BatchItemResult& item : *r) {
        if (item.status == BatchStatus::kError) {
          ++item_errors[w];
          ADD_FAILURE() << "writer " << w << " item " << item.index << ": " << item.error.ToString();
        }
      }
    }
  });
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_TRUE(calls[w].ok()) << "writer " << w << ": " << calls[w].ToString();
    EXPECT_EQ(item_errors[w], 0) << "writer " << w;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), kEmails);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_emails"), kEmails);
  // An item's tags replace the contact's: each contact ends with the tag of the last writer
  // that wrote it, never a mix left by interleaved writes.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_tags"), kEmails);
}

TEST_F(ContactConcurrencyTest, PatchesOfOneContactLoseNoChange) {
  Contact c = MustCreate(R"({"email":"patched@example.com"})");
  const std::vector<std::string> fields = {"first_name", "last_name", "title", "department",
                                           "city",       "state",     "country", "lead_source"};
  std::vector<Status> results(fields.size());
  InThreads(static_cast<int>(fields.size()), [&](int i) {
    results[i] = contacts_->Update(kWs, c.id, Obj(R"({")" + fields[i] + R"(":"v)" + std::to_string(i) + R"("})"),
                                   kActor)
                     .status();
  });
  for (size_t i = 0; i < fields.size(); ++i) EXPECT_TRUE(results[i].ok()) << fields[i] << ": " << results[i].ToString();
  auto got = contacts_->Get(kWs, c.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  json::object j = ContactToJson(*got);
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(j[fields[i]], json::value("v" + std::to_string(i))) << fields[i] << " was lost";
  }
  // One timeline entry per change, each diffed against what the write really replaced.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM activities WHERE type = 'field_updated'"),
            static_cast<int64_t>(fields.size()));
}

}  // namespace
}  // namespace rally::contacts::testing
