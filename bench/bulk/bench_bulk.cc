// rally-bench-bulk: loads generated contacts (rally-datagen JSON lines) into a fresh Rally
// database and reports rows/s. bench/bulk/run drives it; see docs/benchmarks.md.
//
//   rally-bench-bulk service (--database-url URL | --db PATH) --input FILE.jsonl
//                    [--batch 1000] [--workers 1]
//       The write path of POST /api/v1/contacts/batch and of imports, minus HTTP:
//       ContactService::Batch with BATCH items per call, each line parsed as the API parses a
//       body, every item validated, contact rows, emails, companies, tags, timeline entries and
//       events written, one transaction per batch. WORKERS threads call it at once, each
//       with the rows of its share of the emails (so concurrent batches never write the same
//       contact, and rows of one email keep their order); a reader thread parses the lines and
//       deals them out. WORKERS=1: one batch after the other.
//   rally-bench-bulk prepare (--database-url URL | --db PATH)
//       Migrates the database and creates workspace 1, for bench/bulk/baseline_postgres.sql.
//   rally-bench-bulk sqlite-baseline --db PATH --input FILE.jsonl
//       The SQLite floor for the same rows: one transaction of prepared-statement upserts
//       (contacts, emails, companies, tags, tag assignments) with light normalization and no
//       validation, timeline or events.
//
// Both start by migrating the database and creating a workspace with the generator's custom
// fields (not timed). Output: one line of key=value pairs for scripts:
//   mode=service rows=1000000 seconds=31.20 rows_per_s=32051 created=... contacts=...
// Exit status: 0 on success, 1 when something failed, 2 for bad arguments.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/auth_service.h"
#include "base/ids.h"
#include "base/json.h"
#include "companies/company_service.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "fields/custom_fields.h"
#include "formats.h"
#include "generator_fields.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace {

using namespace rally;  // a program, not a header

struct Options {
  std::string mode;
  std::string url;
  std::string input;
  size_t batch = contacts::kMaxBatchItems;
  int workers = 1;
};

constexpr const char* kUsage =
    "usage: rally-bench-bulk service|sqlite-baseline (--database-url URL | --db PATH)\n"
    "                        --input FILE.jsonl [--batch N] [--workers N]\n"
    "       rally-bench-bulk prepare (--database-url URL | --db PATH)\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "rally-bench-bulk: %s\n", message.c_str());
  return 1;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Batches for one worker: the reader fills them, the worker takes them, at most kDepth waiting
// (so the reader stays just ahead of the writers).
class BatchQueue {
 public:
  void Push(std::vector<contacts::ContactInput> batch) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.size() < kDepth; });
    queue_.push_back(std::move(batch));
    ready_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  // False once closed and drained.
  bool Pop(std::vector<contacts::ContactInput>& out) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return true;
  }

 private:
  static constexpr size_t kDepth = 2;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<contacts::ContactInput>> queue_;
  bool closed_ = false;
};

// Which worker takes a row: by its email, trimmed and lower-cased, so every row of one contact
// goes to the same worker in file order (later rows still win) and concurrent batches never
// write the same contact. (ASCII case folding is enough for the generator's repeats, which
// differ from the original in case and spaces only.)
size_t ShardOf(const json::object& item, size_t shards) {
  const json::string* email = GetString(item, "email");
  if (!email || shards == 1) return 0;
  std::string key;
  for (char c : std::string_view(*email)) {
    if (c == ' ') continue;
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return std::hash<std::string>()(key) % shards;
}

Result<std::unique_ptr<storage::Database>> OpenMigrated(const std::string& url, int connections) {
  storage::OpenOptions o;
  o.url = url;
  o.read_connections = connections;
  RALLY_ASSIGN_OR_RETURN(auto db, storage::Open(o));
  RALLY_RETURN_IF_ERROR(storage::Migrate(*db).status());
  return db;
}

int64_t Count(storage::Database& db, const std::string& sql) {
  int64_t n = -1;
  Status s = db.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto v, c.QueryInt(sql));
    n = v.value_or(0);
    return Status::Ok();
  });
  return s.ok() ? n : -1;
}

