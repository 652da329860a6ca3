// rally-bench-bulk-tag: issue 4's target "bulk add-tag to a 100,000-contact segment: at least
// 50,000 contacts/s including timeline entries", on SQLite or PostgreSQL.
//
//   rally-bench-bulk-tag (--db PATH | --database-url URL) [--contacts 100000] [--others 10000]
//                        [--runs 3]
//
// Set-up (not timed): a fresh workspace with the generator's custom fields, CONTACTS generated
// contacts (bench/datagen, no duplicate emails) tagged "segment" plus OTHERS that are not,
// loaded through ContactService::Batch 1,000 at a time.
//
// Each run adds a new tag to the segment three ways, in turn, and times each:
//   sql      the baseline: hand-written SQL in one transaction, what the action must write at
//            the least: the tag row, one contact_tags row and one tag_added timeline row per
//            contact (INSERT ... SELECT), and updated_at on each contact. No events, no checks.
//   service  what `rally contacts update --filter tag:segment --add-tag T` runs:
//            BulkActionService::RunNow: the ids of the segment, then ContactService's batch path
//            1,000 contacts per transaction (a tag-only change: each contact's live state
//            and assignments of the tag read, then written with its timeline entry and
//            event; contacts/contact_tagger.h).
//   job      what POST /api/v1/contacts/bulk runs for a large segment: a contacts.bulk job
//            (snapshot of ids, then the same batches with progress stored), run by a Runner.
// Between runs the added tags are taken off again (untimed; the timeline rows stay).
// Prints each run, then the medians in contacts/s and the service's share of the baseline.
// The machine is shared and noisy: compare figures of the same run only.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/services.h"
#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "contact_generator.h"
#include "contacts/contact_service.h"
#include "fields/custom_fields.h"
#include "formats.h"
#include "generator_fields.h"
#include "jobs/job_queue.h"
#include "jobs/job_runner.h"
#include "pools.h"
#include "segments/bulk_action_service.h"
#include "storage/database.h"
#include "timeline/actor.h"

namespace {

using namespace rally;  // a program, not a header
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  int64_t contacts = 100'000;
  int64_t others = 10'000;
  int runs = 3;
};

int Usage() {
  std::fprintf(stderr,
               "usage: rally-bench-bulk-tag (--db PATH | --database-url URL) [--contacts N] [--others N] "
               "[--runs N]\n");
  return 2;
}

