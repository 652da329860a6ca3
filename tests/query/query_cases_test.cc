// Filter semantics as data (STYLE.md rule 11): every tests/query/cases/*.cases file builds a small
// data set through the real write path (ContactService), then checks filters against the emails
// they must return. Runs on SQLite and, in the "pg:" runs, on PostgreSQL.
//
// Lines of a case file:
//   # comment
//   contact {json}                 create a contact (as user ada@example.com, id 10)
//   delete EMAIL                   soft-delete a contact
//   sql STATEMENT                  raw SQL in a write transaction (e.g. renaming a company)
//   match FILTER => EMAILS         the text filter returns exactly these (any order; "none")
//   json {FILTER} => EMAILS        the same for a JSON filter
//   sorted SORT | FILTER => EMAILS these, in this order
//   error FILTER => CODE           the filter is refused with this detail code
// Every match/json/sorted case is also paged two at a time through the cursors (the pages must
// concatenate to the full list; also through query::ScanContactPage), read whole through
// query::ScanContacts, and counted (the count must equal the list's length), with SQL and
// through the in-memory count index, and its filter is round-tripped text -> JSON -> text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "contacts/contact_search.h"
#include "contacts/contacts_fixture.h"
#include "query/contact_query.h"

namespace rally::contacts {
namespace {

using testing::kAda;
using testing::kWs;

class QueryCasesTest : public testing::ContactsTest {
 protected:
  std::unique_ptr<ContactSearch> indexed_;  // counts through the count index
  std::vector<std::string> Emails(const std::vector<Contact>& cs) {
    std::vector<std::string> out;
    for (const Contact& c : cs) out.push_back(c.email);
    return out;
  }

  // Runs one list case; returns failures as text ("" when it passed).
  void Check(const std::string& where, ContactSearchRequest req, std::vector<std::string> want,
             bool ordered) {
    ContactSearch search(*db_);
    query::QueryContext ctx{kWs, kAda};
    req.limit = 1000;
    auto page = search.List(ctx, req);
    ASSERT_TRUE(page.ok()) << where << ": " << page.status().ToString();
    std::vector<std::string> got = Emails(page->data);
    EXPECT_TRUE(page->next_cursor.empty()) << where;
    std::vector<std::string> got_sorted = got;
    if (!ordered) {
      std::sort(got_sorted.begin(), got_sorted.end());
      std::sort(want.begin(), want.end());
    }
    EXPECT_EQ(got_sorted, want) << where;

    // Two at a time through the cursors: the same rows in the same order.
    std::vector<std::string> paged;
    req.limit = 2;
    req.cursor.clear();
    for (int i = 0; i < 100; ++i) {
      auto p = search.List(ctx, req);
      ASSERT_TRUE(p.ok()) << where << " page " << i << ": " << p.status().ToString();
      for (auto& e : Emails(p->data)) paged.push_back(e);
      if (p->next_cursor.empty()) break;
      req.cursor = p->next_cursor;
    }
    EXPECT_EQ(paged, got) << where << " (paged by 2)";

    auto n = search.Count(ctx, req);
    ASSERT_TRUE(n.ok()) << where << ": " << n.status().ToString();
    EXPECT_EQ(*n, static_cast<int64_t>(got.size())) << where << " (count)";
    // The same count through the in-memory index (query/count_index.h), which the file's
    // writes reached only through the write path's events; filters it cannot answer go to SQL.
    auto indexed = indexed_->Count(ctx, req);
    ASSERT_TRUE(indexed.ok()) << where << ": " << indexed.status().ToString();
    EXPECT_EQ(*indexed, static_cast<int64_t>(got.size())) << where << " (count index)";

    // The filter's text and JSON forms select the same rows.
    auto node = search.Parse(kWs, req);
    ASSERT_TRUE(node.ok()) << where;
    ContactSearchRequest other = req;
    if (req.filter) {
      other.filter.reset();
      other.q = query::ToText(*node);
    } else {
      other.filter = query::ToJson(*node);
    }
    auto again = search.Parse(kWs, other);
    ASSERT_TRUE(again.ok()) << where << ": " << again.status().ToString();
    EXPECT_EQ(*again, *node) << where << " (round trip)";

    // query::ScanContactPage (the export's reader) two at a time, its own columns read after
    // the id and sort columns: the same rows in the same order.
    std::vector<std::string> scanned;
    Status scan = db_->Read([&](storage::Connection& conn) -> Status {
      RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(conn, kWs));
      RALLY_ASSIGN_OR_RETURN(query::Sort sort, query::ParseSort(req.sort, catalog));
      std::string cursor;
      for (int i = 0; i < 100; ++i) {
        RALLY_ASSIGN_OR_RETURN(
            cursor, query::ScanContactPage(conn, ctx, catalog, *node, sort, 2, cursor,
                                           {.select = "c.email, c.id"},
                                           [&](const storage::Row& r, int first) {
                                             EXPECT_EQ(r.Int(first + 1), r.Int(0)) << where;
                                             scanned.emplace_back(r.Text(first));
                                             return Status::Ok();
                                           }));
        if (cursor.empty()) break;
      }
      return Status::Ok();
    });
    ASSERT_TRUE(scan.ok()) << where << ": " << scan.ToString();
    EXPECT_EQ(scanned, got) << where << " (ScanContactPage by 2)";