// What was stored, to compare the two modes' results.
std::string TableCounts(storage::Database& db) {
  std::string out;
  for (const char* t : {"contacts", "contact_emails", "contact_tags", "tags", "companies",
                        "activities"}) {
    out += std::string(" ") + t + "=" + std::to_string(Count(db, std::string("SELECT COUNT(*) FROM ") + t));
  }
  return out;
}

int RunService(const Options& opt) {
  auto opened = OpenMigrated(opt.url, opt.workers + 2);
  if (!opened.ok()) return Fail("open: " + opened.status().ToString());
  std::unique_ptr<storage::Database> db = std::move(opened).value();
  auth::AuthService auth(*db);
  auto ws = auth.CreateWorkspace("bench");
  if (!ws.ok()) return Fail("workspace: " + ws.status().ToString());
  fields::CustomFieldService custom_fields(*db);
  if (Status f = bench::CreateGeneratorFields(custom_fields, ws->id); !f.ok())
    return Fail("custom field: " + f.ToString());
  events::EventBus bus;
  std::atomic<int64_t> events_seen{0};
  bus.Subscribe("count", [&](std::span<const events::Event> batch) {
    events_seen += static_cast<int64_t>(batch.size());
  });
  companies::CompanyService companies(*db);
  contacts::ContactService service(*db, bus, companies);

  std::ifstream in(opt.input);
  if (!in) return Fail("cannot read " + opt.input);
  const timeline::Actor actor{timeline::ActorType::kImport, 1};
  std::atomic<int64_t> rows{0}, calls{0};
  std::atomic<int64_t> by_status[5] = {0, 0, 0, 0, 0};
  std::mutex error_mu;
  std::string first_error;
  const size_t shards = static_cast<size_t>(opt.workers);
  std::vector<BatchQueue> queues(shards);
  auto started = std::chrono::steady_clock::now();
  auto work = [&](size_t shard) {
    std::vector<contacts::ContactInput> items;
    while (queues[shard].Pop(items)) {
      auto results = service.Batch(ws->id, items, actor);
      if (!results.ok()) {
        std::lock_guard lock(error_mu);
        if (first_error.empty()) first_error = results.status().ToString();
        continue;  // keep draining so the reader never blocks for good
      }
      for (const contacts::BatchItemResult& r : *results) ++by_status[static_cast<int>(r.status)];
      rows += static_cast<int64_t>(items.size());
      ++calls;
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < shards; ++i) threads.emplace_back(work, i);
  // The reader: parses each line as the API parses a body and deals it to its worker.
  std::vector<std::vector<contacts::ContactInput>> filling(shards);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto v = ParseJson(line);
    json::object item = v.ok() && v->is_object() ? std::move(v->as_object()) : json::object{};
    size_t shard = ShardOf(item, shards);
    filling[shard].push_back(std::move(item));
    if (filling[shard].size() == opt.batch) {
      queues[shard].Push(std::move(filling[shard]));
      filling[shard].clear();
    }
  }
  for (size_t i = 0; i < shards; ++i) {
    if (!filling[i].empty()) queues[i].Push(std::move(filling[i]));
    queues[i].Close();
  }
  for (std::thread& t : threads) t.join();
  double seconds = Seconds(started);
  if (!first_error.empty()) return Fail("batch failed: " + first_error);
  std::printf("mode=service rows=%lld seconds=%.2f rows_per_s=%.0f batch=%zu workers=%d "
              "calls=%lld created=%lld updated=%lld unchanged=%lld skipped=%lld errors=%lld "
              "events=%lld%s\n",
              static_cast<long long>(rows.load()), seconds, rows.load() / seconds, opt.batch,
              opt.workers, static_cast<long long>(calls.load()),
              static_cast<long long>(by_status[0].load()), static_cast<long long>(by_status[1].load()),
              static_cast<long long>(by_status[2].load()), static_cast<long long>(by_status[3].load()),
              static_cast<long long>(by_status[4].load()), static_cast<long long>(events_seen.load()),
              TableCounts(*db).c_str());
  db->Close();
  return 0;
}

// ---- The SQLite baseline ----

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

storage::Value TextOrNull(const json::object& o, std::string_view key) {
  const json::string* s = GetString(o, key);
  if (!s || s->empty()) return storage::Null();
  return std::string(*s);
}

