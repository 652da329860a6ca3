// ExportService: contacts out as CSV or .xlsx (issue 7): a filter (text or JSON), its sort and
// the chosen columns, read in ONE snapshot (one Database::Read: an SQLite read transaction on a
// reader connection, REPEATABLE READ READ ONLY on PostgreSQL) by ONE streamed statement
// (query::ScanContacts: the query module's own filter and sort), so memory stays flat and the
// file agrees with itself while contacts change. The statement selects exactly the file's
// columns: company and owner names by a join, tags aggregated in SQL, a custom field as its
// value's JSON text; no contact records are built (they cost twice the time of the file's
// formatting, issue 7). One statement rather than keyset pages: on PostgreSQL each page was a
// round trip during which the server waited for us and we for it (10.8 s against COPY's 7.5 s
// for a million rows); streamed, its rows are formatted while the server produces the next.
//
// Columns. The file's header cells are the field keys, so the file re-imports with the
// importer's automatic mapping (importexport/column_mapping.h):
//   every built-in of fields::BuiltinContactFields ("email", "first_name", ..., "lead_source"),
//   "additional_emails", "company" (its name), "owner" (the user's email), "tags" (names joined
//   by ", "), "custom.<key>" for each custom field (the bare key is accepted on input), and the
//   read-only "created_at", "updated_at", "last_activity_at", "id", "band", "phone_e164",
//   "mobile_e164". Aliases accepted on input: stage, score, source, created, updated,
//   last_activity, score_band. "all" = every built-in, additional_emails, company, owner, tags,
//   every custom field, created_at, updated_at (kAllColumns). No columns = kDefaultColumns.
// Values are each field's text form (fields::FormatText; stages by name, timestamps ISO 8601
// UTC); numbers, dates, timestamps and booleans are typed for .xlsx (export_table.h).
//
// Streaming (Stream()): a producer thread per export runs the read and formats rows into a
// bounded queue of chunks (queue_chunks of about 64 KiB); the HTTP body writer takes them. The
// producer, not an HTTP worker, holds the database connection for the export's duration; the
// worker pool only ever copies a ready chunk (http/message.h BodyWriter), so a slow client or a
// long export starves nobody. Backpressure: a full queue blocks the producer (and its read
// snapshot waits with it) until the client takes data or stall_timeout passes (then the export
// ends as canceled). A client that disconnects drops the stream: the producer sees the cancel
// at its next chunk and releases the connection. At most max_streams run at once (each holds a
// database connection): more are refused with resource_exhausted (429); jobs have no such cap.
// CSV's first chunk goes out after the first page (first byte in milliseconds). An .xlsx file
// is complete only when its writer closes it (the zip's directory comes last), so a streamed
// .xlsx starts after the last row is written to a temporary file (the file is then streamed
// and deleted): for big ones use an export job (export_jobs.h).
//
// A long read snapshot on SQLite keeps the WAL from being checkpointed past its start (the WAL
// grows by what is written meanwhile); on PostgreSQL it holds back vacuum the same way.
//
// Thread safety: all methods are safe from any thread. The destructor cancels running streams
// and waits for their producers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "importexport/csv_writer.h"
#include "importexport/export_table.h"
#include "importexport/xlsx_writer.h"
#include "query/contact_query.h"
#include "storage/database.h"

namespace rally::importexport {

enum class ExportFormat { kCsv, kXlsx };
std::string_view ExportFormatName(ExportFormat f);  // "csv", "xlsx"
// "csv" or "xlsx" (case-insensitive). Errors: invalid_argument naming `field`.
Result<ExportFormat> ParseExportFormat(std::string_view text, std::string_view field = "format");

inline constexpr std::string_view kDefaultColumns[] = {
    "email",   "first_name",      "last_name",  "company", "title", "phone",     "city",
    "country", "lifecycle_stage", "lead_score", "tags",    "owner", "created_at"};

struct ExportRequest {
  std::string q;                      // the filter as text; "" = every live contact
  std::optional<json::value> filter;  // and/or as JSON (a view's); both set: contacts matching both
  std::string sort;                   // query::ParseSort; "" = newest first
  std::vector<std::string> columns;   // keys as above; empty = kDefaultColumns; {"all"}
};

// Splits "email,first_name , custom.industry" into keys (empty entries dropped).
std::vector<std::string> SplitColumns(std::string_view text);

// Receives an export's rows. Begin once, Row per contact in order, Finish once (not after an
// error). An error from any of them ends the export with that error.
class ExportSink {
 public:
  virtual ~ExportSink() = default;
  virtual Status Begin(std::span<const ExportColumn> columns) = 0;
  virtual Status Row(std::span<const Cell> cells) = 0;
  virtual Status EndPage() { return Status::Ok(); }  // after each page of rows
  virtual Status Finish() = 0;
};

// CSV into a buffer handed to `flush` whenever it passes flush_bytes, at each page's end once
// it holds anything (so the first page goes out at once), and at Finish.
class CsvSink final : public ExportSink {
 public:
  using FlushFn = std::function<Status(std::string& chunk)>;  // may take the string's contents
  CsvSink(CsvOptions options, FlushFn flush, size_t flush_bytes = 64 << 10)
      : writer_(options), flush_(std::move(flush)), flush_bytes_(flush_bytes) {}
  Status Begin(std::span<const ExportColumn> columns) override;
  Status Row(std::span<const Cell> cells) override;
  Status EndPage() override;
  Status Finish() override;