    // query::ScanContacts (the export's reader): the whole list in one streamed statement, with
    // a join that must neither add nor drop rows.
    std::vector<std::string> streamed;
    scan = db_->Read([&](storage::Connection& conn) -> Status {
      RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(conn, kWs));
      RALLY_ASSIGN_OR_RETURN(query::Sort sort, query::ParseSort(req.sort, catalog));
      return query::ScanContacts(
          conn, ctx, catalog, *node, sort,
          {.select = "c.email, eu.id, c.owner_id",
           .joins = "LEFT JOIN users eu ON eu.workspace_id = c.workspace_id AND "
                    "eu.id = c.owner_id"},
          [&](const storage::Row& r, int first) {
            EXPECT_EQ(r.Int(first + 1), r.Int(first + 2)) << where;
            streamed.emplace_back(r.Text(first));
            return Status::Ok();
          });
    });
    ASSERT_TRUE(scan.ok()) << where << ": " << scan.ToString();
    EXPECT_EQ(streamed, got) << where << " (ScanContacts)";
  }

  void RunFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    // Built now, before the file's contacts exist, so every one of them reaches it as a change.
    indexed_ = std::make_unique<ContactSearch>(*db_);
    indexed_->EnableCountIndex(*bus_);
    ASSERT_TRUE(indexed_->Count({kWs, kAda}, {.q = "tag:x"}).ok());
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::string where = path.filename().string() + ":" + std::to_string(lineno);
      std::string_view l = Trim(line);
      if (l.empty() || l.front() == '#') continue;
      size_t sp = l.find(' ');
      std::string_view verb = l.substr(0, sp);
      std::string_view rest = sp == std::string_view::npos ? "" : Trim(l.substr(sp + 1));
      if (verb == "contact") {
        auto c = contacts_->Create(kWs, Obj(rest), {timeline::ActorType::kUser, kAda});
        ASSERT_TRUE(c.ok()) << where << ": " << c.status().ToString();
        continue;
      }
      if (verb == "delete") {
        auto c = contacts_->GetByEmail(kWs, rest);
        ASSERT_TRUE(c.ok()) << where;
        ASSERT_TRUE(contacts_->Delete(kWs, c->id, {timeline::ActorType::kUser, kAda}).ok())
            << where;
        continue;
      }
      if (verb == "sql") {
        std::string sql(rest);
        Status s = db_->Write([&](storage::Transaction& tx) { return tx.Execute(sql).status(); });
        ASSERT_TRUE(s.ok()) << where << ": " << s.ToString();
        indexed_->count_index()->Invalidate(kWs);  // raw SQL sends no events
        continue;
      }
      size_t arrow = rest.rfind("=>");
      ASSERT_NE(arrow, std::string_view::npos) << where << ": no =>";
      std::string lhs(Trim(rest.substr(0, arrow)));
      std::string rhs(Trim(rest.substr(arrow + 2)));
      std::vector<std::string> want;
      std::istringstream words(rhs);
      for (std::string w; words >> w;)
        if (w != "none") want.push_back(w);
      ContactSearchRequest req;
      bool ordered = false;
      if (verb == "match") {
        req.q = lhs;
      } else if (verb == "json") {
        auto v = rally::ParseJson(lhs);
        ASSERT_TRUE(v.ok()) << where << ": bad JSON";
        req.filter = *v;
      } else if (verb == "sorted") {
        size_t bar = lhs.find('|');
        ASSERT_NE(bar, std::string::npos) << where;
        req.sort = std::string(Trim(std::string_view(lhs).substr(0, bar)));
        req.q = std::string(Trim(std::string_view(lhs).substr(bar + 1)));
        ordered = true;
      } else if (verb == "error") {
        req.q = lhs;
        ContactSearch search(*db_);
        auto page = search.List({kWs, kAda}, req);
        ASSERT_FALSE(page.ok()) << where << ": accepted";
        ASSERT_FALSE(page.status().details().empty()) << where;
        EXPECT_EQ(page.status().details()[0].code, rhs)
            << where << ": " << page.status().ToString();
        continue;
      } else {
        FAIL() << where << ": unknown verb " << verb;
      }
      SCOPED_TRACE(where + ": " + lhs);
      Check(where + ": " + lhs, req, want, ordered);
    }
  }
};

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(RALLY_QUERY_CASES_DIR))
    if (e.path().extension() == ".cases") files.push_back(e.path().stem().string());
  std::sort(files.begin(), files.end());
  return files;
}

class QueryCaseFileTest : public QueryCasesTest,
                          public ::testing::WithParamInterface<std::string> {};

// One test per file, each on a fresh database.
TEST_P(QueryCaseFileTest, Run) {
  RunFile(std::filesystem::path(RALLY_QUERY_CASES_DIR) / (GetParam() + ".cases"));
}

INSTANTIATE_TEST_SUITE_P(Cases, QueryCaseFileTest, ::testing::ValuesIn(CaseFiles()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace rally::contacts
