#include "companies/company_service.h"

#include <gtest/gtest.h>

#include "fixtures/temp_dir.h"

namespace rally::companies {
namespace {

TEST(CompanyTest, NormalizeName) {
  struct Case { std::string in, display, norm, error; };
  const Case cases[] = {
      {"  Acme   Corp ", "Acme Corp", "acme corp", ""},
      {"ÉCOLE  Normale", "ÉCOLE Normale", "école normale", ""},
      {"   ", "", "", "required"},
      {std::string(kMaxCompanyName + 1, 'x'), "", "", "too_long"},
      {"\xFF", "", "", "invalid"},
  };
  for (const Case& c : cases) {
    auto got = NormalizeCompanyName(c.in);
    if (!c.error.empty()) {
      ASSERT_FALSE(got.ok()) << c.in;
      EXPECT_EQ(got.status().details().at(0).field, "company");
      EXPECT_EQ(got.status().details().at(0).code, c.error);
      continue;
    }
    ASSERT_TRUE(got.ok()) << c.in;
    EXPECT_EQ(got->display, c.display);
    EXPECT_EQ(got->norm, c.norm);
  }
}

TEST(CompanyTest, NormalizeDomain) {
  struct Case { std::string in, want; };  // want "" = invalid
  const Case cases[] = {
      {"acme.com", "acme.com"},
      {" https://www.Acme.COM/about?x=1 ", "acme.com"},
      {"http://sub.acme.co.uk.", "sub.acme.co.uk"},
      {"https://www.www.Acme.com/about", "acme.com"},  // fuzz/contact_input: not idempotent
      {"www.www.acom", ""},
      {"localhost", ""},
      {"acme..com", ""},
      {"ac me.com", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    auto got = NormalizeDomain(c.in);
    if (c.want.empty()) {
      EXPECT_FALSE(got.ok()) << c.in;
    } else {
      ASSERT_TRUE(got.ok()) << c.in;
      EXPECT_EQ(*got, c.want);
    }
  }
}

class CompanyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rally::testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                     return tx.ExecScript(
                         "INSERT INTO workspaces (id, name, created_at) VALUES (1, 'a', 0), (2, 'b', 0)");
                   }).ok());
    service_.emplace(*db_);
  }
  Result<FoundCompany> FindOrCreate(Id ws, std::string name,
                                    std::optional<std::string> domain = std::nullopt) {
    std::optional<Result<FoundCompany>> out;
    Status s = db_->Write([&](storage::Transaction& tx) -> Status {
      out = svc().FindOrCreate(tx, ws, name, domain);
      return out->status();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }
  rally::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::optional<CompanyService> service_;
  CompanyService& svc() { return *service_; }
};

TEST_F(CompanyServiceTest, FindOrCreateMatchesCaseInsensitivelyAndKeepsFirstSpelling) {
  auto first = FindOrCreate(1, "Acme  Corp", "https://acme.com");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  auto again = FindOrCreate(1, " ACME corp ", "other.com");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->company.id, first->company.id);
  EXPECT_EQ(again->company.name, "Acme Corp");
  EXPECT_EQ(again->company.domain, "acme.com");
  auto other_ws = FindOrCreate(2, "acme corp");
  ASSERT_TRUE(other_ws.ok());
  EXPECT_TRUE(other_ws->created);
  EXPECT_NE(other_ws->company.id, first->company.id);
  auto no_domain = FindOrCreate(1, "Globex");
  ASSERT_TRUE(no_domain.ok());
  EXPECT_EQ(no_domain->company.domain, std::nullopt);
  EXPECT_EQ(FindOrCreate(1, "Bad", "not a domain").status().details().at(0).field, "company.domain");
}

TEST_F(CompanyServiceTest, GetIsScopedToTheWorkspace) {
  auto c = FindOrCreate(1, "Acme");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(svc().Get(1, c->company.id).ok());
  EXPECT_EQ(svc().Get(2, c->company.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc().GetWithContactCount(2, c->company.id).status().code(), StatusCode::kNotFound);
}

TEST_F(CompanyServiceTest, ContactCountSkipsDeletedContacts) {
  auto c = FindOrCreate(1, "Acme");
  ASSERT_TRUE(c.ok());
  std::string id = IdToString(c->company.id);
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) {
                   return tx.ExecScript(
                       "INSERT INTO contacts (workspace_id, id, email, email_norm, company_id, "
                       "created_at, updated_at, deleted_at) VALUES "
                       "(1, 1, 'a@x.io', 'a@x.io', " + id + ", 0, 0, NULL),"
                       "(1, 2, 'b@x.io', 'b@x.io', " + id + ", 0, 0, NULL),"
                       "(1, 3, 'c@x.io', 'c@x.io', " + id + ", 0, 0, 7)");
                 }).ok());
  auto got = svc().GetWithContactCount(1, c->company.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->second, 2);
  auto page = svc().List(1, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->contact_counts, std::vector<int64_t>{2});
}

TEST_F(CompanyServiceTest, ListPagesInEachSort) {
  for (std::string name : {"delta", "Alpha", "charlie", "Bravo", "echo"}) {
    ASSERT_TRUE(FindOrCreate(1, name).ok());
  }
  ASSERT_TRUE(FindOrCreate(2, "aardvark").ok());  // another workspace never shows
  struct Case { std::string sort; std::vector<std::string> want; };
  const Case cases[] = {
      {"name", {"Alpha", "Bravo", "charlie", "delta", "echo"}},
      {"-name", {"echo", "delta", "charlie", "Bravo", "Alpha"}},
      {"id", {"delta", "Alpha", "charlie", "Bravo", "echo"}},
      {"-id", {"echo", "Bravo", "charlie", "Alpha", "delta"}},
  };
  for (const Case& c : cases) {
    CompanyListOptions opts;
    opts.sort = c.sort;
    opts.limit = 2;
    std::vector<std::string> got;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = svc().List(1, opts);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const Company& co : page->data) got.push_back(co.name);
      if (page->next_cursor.empty()) break;
      opts.cursor = page->next_cursor;
    }
    EXPECT_EQ(got, c.want) << c.sort;
  }
}

TEST_F(CompanyServiceTest, ListRefusesBadOptions) {
  for (std::string name : {"a", "b"}) ASSERT_TRUE(FindOrCreate(1, name).ok());
  CompanyListOptions opts;
  opts.limit = 1;
  auto page = svc().List(1, opts);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  struct Case { std::string sort, cursor; int limit; std::string field; };
  const Case cases[] = {
      {"email", "", 10, "sort"},
      {"name", "", 0, "limit"},
      {"name", "", 1001, "limit"},
      {"-id", page->next_cursor, 10, "cursor"},  // a cursor from another sort
      {"name", "garbage!", 10, "cursor"},
  };
  for (const Case& c : cases) {
    auto got = svc().List(1, {c.sort, c.limit, c.cursor});
    ASSERT_FALSE(got.ok()) << c.field;
    EXPECT_EQ(got.status().details().at(0).field, c.field);
  }
}

}  // namespace
}  // namespace rally::companies
