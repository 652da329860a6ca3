// rally-bench-segments: times contact lists, counts and search through the service
// (contacts::ContactSearch over query/), each beside a hand-written SQL query of the same meaning
// run on the same database in the same process, alternating. bench/segments/run drives it on a
// database rally-bench-bulk has loaded; see docs/benchmarks.md (issue 4).
//
//   rally-bench-segments (--database-url URL | --db PATH) [--runs 20] [--deep-page 1000]
//
// Cases (the "Benchmarks" list; first pages are 50 contacts):
//   segment   tag:inbound stage:lead score:>50, sorted by score descending
//   count     the count of that segment
//   search    the prefix "jo" (default sort: newest first)
//   custom    industry:Software annual_revenue:>1000000 (default sort)
//   page1     every contact sorted by score descending, first page
//   pageN     the same, page N (default 1,000): the service seeks with its keyset cursor (walked
//             to once, untimed); the baseline is the OFFSET query people write by hand
// The service's time includes loading the page's records (emails, tags, company, custom
// fields); the SQL baseline selects the contacts rows (c.*) of the same page. Each case runs
// once untimed (warm cache), then RUNS times each, alternating service and SQL; the medians are
// printed in ms (wall clock, and the calling thread's CPU time), with the row counts of both
// sides, which must agree.
//
// On SQLite the service counts through the in-memory count index, as the app wires it
// (query/count_index.h); its build by the first count is timed once, before the cases, and
// printed as case=count_index_build with the memory it holds (memory_mb).
//
// Output: one line per case for scripts:
//   case=segment backend=sqlite service_ms=1.23 sql_ms=0.95 service_rows=50 sql_rows=50
// Exit status: 0 on success, 1 when something failed (or the two sides disagree), 2 for bad
// arguments.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "contacts/contact_search.h"
#include "events/event_bus.h"
#include "storage/database.h"

