// Search sees every contact of a group commit, on both backends. On SQLite the writer commits
// concurrent writes together, each in its own savepoint, and indexes their contacts for search
// once per group just before COMMIT (migration 0008, storage::IndexQueuedSearch): a contact is
// searchable as soon as its create returns, whichever group it shared and whoever else was in it.
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"

namespace rally::contacts::testing {
namespace {

constexpr timeline::Actor kActor{timeline::ActorType::kUser, kAda};

using ContactSearchGroupCommitTest = ContactsTest;

std::set<std::string> Emails(const Result<ContactPage>& page) {
  std::set<std::string> out;
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (page.ok())
    for (const Contact& c : page->data) out.insert(c.email);
  return out;
}

TEST_F(ContactSearchGroupCommitTest, FindsEveryContactCreatedInOneGroupCommit) {
  constexpr int kWriters = 12;
  // Holds the (SQLite) writer while the creates queue behind it, so they commit as one group;
  // on PostgreSQL it is one more transaction beside them.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    Status s = db_->Write([&](storage::Transaction&) {
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  std::vector<std::thread> writers;
  std::vector<Status> results(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      // Three new companies shared among them: created in the same group as their contacts.
      results[i] = contacts_
                       ->Create(kWs,
                                Obj(R"({"email":"grouped)" + std::to_string(i) +
                                    R"(@example.com","first_name":"Quillon","last_name":"N)" +
                                    std::to_string(i) + R"(","company":"Orbital )" +
                                    std::to_string(i % 3) + R"("})"),
                                kActor)
                       .status();
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  release.set_value();
  holder.join();
  for (auto& t : writers) t.join();
  for (int i = 0; i < kWriters; ++i) ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();

  ContactSearch search(*db_);
  std::set<std::string> all;
  for (int i = 0; i < kWriters; ++i) all.insert("grouped" + std::to_string(i) + "@example.com");
  struct Case {
    const char* q;
    std::set<std::string> want;
  };
  const Case cases[] = {
      {"quillon", all},
      {"quil", all},                                   // a prefix
      {"orbital", all},                                // the company's name
      {"n7", {"grouped7@example.com"}},                // one of them by last name
      {"quillon n11", {"grouped11@example.com"}},      // words AND
      {"grouped3", {"grouped3@example.com"}},            // by email
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.q);
    ContactSearchRequest request;
    request.q = c.q;
    request.limit = 100;
    EXPECT_EQ(Emails(search.List(query::QueryContext{kWs, kAda}, request)), c.want);
  }
}

}  // namespace
}  // namespace rally::contacts::testing