 private:
  Status Flush();
  CsvWriter writer_;
  FlushFn flush_;
  size_t flush_bytes_;
  std::string buf_;
};

// An .xlsx workbook at `path` (xlsx_writer.h), complete once Finish returns.
class XlsxSink final : public ExportSink {
 public:
  XlsxSink(std::string path, XlsxOptions options = {})
      : path_(std::move(path)), options_(std::move(options)) {}
  Status Begin(std::span<const ExportColumn> columns) override;
  Status Row(std::span<const Cell> cells) override;
  Status Finish() override;

 private:
  std::string path_;
  XlsxOptions options_;
  std::unique_ptr<XlsxWriter> writer_;
};

// Progress: rows written so far and the total (-1 when not counted). Return false to cancel.
using ExportProgressFn = std::function<bool(int64_t rows, int64_t total)>;

struct ExportServiceOptions {
  // Rows per page (>= 1): after each page, the sink's EndPage (a CSV chunk goes out) and a
  // progress report.
  int page_size = 1000;
  int max_streams = 2;                              // streamed exports running at once
  size_t queue_chunks = 8;                          // chunks a stream may hold ahead of its client
  std::chrono::milliseconds stall_timeout{60'000};  // a full queue longer than this cancels
  std::string tmp_dir;  // streamed .xlsx files; "" = system
};

class ExportStream;

class ExportService {
 public:
  ExportService(storage::Database& db, ExportServiceOptions options = {});
  ~ExportService();
  ExportService(const ExportService&) = delete;
  ExportService& operator=(const ExportService&) = delete;

  // The columns `request` resolves to in the workspace, having checked its filter and sort.
  // Errors: invalid_argument naming "q" (or the JSON path under "filter") with the term and its
  // position, "sort", or "columns" (code unknown_field, naming the unknown column); storage
  // errors.
  Result<std::vector<ExportColumn>> Check(const query::QueryContext& ctx,
                                          const ExportRequest& request);

  // Runs the export into `sink` in one read snapshot; returns the number of rows. With
  // count_total the total is counted first (in the same snapshot) for `progress`.
  // Errors: those of Check, canceled when `progress` returns false, the sink's, storage errors.
  Result<int64_t> Run(const query::QueryContext& ctx, const ExportRequest& request,
                      ExportSink& sink, const ExportProgressFn& progress = nullptr,
                      bool count_total = false);

  // Starts a streamed export on its own producer thread (see above). The request is checked
  // first, so a bad filter or column fails here, before any byte is sent.
  // Errors: those of Check; resource_exhausted when max_streams are running.
  Result<std::shared_ptr<ExportStream>> Stream(const query::QueryContext& ctx,
                                               const ExportRequest& request, ExportFormat format,
                                               const CsvOptions& csv = {});

  int active_streams() const { return active_.load(); }

 private:
  friend class ExportStream;
  storage::Database& db_;
  ExportServiceOptions options_;
  std::atomic<int> active_{0};
  std::mutex mu_;
  std::condition_variable idle_;  // active_ reached 0
  std::atomic<bool> closing_{false};
};

// The consumer end of a streamed export. Dropping it cancels the export.
class ExportStream {
 public:
  struct State;
  explicit ExportStream(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~ExportStream();
  ExportStream(const ExportStream&) = delete;
  ExportStream& operator=(const ExportStream&) = delete;

  // Waits up to `wait` for the next chunk and appends it to `out` (nothing when none came in
  // time). Returns true while more may follow, false once everything was handed out.
  // Errors: the export's own (storage errors, canceled on a stall), after which nothing more
  // comes: the body must end incomplete.
  Result<bool> Next(std::string& out, std::chrono::milliseconds wait);

  int64_t rows() const;  // rows produced so far

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rally::importexport