namespace {

using namespace rally;  // a program, not a header

constexpr const char* kUsage =
    "usage: rally-bench-segments (--database-url URL | --db PATH) [--runs N] [--deep-page N]\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "rally-bench-segments: %s\n", message.c_str());
  return 1;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One timed thing: returns how many rows (or the count) it produced, or an error.
using Probe = std::function<Result<int64_t>()>;

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Runs `probe` once and returns its wall-clock milliseconds, setting *rows and adding this
// thread's CPU milliseconds to *cpu_ms (on SQLite all of the work; on PostgreSQL the client's
// share only, the server's is not counted): on a loaded shared machine wall time includes
// waiting for a core, CPU time does not.
Result<double> TimeOnce(const Probe& probe, int64_t* rows, std::vector<double>* cpu_ms) {
  double cpu = ThreadCpuMs();
  auto started = std::chrono::steady_clock::now();
  RALLY_ASSIGN_OR_RETURN(*rows, probe());
  double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                    .count();
  cpu_ms->push_back(ThreadCpuMs() - cpu);
  return wall;
}

struct Case {
  std::string name;
  Probe service;
  Probe sql;
};

// Counts the rows of `sql` (selecting whole rows, as an application reading them would).
Result<int64_t> SqlRows(storage::Database& db, const std::string& sql,
                        std::vector<storage::Value> params) {
  int64_t n = 0;
  RALLY_RETURN_IF_ERROR(db.Read([&](storage::Connection& c) {
    return c.Query(sql, params, [&](const storage::Row& r) {
      n += r.ColumnCount() > 0 ? 1 : 0;
      return true;
    });
  }));
  return n;
}

Result<int64_t> SqlCount(storage::Database& db, const std::string& sql,
                         std::vector<storage::Value> params) {
  std::optional<int64_t> n;
  RALLY_RETURN_IF_ERROR(db.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(n, c.QueryInt(sql, params));
    return Status::Ok();
  }));
  return n.value_or(-1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int runs = 20, deep_page = 1000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--database-url" || a == "--db") {
      url = next();
    } else if (a == "--runs") {
      runs = std::atoi(next().c_str());
    } else if (a == "--deep-page") {
      deep_page = std::atoi(next().c_str());
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (url.empty() || runs < 1 || deep_page < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  storage::OpenOptions o;
  o.url = url;
  o.read_connections = 2;
  auto opened = storage::Open(o);
  if (!opened.ok()) return Fail("open: " + opened.status().ToString());
  std::unique_ptr<storage::Database> db = std::move(opened).value();
  const bool pg = db->dialect() == storage::Dialect::kPostgres;
  const char* backend = pg ? "postgres" : "sqlite";

  // The workspace rally-bench-bulk created (the only one).
  auto ws_id = SqlCount(*db, "SELECT MIN(id) FROM workspaces", {});
  if (!ws_id.ok() || *ws_id <= 0) return Fail("no workspace: load the contacts first");
  const Id ws = *ws_id;
  auto inbound = SqlCount(*db, "SELECT id FROM tags WHERE workspace_id = ? AND name_norm = 'inbound'",
                          {ws});
  if (!inbound.ok() || *inbound <= 0) return Fail("no tag 'inbound' in the loaded data");
  const Id inbound_tag = *inbound;

  contacts::ContactSearch search(*db);
  // As app/services.cc wires it: on SQLite, counts of tag/stage/score/owner segments come from
  // the in-memory index (query/count_index.h). Nothing writes here, so the bus stays quiet.
  events::EventBus bus;
  if (!pg) search.EnableCountIndex(bus);
  const query::QueryContext ctx{ws, std::nullopt};
  auto list = [&](std::string q, std::string sort, std::string cursor = "") -> Probe {
    return [&search, ctx, q, sort, cursor]() -> Result<int64_t> {
      contacts::ContactSearchRequest r;
      r.q = q;
      r.sort = sort;
      r.limit = 50;
      r.cursor = cursor;
      RALLY_ASSIGN_OR_RETURN(auto page, search.List(ctx, r));
      return static_cast<int64_t>(page.data.size());
    };
  };
  auto count = [&](std::string q) -> Probe {
    return [&search, ctx, q]() -> Result<int64_t> {
      contacts::ContactSearchRequest r;
      r.q = q;
      return search.Count(ctx, r);
    };
  };
  auto rows = [&](std::string sql, std::vector<storage::Value> params) -> Probe {
    return [&db, sql, params]() { return SqlRows(*db, sql, params); };
  };

  // The hand-written SQL. Stages are stored as their index (lead = 0); scores and custom
  // numbers compare as numbers; select values case-insensitively, as the filter language does.
  const std::string segment_where =
      " FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL AND c.lifecycle_stage = 0"
      " AND c.lead_score > 50 AND EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.workspace_id ="
      " c.workspace_id AND ct.contact_id = c.id AND ct.tag_id = ?)";
  const std::string search_sql =
      pg ? "SELECT c.* FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL AND "
           "c.search_doc @@ to_tsquery('simple', 'jo:*') ORDER BY c.id DESC LIMIT 50"
         : "SELECT c.* FROM contact_search s JOIN contacts c ON c.id = s.rowid WHERE "
           "contact_search MATCH 'jo*' AND c.workspace_id = ? AND c.deleted_at IS NULL "
           "ORDER BY s.rowid DESC LIMIT 50";  // FTS5 walks rowids (= contact ids) backwards
  const std::string custom_sql =
      pg ? "SELECT c.* FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL AND "
           "LOWER(c.custom ->> 'industry') = 'software' AND "
           "CAST(c.custom ->> 'annual_revenue' AS DOUBLE PRECISION) > 1000000 "
           "ORDER BY c.id DESC LIMIT 50"
         : "SELECT c.* FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL AND "
           "LOWER(json_extract(c.custom, '$.industry')) = 'software' AND "
           "json_extract(c.custom, '$.annual_revenue') > 1000000 ORDER BY c.id DESC LIMIT 50";
  const std::string all_by_score =
      "SELECT c.* FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL "
      "ORDER BY c.lead_score DESC, c.id DESC LIMIT 50 OFFSET ?";

  // The cursor of page `deep_page` of every contact by score: walked to once, untimed.
  std::string deep_cursor;
  {
    contacts::ContactSearchRequest r;
    r.sort = "-score";
    r.limit = 50;
    for (int p = 1; p < deep_page; ++p) {
      auto page = search.List(ctx, r);
      if (!page.ok()) return Fail("walking to the deep page: " + page.status().ToString());
      if (page->next_cursor.empty()) return Fail("fewer pages than --deep-page");
      r.cursor = page->next_cursor;
    }
    deep_cursor = r.cursor;
  }

  const std::string segment_q = "tag:inbound stage:lead score:>50";
  std::vector<Case> cases = {
      {"segment", list(segment_q, "-score"),
       rows("SELECT c.*" + segment_where + " ORDER BY c.lead_score DESC, c.id DESC LIMIT 50",
            {ws, inbound_tag})},
      {"count", count(segment_q),
       [&db, segment_where, ws, inbound_tag]() {
         return SqlCount(*db, "SELECT COUNT(*)" + segment_where, {ws, inbound_tag});
       }},
      {"search", list("jo", ""), rows(search_sql, {ws})},
      {"custom", list("industry:Software annual_revenue:>1000000", ""), rows(custom_sql, {ws})},
      {"page1", list("", "-score"), rows(all_by_score, {ws, int64_t{0}})},
      {"page" + std::to_string(deep_page), list("", "-score", deep_cursor),
       rows(all_by_score, {ws, int64_t{50} * (deep_page - 1)})},
  };

  // The index is built by the first count (lazily, so start-up costs nothing): time that once,
  // beside the memory it then holds.
  if (search.count_index() != nullptr) {
    auto t0 = std::chrono::steady_clock::now();
    auto n = cases[1].service();
    if (!n.ok()) return Fail("count (building the index): " + n.status().ToString());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("case=count_index_build backend=%s service_ms=%.2f sql_ms=0 service_rows=%lld "
                "sql_rows=%lld memory_mb=%.1f\n",
                backend, ms, static_cast<long long>(*n), static_cast<long long>(*n),
                static_cast<double>(search.count_index()->MemoryBytes()) / 1e6);
    std::fflush(stdout);
  }

  bool agree = true;
  for (const Case& c : cases) {
    std::vector<double> service_ms, sql_ms, service_cpu, sql_cpu;
    int64_t service_rows = 0, sql_rows = 0;
    // Warm-up, untimed.
    if (auto s = c.service(); !s.ok()) return Fail(c.name + " (service): " + s.status().ToString());
    if (auto s = c.sql(); !s.ok()) return Fail(c.name + " (sql): " + s.status().ToString());
    for (int i = 0; i < runs; ++i) {
      auto a = TimeOnce(c.service, &service_rows, &service_cpu);
      if (!a.ok()) return Fail(c.name + " (service): " + a.status().ToString());
      auto b = TimeOnce(c.sql, &sql_rows, &sql_cpu);
      if (!b.ok()) return Fail(c.name + " (sql): " + b.status().ToString());
      service_ms.push_back(*a);
      sql_ms.push_back(*b);
    }
    if (service_rows != sql_rows) agree = false;
    std::printf("case=%s backend=%s service_ms=%.3f sql_ms=%.3f service_rows=%lld sql_rows=%lld "
                "service_cpu_ms=%.3f sql_cpu_ms=%.3f runs=%d\n",
                c.name.c_str(), backend, Median(service_ms), Median(sql_ms),
                static_cast<long long>(service_rows), static_cast<long long>(sql_rows), Median(service_cpu), Median(sql_cpu), runs);
    std::fflush(stdout);
  }
  db->Close();
  if (!agree) return Fail("the service and the SQL baseline returned different row counts");
  return 0;
}
