// ImportService: imports of contacts from CSV and .xlsx files (issue 6), from the API (as jobs)
// and the CLI (in process). It reads files with RowReader (row_reader.h), maps columns
// (column_mapping.h) and writes only through ContactService::Batch (the single write path), so
// validation, dedupe on the normalized email (primary and additional), timeline entries
// ("by import #N": the actor of every entry is the import) and events are the same as for any
// other write.
//
// Life of an import (state in the `imports` table):
//   Upload (API: the file is copied into import_chunks, so whichever `rally serve` process runs
//   the job can read it; docs/decisions) or CreateLocal (CLI: the user's path) -> uploaded
//   -> Preview (detected encoding/delimiter/header, first rows, suggested and saved mappings)
//   -> DryRun (counts and examples; nothing written) -> Start (a job "import.contacts") or Run
//   (in process) -> running, with progress -> succeeded | failed | canceled -> Revert.
//
// Rows of one file that share an email (or match_on value) merge into one contact: a first pass
// over the file finds the repeated keys, and each such row is held back and handed to Batch in
// the same call as its key's last row, so the result does not depend on where batches end and
// re-importing the same file changes nothing.
//
// Crash safety: each batch of rows commits in one transaction together with the import's
// checkpoint (the last source row of the batch), its counts and its rejected rows
// (BatchOptions::in_transaction). A run that dies resumes after the checkpoint (the job runner
// requeues it once its lease expires), reading again the rows that were held back at it; rows
// are matched by email, so even re-running a whole file creates no duplicates.
//
// Thread safety: safe from any thread; a given import runs in one thread at a time (the job
// queue's lease guarantees it for jobs). A run (ImportServiceOptions::pipelined) uses two task
// threads of its own, so a batch parses while the previous one writes; batches still commit one
// at a time, in file order.
#pragma once

#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "contacts/contact_service.h"
#include "importexport/column_mapping.h"
#include "importexport/import.h"
#include "importexport/import_repository.h"
#include "importexport/row_reader.h"
#include "storage/database.h"
#include "timeline/actor.h"

namespace rally::jobs {
class JobQueue;
class JobContext;
}  // namespace rally::jobs

namespace rally::importexport {

inline constexpr std::string_view kImportJobKind = "import.contacts";

struct ImportServiceOptions {
  uint64_t max_upload_bytes = uint64_t{1} << 30;  // 1 GiB; larger uploads are too_large
  // Where a job writes the uploaded file back out for its reader ("" = the system temp dir).
  std::string spool_dir;
  // Rows per transaction, up to contacts::kMaxBulkBatchItems (more than the API may send per
  // call). Measured (bench/import): 5,000 saved no CPU per row over 1,000 and cost ~100 MB
  // more peak memory (three batches are in memory at once when pipelined).
  size_t batch_rows = contacts::kMaxBatchItems;
  // A run parses and validates a batch on a thread of its own while the previous batch writes
  // (batches still commit one after another, in file order); false runs every batch start to
  // end on the calling thread (the figure to compare with in bench/import).
  bool pipelined = true;
  int preview_rows = 10;
  // How often a run reports progress at most (each report is a database write for jobs).
  std::chrono::milliseconds progress_interval{250};
};

struct ImportPage {
  std::vector<Import> data;
  std::string next_cursor;  // "" on the last page
  json::object ToJson() const;
};

// Called with live progress ({"state","counts","rows_read","rate_rows_per_s","eta_s",
// "bytes_read","bytes_total"}) after batches; returning kCanceled stops the run (canceled).
using ProgressFn = std::function<Status(const json::object& progress)>;

class ImportService {
 public:
  ImportService(storage::Database& db, contacts::ContactService& contacts,
                ImportServiceOptions options = {});

  const ImportServiceOptions& options() const { return options_; }

  // Registers the "import.contacts" job handler on `jobs` (Start submits to it).
  void RegisterJobs(jobs::JobQueue& jobs);

  // Records an import of the file at `path` (read now for detection and a preview) and copies
  // the file into the database. `file_name` is what the user called it. `options` as
  // ImportOptions::FromJson.
  // Errors: invalid_argument (options; a file no reader takes, e.g. legacy .xls, naming "file");
  // too_large past max_upload_bytes; storage errors.
  Result<Import> Upload(Id ws, Id user, std::string_view file_name, const std::string& path,
                        const json::value& options);
  // The same for a file that stays where it is (the CLI): nothing is copied.
  Result<Import> CreateLocal(Id ws, Id user, const std::string& path, const json::value& options);

