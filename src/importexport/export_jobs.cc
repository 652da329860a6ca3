#include "importexport/export_jobs.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "base/clock.h"
#include "base/ids.h"
#include "importexport/import_repository.h"  // Base64Encode/Decode: chunks in TEXT columns
#include "jobs/job_context.h"
#include "jobs/job_queue.h"

namespace rally::importexport {
namespace {

json::object RequestToJson(const ExportRequest& r, const CsvOptions& csv, Id user) {
  json::array columns;
  for (const std::string& c : r.columns) columns.emplace_back(c);
  return json::object{{"q", r.q},
                      {"filter", r.filter ? *r.filter : json::value(nullptr)},
                      {"sort", r.sort},
                      {"columns", std::move(columns)},
                      {"delimiter", std::string(1, csv.delimiter)},
                      {"bom", csv.bom},
                      {"protect", csv.protect_formulas},
                      {"user", IdToString(user)}};
}

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool Bool(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->get_bool() : fallback;
}

std::string FileName(ExportFormat f, Micros at) {
  std::string stamp;
  for (char c : FormatTimestamp(at).substr(0, 19)) {
    if (c == 'T')
      stamp += '-';
    else if (c != '-' && c != ':')
      stamp += c;
  }
  return "contacts-" + stamp + "." + std::string(ExportFormatName(f));
}

constexpr std::string_view kSelect =
    "SELECT id, format, file_name, file_size, chunk_count, row_count, created_at, finished_at, "
    "expires_at "
    "FROM exports WHERE workspace_id = ? AND id = ?";

}  // namespace

json::object ExportRecord::ToJson() const {
  auto time = [](const std::optional<Micros>& t) {
    return t ? json::value(FormatTimestamp(*t)) : json::value(nullptr);
  };
  std::string id_text = IdToString(id);
  return json::object{
      {"id", id_text},
      {"state", jobs::JobStateName(state)},
      {"format", ExportFormatName(format)},
      {"rows", rows},
      {"progress", progress},
      {"file_name", file_name},
      {"file_size", file_size},
      {"file_url", state == jobs::JobState::kSucceeded
                       ? json::value("/api/v1/exports/" + id_text + "/file")
                       : json::value(nullptr)},
      {"created_at", FormatTimestamp(created_at)},
      {"finished_at", time(finished_at)},
      {"expires_at", time(expires_at)},
      {"error", error.empty() ? json::value(nullptr) : json::value(error)},
  };
}

ExportJobs::ExportJobs(storage::Database& db, ExportService& exports, jobs::JobQueue& jobs,
                       ExportJobOptions options)
    : db_(db), exports_(exports), jobs_(jobs), options_(std::move(options)) {}

void ExportJobs::RegisterJobs() {
  jobs_.RegisterHandler(std::string(kExportJobKind),
                        [this](jobs::JobContext& ctx) { return RunJob(ctx); });
}

Result<ExportRecord> ExportJobs::Start(const query::QueryContext& ctx, const ExportRequest& request,
                                       ExportFormat format, const CsvOptions& csv) {
  RALLY_RETURN_IF_ERROR(exports_.Check(ctx, request).status());
  Id user = ctx.me.value_or(0);
  Id id = 0;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    jobs::SubmitOptions so;
    so.created_by = user;
    RALLY_ASSIGN_OR_RETURN(
        id, jobs_.SubmitInTx(tx, ctx.workspace_id, kExportJobKind, json::object{}, so));
    return tx
        .Execute(
            "INSERT INTO exports (workspace_id, id, format, request, created_by, created_at) "
            "VALUES (?,?,?,?,?,?)",
            {int64_t{ctx.workspace_id}, int64_t{id}, std::string(ExportFormatName(format)),
             json::serialize(RequestToJson(request, csv, user)),
             user ? storage::Value(int64_t{user}) : storage::Null(), Now()})
        .status();
  }));
  return Get(ctx.workspace_id, id);
}

