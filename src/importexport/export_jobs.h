// ExportJobs: exports run as durable jobs (issue 7), for files too big or slow to stream to a
// browser, and for .xlsx (which cannot start streaming before its last row):
//   Start   checks the request (as ExportService::Check), then in one transaction submits an
//           "export.contacts" job and records the export under the job's id (migration 0006);
//   the job runs ExportService::Run (one read snapshot) on whichever process claims it,
//           writing the file as base64 chunks of chunk_bytes into export_chunks, each chunk its
//           own short write, reporting {"done","total"} about once a second;
//   Get     the export with its job's state and progress;
//   Chunk   the finished file, one chunk per call (GET /api/v1/exports/{id}/file streams them);
//   PurgeExpired  drops exports (and their chunks) past expires_at: keep, 24 hours after the
//           file was finished, and failed or canceled ones as well.
// The file lives in the database rather than a data dir so that any of several processes on
// one PostgreSQL database can build it and any can serve it (docs/decisions/0013).
// A retried run (after a crash or a lost lease) deletes the chunks of the earlier run first.
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "importexport/export_service.h"
#include "jobs/job.h"
#include "storage/database.h"

namespace rally::jobs {
class JobQueue;
class JobContext;
}  // namespace rally::jobs

namespace rally::importexport {

inline constexpr std::string_view kExportJobKind = "export.contacts";

struct ExportRecord {
  Id id = 0;  // == its job's id
  ExportFormat format = ExportFormat::kCsv;
  jobs::JobState state = jobs::JobState::kQueued;
  json::object progress;  // {"done":N,"total":N}
  std::string error;
  std::string file_name;
  int64_t file_size = 0;
  int64_t chunk_count = 0;
  int64_t rows = 0;
  Micros created_at = 0;
  std::optional<Micros> finished_at, expires_at;

  // {"id","state","format","rows","progress","file_name","file_size","file_url"|null,
  //  "created_at","finished_at","expires_at","error"|null}; file_url once succeeded.
  json::object ToJson() const;
};

struct ExportJobOptions {
  size_t chunk_bytes = 1 << 20;
  std::chrono::hours keep{24};
  std::string tmp_dir;  // .xlsx files are built here before they are chunked; "" = system
  std::chrono::milliseconds progress_interval{1000};
};

class ExportJobs {
 public:
  ExportJobs(storage::Database& db, ExportService& exports, jobs::JobQueue& jobs,
             ExportJobOptions options = {});

  // Registers the export.contacts handler on the queue given to the constructor.
  void RegisterJobs();

  // Errors: those of ExportService::Check; storage errors.
  Result<ExportRecord> Start(const query::QueryContext& ctx, const ExportRequest& request,
                             ExportFormat format, const CsvOptions& csv);

  // Errors: not_found (no such export in the workspace, or purged).
  Result<ExportRecord> Get(Id workspace_id, Id id);

  // Chunk `seq` (0-based) of a finished file. Errors: not_found; internal for a corrupt chunk.
  Result<std::string> Chunk(Id workspace_id, Id id, int64_t seq);

  // Deletes exports whose expires_at is before `now`. Returns how many.
  Result<int64_t> PurgeExpired(Micros now);

 private:
  Status RunJob(jobs::JobContext& ctx);

  storage::Database& db_;
  ExportService& exports_;
  jobs::JobQueue& jobs_;
  ExportJobOptions options_;
};

}  // namespace rally::importexport