void Check(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// CPU seconds of this process (every thread: the SQLite writer included; not the PostgreSQL
// server's).
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Wall and CPU seconds of one pass.
struct Took {
  double wall = 0, cpu = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Id Setup(app::Services& s, const Options& o) {
  auto ws = s.auth->CreateWorkspace("bulk tag bench");
  Check(ws.status(), "workspace");
  Check(bench::CreateGeneratorFields(*s.custom_fields, ws->id), "custom fields");
  datagen::GeneratorOptions g;
  g.seed = 4;
  g.count = static_cast<uint64_t>(o.contacts + o.others);
  g.duplicate_per_mille = 0;
  datagen::ContactGenerator gen(g);
  datagen::Contact c;
  std::vector<contacts::ContactInput> batch;
  std::string line;
  auto started = Clock::now();
  for (int64_t i = 0; i < o.contacts + o.others; ++i) {
    gen.Next(&c);
    if (i < o.contacts) c.tags.push_back("segment");
    line.clear();
    datagen::AppendJsonLine(c, &line);
    auto v = ParseJson(line);
    Check(v.status(), "generated row");
    batch.push_back(v->as_object());
    if (batch.size() == contacts::kMaxBatchItems || i + 1 == o.contacts + o.others) {
      auto results = s.contacts->Batch(ws->id, batch, timeline::Actor{timeline::ActorType::kImport, 1});
      Check(results.status(), "load batch");
      for (const auto& r : *results) {
        if (r.status == contacts::BatchStatus::kError) Check(r.error, "load item");
      }
      batch.clear();
    }
  }
  std::printf("loaded %lld contacts (%lld in the segment) in %.1f s\n",
              static_cast<long long>(o.contacts + o.others), static_cast<long long>(o.contacts), Seconds(started));
  return ws->id;
}

// The hand-written baseline: what adding tag `name` to the segment writes, in one transaction.
Took RunSql(storage::Database& db, Id ws, const std::string& name, int run) {
  const bool pg = db.dialect() == storage::Dialect::kPostgres;
  const std::string payload = json::serialize(json::object{{"tag", name}});
  auto started = Clock::now();
  const double cpu = CpuSeconds();
  Check(db.Write([&](storage::Transaction& tx) -> Status {
          Micros now = Now();
          Id tag = NewId();
          RALLY_ASSIGN_OR_RETURN(auto segment,
                                 tx.QueryInt("SELECT id FROM tags WHERE workspace_id = ? AND name_norm = 'segment'", {ws}));
          RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO tags (workspace_id, id, name, name_norm, created_at) "
                                           "VALUES (?, ?, ?, ?, ?)",
                                           {ws, tag, name, name, now})
                                    .status());
          RALLY_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO contact_tags (workspace_id, contact_id, tag_id) SELECT c.workspace_id, c.id, ? "
                         "FROM contacts c JOIN contact_tags ct ON ct.workspace_id = c.workspace_id AND "
                         "ct.contact_id = c.id AND ct.tag_id = ? WHERE c.workspace_id = ? AND c.deleted_at IS NULL",
                         {tag, *segment, ws})
                  .status());
          // Activity ids: the contact id plus an offset per run (unique, and never a NewId()).
          const int64_t offset = int64_t{run + 1} << 59;
          RALLY_RETURN_IF_ERROR(
              tx.Execute(std::string("INSERT INTO activities (workspace_id, id, contact_id, occurred_at, type, "
                                     "actor_type, actor_id, payload) SELECT workspace_id, contact_id + ?, contact_id, "
                                     "?, 'tag_added', 'system', NULL, ") +
                             (pg ? "CAST(? AS json)" : "?") +
                             " FROM contact_tags WHERE workspace_id = ? AND tag_id = ?",
                         {offset, now, payload, ws, tag})
                  .status());
          return tx.Execute("UPDATE contacts SET updated_at = ? WHERE workspace_id = ? AND id IN (SELECT contact_id "
                            "FROM contact_tags WHERE workspace_id = ? AND tag_id = ?)",
                            {now, ws, ws, tag})
              .status();
        }),
        "sql baseline");
  return Took{Seconds(started), CpuSeconds() - cpu};
}

segments::BulkRequest AddTag(const std::string& name) {
  auto r = segments::ParseBulkRequest(
      json::object{{"q", "tag:segment"}, {"action", json::object{{"type", "add_tags"}, {"tags", json::array{name}}}}});
  Check(r.status(), "request");
  return *r;
}

Took RunService(app::Services& s, Id ws, const std::string& name, int64_t want) {
  segments::BulkCaller caller{ws, std::nullopt, true, timeline::SystemActor()};
  auto started = Clock::now();
  const double cpu = CpuSeconds();
  auto counts = s.bulk->RunNow(caller, AddTag(name), nullptr);
  const Took took{Seconds(started), CpuSeconds() - cpu};
  Check(counts.status(), "service");
  if (counts->changed != want) {
    std::fprintf(stderr, "service changed %lld of %lld\n", static_cast<long long>(counts->changed),
                 static_cast<long long>(want));
    std::exit(1);
  }
  return took;
}