  // Errors: not_found.
  Result<Import> Get(Id ws, Id id);
  // Newest first. Errors: invalid_argument naming "cursor".
  Result<ImportPage> List(Id ws, int limit, std::string_view cursor);

  // The file as the import will read it with its options (and `patch` over them): detected
  // format/encoding/delimiter/header row/sheets, the header, the first rows, the suggested
  // mapping, saved mappings for these headers, the mapping in effect, and the fields a column
  // may map to. Errors: not_found; invalid_argument (options, mapping naming the entry).
  Result<json::object> Preview(Id ws, Id id, const json::object& patch);

  // Decides every row as the run would and writes nothing: counts, which fields updates
  // change (field -> rows), up to 10 examples per outcome. The report is kept on the import.
  // Errors: not_found; failed_precondition unless uploaded; invalid_argument (options/mapping).
  Result<json::object> DryRun(Id ws, Id id, const json::object& patch, const ProgressFn& progress = {});

  // Stores the final options and queues the job. Errors: not_found; failed_precondition unless
  // uploaded; invalid_argument (options/mapping; no column maps to email).
  Result<Import> Start(Id ws, Id id, const json::object& patch, Id user);

  // Runs (or resumes, after its checkpoint) the import in this thread to its end. The job
  // handler and the CLI call it. Returns the finished import (succeeded, or canceled when
  // `progress` returned kCanceled).
  // Errors: not_found; failed_precondition when already finished; invalid_argument (mapping);
  // storage errors (the import stays running and can resume).
  Result<Import> Run(Id ws, Id id, const ProgressFn& progress = {});

  // Cancels: an uploaded or queued import at once, a running one at its next batch (through
  // its job). Errors: not_found; failed_precondition when finished.
  Result<Import> Cancel(Id ws, Id id, jobs::JobQueue* jobs);

  // Undoes a finished import: soft-deletes the contacts it created and restores the field
  // values, stages and tags it changed, unless a later change (by anyone else) touched that
  // contact (created) or that field: those are listed under "conflicts", not overwritten.
  // Returns {"deleted":N,"restored":N,"conflicts":[{"contact_id","email","field","reason"}...]}.
  // Errors: not_found; failed_precondition unless succeeded, failed or canceled.
  Result<json::object> Revert(Id ws, Id id, const timeline::Actor& actor);

  // The rejected rows as CSV: the file's header plus an "error" column ("row 12, column
  // Email: ..."), streamed: `out` is called with pieces. Errors: not_found.
  Status WriteErrorsCsv(Id ws, Id id, const std::function<void(std::string_view)>& out);
  // First `limit` rejected rows as JSON for the API.
  Result<json::array> Rejected(Id ws, Id id, int limit);

  // The import template: a header for every built-in and custom field and one example row.
  Result<std::string> TemplateCsv(Id ws);
  Result<std::string> TemplateXlsx(Id ws);
  // The fields a column may map to, as [{"key","label","multi"}].
  Result<json::array> Targets(Id ws);

  // Saved mappings. Save upserts by name. Errors: invalid_argument naming "name", "headers",
  // "mapping"; not_found for Delete.
  Result<SavedMapping> SaveMapping(Id ws, Id user, const json::object& body);
  Result<std::vector<SavedMapping>> ListMappings(Id ws, std::string_view header_hash);
  Status DeleteMapping(Id ws, Id id);

  // The job handler (public for tests that play a runner).
  Status RunJob(jobs::JobContext& ctx);

 private:
  struct Opened;
  Result<Opened> Open(const Import& imp, const ImportOptions& options);
  Result<ColumnMapping> EffectiveMapping(Id ws, const Detected& d, const ImportOptions& options,
                                         std::vector<fields::CustomField>* custom_out);
  Result<Import> Create(Id ws, Id user, std::string_view file_name, const std::string& path,
                        const json::value& options, bool copy);

  storage::Database& db_;
  contacts::ContactService& contacts_;
  ImportServiceOptions options_;
  jobs::JobQueue* jobs_ = nullptr;
};

}  // namespace rally::importexport