Result<ExportRecord> ExportJobs::Get(Id ws, Id id) {
  // The job first, its export row after: the job completes in the transaction that fills the
  // row (CompleteInTx), so a "succeeded" read here guarantees the later read sees the finished
  // row. The other order answered "succeeded" with 0 rows and no expiry now and then (seen in
  // pg:ExportsApiTest.ExportJobsBuildTheFileKeepItAndPurgeIt): the row read just before the
  // commit, the job's state just after.
  auto job = jobs_.Get(ws, id);
  std::optional<ExportRecord> rec;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
    return c.Query(kSelect, {int64_t{ws}, int64_t{id}}, [&](const storage::Row& r) {
      ExportRecord e;
      e.id = r.Int(0);
      e.format = r.Text(1) == "xlsx" ? ExportFormat::kXlsx : ExportFormat::kCsv;
      e.file_name = r.Text(2);
      e.file_size = r.Int(3);
      e.chunk_count = r.Int(4);
      e.rows = r.Int(5);
      e.created_at = r.Int(6);
      e.finished_at = r.OptInt(7);
      e.expires_at = r.OptInt(8);
      rec = std::move(e);
      return false;
    });
  }));
  if (!rec) return Status(StatusCode::kNotFound, "no export " + IdToString(id));
  RALLY_RETURN_IF_ERROR(job.status());
  rec->state = job->state;
  rec->progress = job->progress;
  rec->error = job->error;
  return std::move(*rec);
}

Result<std::string> ExportJobs::Chunk(Id ws, Id id, int64_t seq) {
  std::optional<std::string> data;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
    return c.Query(
        "SELECT data FROM export_chunks WHERE workspace_id = ? AND export_id = ? AND seq = ?",
        {int64_t{ws}, int64_t{id}, seq}, [&](const storage::Row& r) {
          data = std::string(r.Text(0));
          return false;
        });
  }));
  if (!data)
    return Status(StatusCode::kNotFound,
                  "export " + IdToString(id) + " has no chunk " + std::to_string(seq));
  auto bytes = Base64Decode(*data);
  if (!bytes.ok())
    return Internal("export " + IdToString(id) + " chunk " + std::to_string(seq) + " is corrupt");
  return std::move(*bytes);
}

Result<int64_t> ExportJobs::PurgeExpired(Micros now) {
  int64_t n = 0;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM export_chunks WHERE EXISTS (SELECT 1 FROM exports e WHERE "
                   "e.workspace_id = export_chunks.workspace_id AND e.id = export_chunks.export_id "
                   "AND e.expires_at < ?)",
                   {now})
            .status());
    RALLY_ASSIGN_OR_RETURN(n, tx.Execute("DELETE FROM exports WHERE expires_at < ?", {now}));
    return Status::Ok();
  }));
  return n;
}