Took RunJob(app::Services& s, Id ws, const std::string& name, int64_t want) {
  segments::BulkCaller caller{ws, std::nullopt, true, timeline::SystemActor()};
  auto started = Clock::now();
  const double cpu = CpuSeconds();
  auto out = s.bulk->Run(caller, AddTag(name));
  Check(out.status(), "job submit");
  if (!out->job_id) {
    std::fprintf(stderr, "the segment ran inline, not as a job\n");
    std::exit(1);
  }
  auto ran = s.job_runner->RunOnce();
  Check(ran.status(), "job run");
  const Took took{Seconds(started), CpuSeconds() - cpu};
  auto job = s.jobs->Get(ws, *out->job_id);
  Check(job.status(), "job");
  const json::value* changed = job->result.is_object() ? job->result.get_object().if_contains("changed") : nullptr;
  if (job->state != jobs::JobState::kSucceeded || !changed || changed->as_int64() != want) {
    std::fprintf(stderr, "job %s: %s %s\n", std::string(jobs::JobStateName(job->state)).c_str(),
                 json::serialize(job->result).c_str(), job->error.c_str());
    std::exit(1);
  }
  return took;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db") o.url = "sqlite:" + next();
    else if (a == "--database-url") o.url = next();
    else if (a == "--contacts") o.contacts = std::atoll(next().c_str());
    else if (a == "--others") o.others = std::atoll(next().c_str());
    else if (a == "--runs") o.runs = std::atoi(next().c_str());
    else return Usage();
  }
  if (o.url.empty() || o.contacts <= 0 || o.others < 0 || o.runs < 1 || o.runs > 5) return Usage();
  app::DatabaseConfig config;
  config.url = o.url;
  auto services = app::OpenServices(config);
  Check(services.status(), "open");
  app::Services& s = **services;
  Id ws = Setup(s, o);

  std::vector<Took> sql, service, job;
  for (int run = 0; run < o.runs; ++run) {
    std::string n = std::to_string(run);
    sql.push_back(RunSql(*s.db, ws, "bulk-sql-" + n, run));
    service.push_back(RunService(s, ws, "bulk-service-" + n, o.contacts));
    job.push_back(RunJob(s, ws, "bulk-job-" + n, o.contacts));
    // Untimed: take the run's tags off again, so every run starts from the same contacts (one
    // more tag per contact per run would make each later run load more rows).
    Check(s.db->Write([&](storage::Transaction& tx) {
            return tx.Execute("DELETE FROM contact_tags WHERE workspace_id = ? AND tag_id IN (SELECT id FROM tags "
                              "WHERE workspace_id = ? AND name_norm LIKE 'bulk-%')",
                              {ws, ws})
                .status();
          }),
          "cleanup");
    std::printf("run %d: sql %.3f s (cpu %.3f), service %.3f s (cpu %.3f), job %.3f s (cpu %.3f)\n", run + 1,
                sql.back().wall, sql.back().cpu, service.back().wall, service.back().cpu, job.back().wall,
                job.back().cpu);
  }
  const double n = static_cast<double>(o.contacts);
  auto rate = [&](const std::vector<Took>& t, bool cpu) {
    std::vector<double> v;
    for (const Took& x : t) v.push_back(cpu ? x.cpu : x.wall);
    return n / Median(v);
  };
  const bool pg = s.db->dialect() == storage::Dialect::kPostgres;
  std::printf("backend=%s contacts=%lld runs=%d\n", pg ? "postgres" : "sqlite", static_cast<long long>(o.contacts),
              o.runs);
  for (bool cpu : {false, true}) {
    const double b = rate(sql, cpu), sv = rate(service, cpu), j = rate(job, cpu);
    std::printf("median contacts/s (%s): sql baseline %.0f, service %.0f (%.0f%% of baseline), job %.0f (%.0f%%)\n",
                cpu ? (pg ? "CPU of this process; the server's not counted" : "CPU of this process") : "wall clock",
                b, sv, 100 * sv / b, j, 100 * j / b);
  }
  std::printf("target: at least 50000 contacts/s including timeline entries (wall clock): service %s, job %s\n",
              rate(service, false) >= 50000 ? "met" : "MISSED", rate(job, false) >= 50000 ? "met" : "MISSED");
  return 0;
}