int64_t StageIndex(const json::object& o) {
  const json::string* s = GetString(o, "lifecycle_stage");
  if (!s) return 0;
  std::string stage = Lower(*s);
  static const char* kStages[] = {"lead", "qualified", "opportunity", "customer", "evangelist"};
  for (int64_t i = 0; i < 5; ++i)
    if (stage == kStages[i]) return i;
  return 0;
}

constexpr std::string_view kUpsertContact =
    "INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, last_name, phone, "
    "mobile, title, department, linkedin, twitter, street, city, state, postal_code, country, "
    "lead_source, company_id, lifecycle_stage, lead_score, custom, created_at, updated_at) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (workspace_id, id) DO UPDATE SET email = excluded.email, first_name = "
    "excluded.first_name, last_name = excluded.last_name, phone = excluded.phone, mobile = "
    "excluded.mobile, title = excluded.title, department = excluded.department, linkedin = "
    "excluded.linkedin, twitter = excluded.twitter, street = excluded.street, city = "
    "excluded.city, state = excluded.state, postal_code = excluded.postal_code, country = "
    "excluded.country, lead_source = excluded.lead_source, company_id = excluded.company_id, "
    "lifecycle_stage = excluded.lifecycle_stage, lead_score = excluded.lead_score, custom = "
    "excluded.custom, updated_at = excluded.updated_at";

// Returns the id of the row named `norm` in `table` (tags or companies), inserting it when new.
Result<Id> UpsertNamed(storage::Transaction& tx, std::unordered_map<std::string, Id>& cache,
                       bool company, Id ws, std::string_view name, int64_t now) {
  std::string norm = Lower(TrimSpaces(name));
  if (auto it = cache.find(norm); it != cache.end()) return it->second;
  Id id = NewId();
  std::string_view insert =
      company ? "INSERT INTO companies (workspace_id, id, name, name_norm, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO NOTHING"
              : "INSERT INTO tags (workspace_id, id, name, name_norm, created_at) VALUES "
                "(?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO NOTHING";
  std::vector<storage::Value> params;
  params.emplace_back(ws);
  params.emplace_back(id);
  params.emplace_back(std::string(TrimSpaces(name)));
  params.emplace_back(norm);
  params.emplace_back(now);
  if (company) params.emplace_back(now);
  RALLY_ASSIGN_OR_RETURN(int64_t n, tx.Execute(insert, params));
  if (n == 0) {
    RALLY_ASSIGN_OR_RETURN(
        auto found, tx.QueryInt(company ? "SELECT id FROM companies WHERE workspace_id = ? AND name_norm = ?"
                                        : "SELECT id FROM tags WHERE workspace_id = ? AND name_norm = ?",
                                {ws, norm}));
    id = found.value_or(0);
  }
  cache.emplace(std::move(norm), id);
  return id;
}

// A migrated database with workspace 1, for the baselines (they write SQL, not services).
Result<std::unique_ptr<storage::Database>> Prepare(const Options& opt) {
  RALLY_ASSIGN_OR_RETURN(auto db, OpenMigrated(opt.url, 2));
  RALLY_RETURN_IF_ERROR(db->Write([&](storage::Transaction& tx) {
    return tx.Execute("INSERT INTO workspaces (id, name, created_at) VALUES (1, 'bench', 0)")
        .status();
  }));
  return db;
}