Status ExportJobs::RunJob(jobs::JobContext& ctx) {
  const Id ws = ctx.workspace_id(), id = ctx.job_id();
  std::optional<std::string> format_text, request_text;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
    return c.Query("SELECT format, request FROM exports WHERE workspace_id = ? AND id = ?",
                   {int64_t{ws}, int64_t{id}}, [&](const storage::Row& r) {
                     format_text = std::string(r.Text(0));
                     request_text = std::string(r.Text(1));
                     return false;
                   });
  }));
  if (!request_text) return Status(StatusCode::kNotFound, "export " + IdToString(id) + " is gone");
  const ExportFormat format = *format_text == "xlsx" ? ExportFormat::kXlsx : ExportFormat::kCsv;
  auto parsed = ParseJson(*request_text);
  if (!parsed.ok() || !parsed->is_object())
    return Internal("export " + IdToString(id) + ": bad request");
  const json::object& o = parsed->get_object();
  ExportRequest request;
  request.q = Text(o, "q");
  if (const json::value* f = o.if_contains("filter"); f && !f->is_null()) request.filter = *f;
  request.sort = Text(o, "sort");
  if (const json::value* cols = o.if_contains("columns"); cols && cols->is_array()) {
    for (const json::value& c : cols->get_array())
      if (c.is_string()) request.columns.emplace_back(c.get_string());
  }
  CsvOptions csv;
  std::string delimiter = Text(o, "delimiter");
  csv.delimiter = delimiter.size() == 1 ? delimiter[0] : ',';
  csv.bom = Bool(o, "bom", false);
  csv.protect_formulas = Bool(o, "protect", true);
  query::QueryContext qctx{ws, ParseId(Text(o, "user"))};

  // A rerun (crash, lost lease) starts the file over.
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return tx
        .Execute("DELETE FROM export_chunks WHERE workspace_id = ? AND export_id = ?",
                 {int64_t{ws}, int64_t{id}})
        .status();
  }));
  int64_t seq = 0, size = 0;
  std::string pending;
  auto write_chunk = [&](std::string_view bytes) -> Status {
    size += static_cast<int64_t>(bytes.size());
    int64_t s = seq++;
    return db_.Write([&](storage::Transaction& tx) {
      return tx
          .Execute(
              "INSERT INTO export_chunks (workspace_id, export_id, seq, data) VALUES (?,?,?,?)",
              {int64_t{ws}, int64_t{id}, s, Base64Encode(bytes)})
          .status();
    });
  };
  auto append = [&](std::string_view bytes) -> Status {
    pending += bytes;
    while (pending.size() >= options_.chunk_bytes) {
      RALLY_RETURN_IF_ERROR(write_chunk(std::string_view(pending).substr(0, options_.chunk_bytes)));
      pending.erase(0, options_.chunk_bytes);
    }
    return Status::Ok();
  };
  auto last_report = std::chrono::steady_clock::now() - options_.progress_interval;
  Status report_status;
  auto progress = [&](int64_t rows, int64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_report < options_.progress_interval) return true;
    last_report = now;
    report_status = ctx.ReportProgress(json::object{{"done", rows}, {"total", total}});
    return report_status.ok();
  };

  Result<int64_t> rows = 0;
  std::string tmp;
  if (format == ExportFormat::kCsv) {
    CsvSink sink(csv, [&](std::string& chunk) { return append(chunk); });
    rows = exports_.Run(qctx, request, sink, progress, /*count_total=*/true);
  } else {
    std::filesystem::path dir = options_.tmp_dir.empty() ? std::filesystem::temp_directory_path()
                                                         : std::filesystem::path(options_.tmp_dir);
    tmp = (dir / ("rally-export-" + IdToString(id) + "-" + IdToString(NewId()) + ".xlsx")).string();
    XlsxSink sink(tmp);
    rows = exports_.Run(qctx, request, sink, progress, /*count_total=*/true);
    if (rows.ok()) {
      std::ifstream in(tmp, std::ios::binary);
      std::string buf(options_.chunk_bytes, '\0');
      while (rows.ok() && in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        Status s = append(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
        if (!s.ok()) rows = s;
      }
    }
  }
  if (!tmp.empty()) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
  }
  if (!rows.ok()) {
    // The job's own verdict (canceled, lease lost) wins over the "canceled" Run reports for it.
    Status s = report_status.ok() ? rows.status() : report_status;
    if (s.code() != StatusCode::kUnavailable) {
      (void)db_.Write([&](storage::Transaction& tx) {
        // Failed and canceled exports expire too (their partial chunks go now).
        RALLY_RETURN_IF_ERROR(
            tx.Execute("DELETE FROM export_chunks WHERE workspace_id = ? AND export_id = ?",
                       {int64_t{ws}, int64_t{id}})
                .status());
        return tx
            .Execute(
                "UPDATE exports SET expires_at = ? WHERE workspace_id = ? AND id = ?",
                {Now() +
                     std::chrono::duration_cast<std::chrono::microseconds>(options_.keep).count(),
                 int64_t{ws}, int64_t{id}})
            .status();
      });
    }
    return s;
  }
  if (!pending.empty()) RALLY_RETURN_IF_ERROR(write_chunk(pending));
  const Micros done = Now();
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(
        tx.Execute(
              "UPDATE exports SET file_name = ?, file_size = ?, chunk_count = ?, row_count = ?, "
              "finished_at = ?, "
              "expires_at = ? WHERE workspace_id = ? AND id = ?",
              {FileName(format, done), size, seq, *rows, done,
               done + std::chrono::duration_cast<std::chrono::microseconds>(options_.keep).count(),
               int64_t{ws}, int64_t{id}})
            .status());
    return ctx.CompleteInTx(tx, json::object{{"rows", *rows}, {"file_size", size}});
  });
}

}  // namespace rally::importexport