int RunSqliteBaseline(const Options& opt) {
  auto opened = Prepare(opt);
  if (!opened.ok()) return Fail("prepare: " + opened.status().ToString());
  std::unique_ptr<storage::Database> db = std::move(opened).value();
  const Id ws = 1;

  std::ifstream in(opt.input);
  if (!in) return Fail("cannot read " + opt.input);
  int64_t rows = 0, created = 0;
  auto started = std::chrono::steady_clock::now();
  Status s = db->Write([&](storage::Transaction& tx) -> Status {
    std::unordered_map<std::string, Id> companies, tags;
    const int64_t now = 1;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      ++rows;
      auto v = ParseJson(line);
      if (!v.ok() || !v->is_object()) continue;
      const json::object& o = v->as_object();
      const json::string* email = GetString(o, "email");
      if (!email) continue;
      std::string display(TrimSpaces(*email));
      std::string norm = Lower(display);
      RALLY_ASSIGN_OR_RETURN(
          auto holder, tx.QueryInt("SELECT contact_id FROM contact_emails WHERE workspace_id = ? "
                                   "AND email_norm = ?",
                                   {ws, norm}));
      Id id = holder.value_or(NewId());
      storage::Value company_id = storage::Null();
      if (const json::string* c = GetString(o, "company"); c && !TrimSpaces(*c).empty()) {
        RALLY_ASSIGN_OR_RETURN(Id cid, UpsertNamed(tx, companies, true, ws, *c, now));
        company_id = cid;
      }
      const json::value* score = o.if_contains("lead_score");
      const json::value* custom = o.if_contains("custom");
      storage::Value params[] = {
          ws, id, display, norm, TextOrNull(o, "first_name"), TextOrNull(o, "last_name"),
          TextOrNull(o, "phone"), TextOrNull(o, "mobile"), TextOrNull(o, "title"),
          TextOrNull(o, "department"), TextOrNull(o, "linkedin"), TextOrNull(o, "twitter"),
          TextOrNull(o, "street"), TextOrNull(o, "city"), TextOrNull(o, "state"),
          TextOrNull(o, "postal_code"), TextOrNull(o, "country"), TextOrNull(o, "lead_source"),
          company_id, StageIndex(o),
          score && score->is_int64() ? score->as_int64() : int64_t{0},
          custom && custom->is_object() ? json::serialize(*custom) : std::string("{}"), now, now};
      RALLY_RETURN_IF_ERROR(tx.Execute(kUpsertContact, params).status());
      if (!holder) {
        ++created;
        RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO contact_emails (workspace_id, email_norm, "
                                         "contact_id, email, position) VALUES (?, ?, ?, ?, 0)",
                                         {ws, norm, id, display})
                                  .status());
      }
      if (const json::value* t = o.if_contains("tags"); t && t->is_array()) {
        for (const json::value& name : t->as_array()) {
          if (!name.is_string() || TrimSpaces(name.as_string()).empty()) continue;
          RALLY_ASSIGN_OR_RETURN(Id tag, UpsertNamed(tx, tags, false, ws, name.as_string(), now));
          RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO contact_tags (workspace_id, contact_id, "
                                           "tag_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                           {ws, id, tag})
                                    .status());
        }
      }
    }
    return Status::Ok();
  });
  double seconds = Seconds(started);
  if (!s.ok()) return Fail("baseline failed: " + s.ToString());
  std::printf("mode=sqlite-baseline rows=%lld seconds=%.2f rows_per_s=%.0f created=%lld%s\n",
              static_cast<long long>(rows), seconds, rows / seconds,
              static_cast<long long>(created), TableCounts(*db).c_str());
  db->Close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  opt.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "rally-bench-bulk: missing value for %s\n%s", arg.c_str(), kUsage);
      return 2;
    }
    std::string value = argv[++i];
    if (arg == "--database-url") {
      opt.url = value;
    } else if (arg == "--db") {
      opt.url = "sqlite:" + value;
    } else if (arg == "--input") {
      opt.input = value;
    } else if (arg == "--batch") {
      opt.batch = std::stoul(value);
    } else if (arg == "--workers") {
      opt.workers = std::stoi(value);
    } else {
      std::fprintf(stderr, "rally-bench-bulk: unknown option %s\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (opt.url.empty() || (opt.input.empty() && opt.mode != "prepare") || opt.workers < 1 ||
      opt.batch < 1) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (opt.mode == "prepare") {
    auto db = Prepare(opt);
    if (!db.ok()) return Fail("prepare: " + db.status().ToString());
    (*db)->Close();
    return 0;
  }
  if (opt.mode == "service") return RunService(opt);
  if (opt.mode == "sqlite-baseline") {
    if (opt.url.rfind("sqlite:", 0) != 0) return Fail("sqlite-baseline takes --db PATH");
    return RunSqliteBaseline(opt);
  }
  std::fputs(kUsage, stderr);
  return 2;
}
