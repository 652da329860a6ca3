#include "importexport/import_service.h"

#include <xlsxwriter.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/log.h"
#include "base/strings.h"
#include "base/task_thread.h"
#include "fields/builtin_fields.h"
#include "fields/custom_fields.h"
#include "jobs/job_context.h"
#include "jobs/job_queue.h"
#include "timeline/activity_repository.h"

namespace rally::importexport {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunkBytes = 4 << 20;  // upload chunk rows (raw bytes; base64 adds a third)
constexpr int kExamples = 10;

// Deletes a spooled copy of an uploaded file when the run is done with it.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
};

void AppendCsvCell(std::string& out, std::string_view cell) {
  bool quote = cell.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  // A cell starting with = + - @ would run as a formula when the error file is opened in a
  // spreadsheet: prefix a quote (OWASP's advice for CSV injection).
  bool formula = !cell.empty() && std::string_view("=+-@").find(cell.front()) != std::string_view::npos;
  if (!quote && !formula) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendCsvRow(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out.push_back(',');
    AppendCsvCell(out, cells[i]);
  }
  out.append("\r\n");
}

Result<std::vector<fields::CustomField>> LoadCustom(storage::Database& db, Id ws) {
  std::vector<fields::CustomField> out;
  RALLY_RETURN_IF_ERROR(db.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, fields::ListCustomFields(c, ws));
    return Status::Ok();
  }));
  return out;
}

// CheckMatchOn (import.h) with the workspace's custom fields, read only when matching on one.
Status CheckMatch(storage::Database& db, Id ws, const ImportOptions& o, const ColumnMapping& m) {
  std::vector<fields::CustomField> custom;
  if (o.match_on != "email") {
    RALLY_ASSIGN_OR_RETURN(custom, LoadCustom(db, ws));
  }
  return CheckMatchOn(o, m, custom);
}

ReaderOptions ToReaderOptions(const ImportOptions& o) {
  ReaderOptions r;
  r.header_row = o.header_row;
  if (!o.delimiter.empty()) r.delimiter = o.delimiter[0];
  if (!o.encoding.empty()) r.encoding = ParseTextEncoding(o.encoding);
  r.sheet = o.sheet;
  return r;
}

json::object DetectedToJson(const Detected& d) {
  json::array header, sheets;
  for (const auto& h : d.header) header.emplace_back(h);
  for (const auto& s : d.sheets) sheets.emplace_back(s);
  json::object o{{"format", FileFormatName(d.format)},
                 {"encoding", TextEncodingName(d.encoding)},
                 {"header_row", d.header_row},
                 {"header", std::move(header)}};
  if (d.format == FileFormat::kCsv) {
    o["delimiter"] = d.delimiter == '\t' ? std::string("\t") : std::string(1, d.delimiter);
  } else {
    o["delimiter"] = nullptr;
    o["sheets"] = std::move(sheets);
    o["sheet"] = d.sheet;
    o["date1904"] = d.date1904;
  }
  return o;
}

std::string StatusReason(const Status& s) {
  if (s.details().empty()) return s.message();
  std::string out;
  for (const FieldError& e : s.details()) {
    if (!out.empty()) out += "; ";
    out += e.message;
  }
  return out;
}

// The seconds a run will still take at its current pace, from bytes (CSV) when known.
json::value Eta(double elapsed_s, uint64_t done, uint64_t total) {
  if (total == 0 || done == 0 || elapsed_s <= 0 || done > total) return nullptr;
  return (elapsed_s / static_cast<double>(done)) * static_cast<double>(total - done);
}

}  // namespace

struct ImportService::Opened {
  std::string path;  // the file the reader reads (the spooled copy of an upload)
  std::unique_ptr<TempFile> spool;
  std::unique_ptr<RowReader> reader;
  std::istream* csv = nullptr;  // the CSV stream, for how far the reader got
  uint64_t total_bytes = 0;

  uint64_t BytesRead() const {
    if (!csv) return 0;
    std::streampos p = csv->rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    return p < 0 ? total_bytes : static_cast<uint64_t>(p);
  }
};

json::object ImportPage::ToJson() const {
  json::array items;
  for (const Import& i : data) items.push_back(ImportToJson(i));
  return {{"data", std::move(items)},
          {"next_cursor", next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor)}};
}

ImportService::ImportService(storage::Database& db, contacts::ContactService& contacts,
                             ImportServiceOptions options)
    : db_(db), contacts_(contacts), options_(std::move(options)) {
  if (options_.batch_rows == 0 || options_.batch_rows > contacts::kMaxBulkBatchItems) {
    options_.batch_rows = contacts::kMaxBulkBatchItems;
  }
}

void ImportService::RegisterJobs(jobs::JobQueue& jobs) {
  jobs_ = &jobs;
  jobs.RegisterHandler(std::string(kImportJobKind),
                       [this](jobs::JobContext& ctx) { return RunJob(ctx); });
}

// ---- Opening files ----

Result<ImportService::Opened> ImportService::Open(const Import& imp, const ImportOptions& options) {
  Opened o;
  std::string path = imp.file_path;
  if (imp.file_store == "db") {
    // Written back out to a local file for the reader (xlsx needs random access): the upload
    // lives in the database so any process can run the import.
    fs::path dir = options_.spool_dir.empty() ? fs::temp_directory_path() : fs::path(options_.spool_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    o.spool = std::make_unique<TempFile>();
    o.spool->path = (dir / ("rally-import-" + IdToString(imp.id) + "-" + IdToString(NewId()))).string();
    std::ofstream out(o.spool->path, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + o.spool->path);
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
      return ImportRepository::ReadChunks(c, imp.workspace_id, imp.id, [&](std::string_view bytes) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return out ? Status::Ok() : Unavailable("cannot write " + o.spool->path);
      });
    }));
    out.close();
    if (!out) return Unavailable("cannot write " + o.spool->path);
    path = o.spool->path;
  }
  o.path = path;
  std::error_code ec;
  o.total_bytes = fs::file_size(path, ec);
  if (ec) return NotFound("cannot read the import's file " + path + ": " + ec.message());
  std::string head(512 * 1024, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  auto format = SniffFormat(head);
  if (!format.ok()) return FieldInvalid("file", "unsupported", format.status().message());
  ReaderOptions ro = ToReaderOptions(options);
  if (*format == FileFormat::kCsv) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) return NotFound("cannot open " + path);
    o.csv = in.get();
    RALLY_ASSIGN_OR_RETURN(o.reader, OpenCsvReader(std::move(in), ro));
  } else {
    RALLY_ASSIGN_OR_RETURN(o.reader, OpenXlsxReader(path, ro));
  }
  return o;
}

Result<ColumnMapping> ImportService::EffectiveMapping(Id ws, const Detected& d,
                                                      const ImportOptions& options,
                                                      std::vector<fields::CustomField>* custom_out) {
  RALLY_ASSIGN_OR_RETURN(auto custom, LoadCustom(db_, ws));
  ColumnMapping base = SuggestMapping(d.header, custom);
  ColumnMapping mapping = base;
  if (!options.mapping.is_null()) {
    RALLY_ASSIGN_OR_RETURN(mapping, ParseMapping(options.mapping, d.header, custom, base));
  } else {
    // A mapping saved for files with these headers wins over the suggestion.
    std::vector<SavedMapping> saved;
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
      RALLY_ASSIGN_OR_RETURN(saved, ImportRepository::ListMappings(c, ws, HeaderHash(d.header)));
      return Status::Ok();
    }));
    if (!saved.empty()) {
      auto m = ParseMapping(saved.front().mapping, d.header, custom, ColumnMapping(d.header.size()));
      if (m.ok()) mapping = std::move(m).value();
    }
  }
  if (custom_out) *custom_out = std::move(custom);
  return mapping;
}

// ---- Creating ----

Result<Import> ImportService::Create(Id ws, Id user, std::string_view file_name,
                                     const std::string& path, const json::value& options, bool copy) {
  RALLY_ASSIGN_OR_RETURN(ImportOptions opts, ImportOptions::FromJson(options));
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) return NotFound("no file " + path);
  if (size > options_.max_upload_bytes) {
    return Status(StatusCode::kTooLarge,
                  "the file is larger than the import limit of " +
                      std::to_string(options_.max_upload_bytes) + " bytes",
                  {FieldError{"file", "too_large", "over " + std::to_string(options_.max_upload_bytes) + " bytes", {}}});
  }
  Import imp;
  imp.workspace_id = ws;
  imp.id = NewId();
  imp.state = ImportState::kUploaded;
  imp.file_name = file_name.empty() ? fs::path(path).filename().string() : std::string(file_name);
  imp.file_size = static_cast<int64_t>(size);
  imp.file_store = copy ? "db" : "local";
  imp.file_path = copy ? "" : fs::absolute(path).string();
  imp.options = opts;
  imp.created_by = user;
  imp.created_at = imp.updated_at = Now();

  // Detection and the first rows, from the local file before anything is stored.
  Import local = imp;
  local.file_store = "local";
  local.file_path = path;
  RALLY_ASSIGN_OR_RETURN(Opened o, Open(local, opts));
  const Detected& d = o.reader->Detected();
  imp.format = std::string(FileFormatName(d.format));
  imp.header_hash = HeaderHash(d.header);
  imp.detected = DetectedToJson(d);

  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ImportRepository::Insert(tx, imp); }));
  if (copy) {
    // One transaction per chunk: a 1 GiB upload never sits in one transaction or in memory.
    std::ifstream in(path, std::ios::binary);
    std::string buf(kChunkBytes, '\0');
    for (int64_t seq = 0;; ++seq) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      size_t n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
        return ImportRepository::AppendChunk(tx, ws, imp.id, seq, std::string_view(buf.data(), n));
      }));
      if (n < buf.size()) break;
    }
  }
  return imp;
}

Result<Import> ImportService::Upload(Id ws, Id user, std::string_view file_name,
                                     const std::string& path, const json::value& options) {
  return Create(ws, user, file_name, path, options, /*copy=*/true);
}

Result<Import> ImportService::CreateLocal(Id ws, Id user, const std::string& path,
                                          const json::value& options) {
  return Create(ws, user, "", path, options, /*copy=*/false);
}

Result<Import> ImportService::Get(Id ws, Id id) {
  std::optional<Import> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, ImportRepository::Find(c, ws, id));
    return Status::Ok();
  }));
  if (!out) return NotFound("no import " + IdToString(id));
  return *out;
}

Result<ImportPage> ImportService::List(Id ws, int limit, std::string_view cursor) {
  std::optional<std::pair<Micros, Id>> before;
  if (!cursor.empty()) {
    auto parts = Split(cursor, '.');
    std::optional<Id> t = parts.size() == 2 ? ParseId(parts[0]) : std::nullopt;
    std::optional<Id> id = parts.size() == 2 ? ParseId(parts[1]) : std::nullopt;
    if (!t || !id) return FieldInvalid("cursor", "invalid", "cursor is not valid for this list");
    before = std::make_pair(*t, *id);
  }
  ImportPage page;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(page.data, ImportRepository::List(c, ws, limit + 1, before));
    return Status::Ok();
  }));
  if (page.data.size() > static_cast<size_t>(limit)) {
    page.data.pop_back();
    page.next_cursor = std::to_string(page.data.back().created_at) + "." + IdToString(page.data.back().id);
  }
  return page;
}

Result<json::array> ImportService::Targets(Id ws) {
  RALLY_ASSIGN_OR_RETURN(auto custom, LoadCustom(db_, ws));
  json::array out;
  for (const ImportTarget& t : ImportTargets(custom)) {
    out.push_back(json::object{{"key", t.key}, {"label", t.label}, {"multi", t.multi}});
  }
  return out;
}

Result<json::object> ImportService::Preview(Id ws, Id id, const json::object& patch) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  ImportOptions opts = imp.options;
  RALLY_RETURN_IF_ERROR(opts.Merge(patch));
  RALLY_ASSIGN_OR_RETURN(Opened o, Open(imp, opts));
  const Detected& d = o.reader->Detected();
  std::vector<fields::CustomField> custom;
  RALLY_ASSIGN_OR_RETURN(ColumnMapping mapping, EffectiveMapping(ws, d, opts, &custom));
  json::array rows;
  Row row;
  while (static_cast<int>(rows.size()) < options_.preview_rows) {
    RALLY_ASSIGN_OR_RETURN(bool more, o.reader->Next(row));
    if (!more) break;
    json::array cells;
    for (const auto& c : row.cells) cells.emplace_back(c);
    json::object r{{"row", row.number}, {"cells", std::move(cells)}};
    if (!row.error.ok()) r["error"] = row.error.message();
    rows.push_back(std::move(r));
  }
  std::vector<SavedMapping> saved;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(saved, ImportRepository::ListMappings(c, ws, HeaderHash(d.header)));
    return Status::Ok();
  }));
  json::array saved_json;
  for (const auto& m : saved) saved_json.push_back(m.ToJson());
  json::array targets;
  for (const ImportTarget& t : ImportTargets(custom)) {
    targets.push_back(json::object{{"key", t.key}, {"label", t.label}, {"multi", t.multi}});
  }
  return json::object{{"import_id", IdToString(imp.id)},
                      {"detected", DetectedToJson(d)},
                      {"header_hash", HeaderHash(d.header)},
                      {"rows", std::move(rows)},
                      {"suggested_mapping", MappingToArray(SuggestMapping(d.header, custom), d.header)},
                      {"saved_mappings", std::move(saved_json)},
                      {"mapping", MappingToArray(mapping, d.header)},
                      {"fields", std::move(targets)}};
}

// ---- The pipeline ----

namespace {

// Rows of a file that share their match key (the email, or the match_on field's cell) with a
// later row: row -> the last row of that key. Issue 6: rows of one file sharing an email merge
// into one contact. Batch merges the items of one call, so the pipeline holds such a row back
// and hands it to Batch together with its key's last row: repeats merge alike wherever the batch
// boundaries fall, and re-importing the file changes nothing (before, a contact whose rows sat
// in different batches flip-flopped between their values on every import).
//
// A first pass over the file finds them, keeping a 64-bit hash of each row's key (16 bytes a
// row while it runs; afterwards only the repeated rows). A hash collision only puts two keys'
// rows into one Batch call, where they stay apart; keys spelled differently that normalize alike
// for a custom field (not for emails: NormalizeEmail here too) are simply not grouped.
using RepeatPlan = std::unordered_map<int64_t, int64_t>;

Result<RepeatPlan> PlanRepeats(RowReader& reader, int key_col, bool email_key) {
  std::vector<std::pair<uint64_t, int64_t>> keyed;  // (hash of the key, row)
  Row row;
  for (;;) {
    RALLY_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) break;
    if (!row.error.ok() || key_col < 0 || static_cast<size_t>(key_col) >= row.cells.size())
      continue;
    std::string_view cell = Trim(row.cells[key_col]);
    if (cell.empty()) continue;
    uint64_t hash;
    if (email_key) {
      auto e = fields::NormalizeEmail(cell);
      if (!e.ok()) continue;
      hash = std::hash<std::string>{}(e->key);
    } else {
      hash = std::hash<std::string_view>{}(cell);
    }
    keyed.emplace_back(hash, row.number);
  }
  std::sort(keyed.begin(), keyed.end());
  RepeatPlan last_of;
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i + 1;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    for (size_t k = i; k + 1 < j; ++k) last_of[keyed[k].second] = keyed[j - 1].second;
    i = j;
  }
  return last_of;
}

// PlanRepeats over the file of `opened` with a reader of its own.
Result<RepeatPlan> PlanRepeatsOf(const std::string& path, const ImportOptions& options,
                                 const ColumnMapping& mapping) {
  const bool email_key = options.match_on == "email";
  int key_col = ColumnForField(mapping, email_key ? std::string_view("email") : options.match_on);
  if (key_col < 0) return RepeatPlan{};
  RALLY_ASSIGN_OR_RETURN(auto reader, OpenRowReader(path, ToReaderOptions(options)));
  return PlanRepeats(*reader, key_col, email_key);
}

// One run over a file: reads rows, feeds Batch, counts, checkpoints. Shared by Run and DryRun.
//
// A run (not a dry run) is pipelined over two threads beside the reader's: Flush hands a full
// batch to a task of its own, whose Batch call parses and validates it (JSON, field types,
// libphonenumber's regexes) while the previous batch's task is still writing; its
// before_write hook then waits for that batch to be written, so batches are written strictly in
// file order (checkpoints, later rows winning) and the database still has one writer. Batches
// share commits (BatchOptions::commit_ticket): a batch is durable with its checkpoint or not at
// all, and Finish waits for the last commit before Run reads the import's final counts. Meanwhile
// the reader thread reads the next batch. At most two batches are in flight (bounded memory), on
// two task threads taking turns.
class Pipeline {
 public:
  Pipeline(storage::Database& db, contacts::ContactService& contacts, const Import& imp,
           const ColumnMapping& mapping, const std::vector<std::string>& header, bool dry_run,
           size_t batch_rows, bool pipelined)
      : db_(db),
        contacts_(contacts),
        imp_(imp),
        mapping_(mapping),
        header_(header),
        dry_(dry_run),
        pipelined_(pipelined && !dry_run),
        batch_rows_(batch_rows) {
    const ImportOptions& o = imp.options;
    row_opts_.clear_empty = o.clear_empty;
    row_opts_.add_tags = o.tags;
    bo_.mode = o.mode;
    bo_.match_on = o.match_on;
    row_opts_.email_optional = o.match_on != "email";
    bo_.keep_higher_stage = !o.allow_stage_regression;
    if (!Maps(mapping, "lead_source") && !o.lead_source.empty())
      bo_.create_defaults["lead_source"] = o.lead_source;
    if (!Maps(mapping, "owner") && !o.owner.empty()) bo_.create_defaults["owner"] = o.owner;
    if (!Maps(mapping, "lifecycle_stage") && !o.lifecycle_stage.empty())
      bo_.create_defaults["lifecycle_stage"] = o.lifecycle_stage;
    bo_.dry_run = dry_run;
    bo_.report_changes = dry_run;
    bo_.max_items = batch_rows;
    // Batches share commits (Database::WriteDeferred): Finish waits for the last one.
    if (!dry_run) bo_.commit_ticket = &ticket_;
    email_col_ = ColumnForField(mapping, "email");
    counts_ = imp.counts;
  }
  // A run that stops early (an error) still waits for its batches in flight.
  ~Pipeline() { Finish().IgnoreError(); }

  // Counts of the batches committed so far (a copy: batches finish on other threads).
  ImportCounts counts() const {
    std::lock_guard lock(mu_);
    return counts_;
  }
  json::object& changes() { return changes_; }
  json::object& examples() { return examples_; }
  int64_t last_row() const { return last_row_; }

  // Rows to hold back for their key's last row (PlanRepeats); null or empty: none.
  void SetRepeats(const RepeatPlan* plan) { repeats_ = plan; }
  // Whether `row` (at or before a run's checkpoint `checkpoint`) was held back when that
  // checkpoint committed, so a resumed run must read it again.
  bool HeldAt(int64_t row, int64_t checkpoint) const {
    if (!repeats_) return false;
    auto it = repeats_->find(row);
    return it != repeats_->end() && it->second > checkpoint;
  }

  // Adds one source row; flushes a full batch. A row whose key repeats later is held back and
  // added with the key's last row, all in one batch (PlanRepeats).
  Status Add(const Row& row) {
    if (repeats_ && row.error.ok()) {
      if (auto it = repeats_->find(row.number); it != repeats_->end()) {
        held_[it->second].push_back(row);
        last_row_ = row.number;  // a resumed run reads it again (HeldAt)
        return Status::Ok();
      }
      if (auto h = held_.find(row.number); h != held_.end()) {
        std::vector<Row> group = std::move(h->second);
        held_.erase(h);
        group.push_back(row);
        return AddGroup(group);
      }
    }
    return AddOne(row);
  }

  // Adds the rows still held back (a key whose last row never came: a file changed between the
  // passes), in row order. Called before the last Flush.
  Status Drain() {
    std::vector<Row> rest;
    for (auto& [last, rows] : held_)
      for (Row& r : rows) rest.push_back(std::move(r));
    held_.clear();
    std::sort(rest.begin(), rest.end(),
              [](const Row& a, const Row& b) { return a.number < b.number; });
    for (const Row& r : rest) RALLY_RETURN_IF_ERROR(AddOne(r));
    return Status::Ok();
  }

 private:
  // One key's rows into one batch: the current one when they fit, else the next. (A key with
  // more rows than a batch holds is split over batches.)
  Status AddGroup(const std::vector<Row>& group) {
    if (!items_.empty() && items_.size() + pending_rejects_.size() + group.size() > batch_rows_) {
      RALLY_RETURN_IF_ERROR(Flush());
    }
    for (const Row& r : group) RALLY_RETURN_IF_ERROR(AddOne(r));
    return Status::Ok();
  }

  Status AddOne(const Row& row) {
    last_row_ = std::max(last_row_, row.number);
    if (!row.error.ok()) {
      Reject(row, "", row.error.message());
    } else if (auto in = RowToInput(mapping_, row.cells, row_opts_)) {
      items_.push_back(std::move(*in));
      item_rows_.push_back({row.number, row.cells});
    } else {
      Reject(row, email_col_ >= 0 ? header_[email_col_] : "email", "email is required");
    }
    if (items_.size() + pending_rejects_.size() >= batch_rows_) return Flush();
    return Status::Ok();
  }

 public:
  // Hands the rows added so far to Batch: at once in a dry run (or unpipelined), else to a task
  // of their own (see the class comment). Errors: those of an earlier batch that failed
  // meanwhile.
  Status Flush() {
    if (items_.empty() && pending_rejects_.empty()) return Status::Ok();
    auto work = std::make_shared<Work>();
    work->items.swap(items_);
    work->item_rows.swap(item_rows_);
    work->rejects.swap(pending_rejects_);
    work->checkpoint = last_row_;
    if (!pipelined_) return Write(*work, {});
    while (in_flight_.size() >= 2) {
      Status s = in_flight_.front().get();
      in_flight_.pop_front();
      RALLY_RETURN_IF_ERROR(s);
    }
    std::shared_future<Status> previous;
    if (!in_flight_.empty()) previous = in_flight_.back();
    if (!threads_[0]) {
      threads_[0] = std::make_unique<TaskThread>("rally-import");
      threads_[1] = std::make_unique<TaskThread>("rally-import");
    }
    TaskThread& thread = *threads_[batches_++ % 2];
    // The task lets go of its batch and of the previous batch's future once it ran: a future's
    // shared state keeps the task (and so its captures) alive, and a chain of them would keep
    // every batch of the run in memory.
    in_flight_.push_back(thread.Submit([this, work, previous]() mutable {
      Status s = Write(*work, previous);
      work.reset();
      previous = {};
      return s;
    }));
    return Status::Ok();
  }

  // Waits for every batch in flight, then for their commits (and those commits' event hooks).
  // Returns the first error among them.
  Status Finish() {
    Status first;
    while (!in_flight_.empty()) {
      Status s = in_flight_.front().get();
      in_flight_.pop_front();
      if (first.ok() && !s.ok()) first = std::move(s);
    }
    Status committed = db_.WaitCommitted(ticket_);
    // Waited for: the destructor's call (after Run's) need not commit an empty transaction again.
    ticket_ = {};
    return first.ok() ? committed : first;
  }

 private:
  struct ItemRow {
    int64_t number;
    std::vector<std::string> cells;
  };
  // One batch: its items, their source rows, the rows refused before Batch, its checkpoint.
  struct Work {
    std::vector<contacts::ContactInput> items;
    std::vector<ItemRow> item_rows;
    std::vector<RejectedRow> rejects;
    int64_t checkpoint = 0;
  };

  // Runs one batch through Batch, after `previous` (the batch before it) committed.
  Status Write(const Work& work, const std::shared_future<Status>& previous) {
    ImportCounts delta;
    std::vector<RejectedRow> rejects;
    std::vector<Id> touched_now;
    auto tally = [&](std::span<const contacts::BatchItemResult> results) {
      delta = ImportCounts{};
      rejects = work.rejects;
      touched_now.clear();
      delta.rejected = static_cast<int64_t>(rejects.size());
      std::unordered_set<Id> in_batch;
      for (size_t i = 0; i < results.size(); ++i) {
        const contacts::BatchItemResult& r = results[i];
        const ItemRow& src = work.item_rows[i];
        using contacts::BatchStatus;
        if (r.status == BatchStatus::kError) {
          ++delta.rejected;
          std::string column;
          if (!r.error.details().empty()) {
            int col = ColumnForField(mapping_, r.error.details()[0].field);
            if (col >= 0) column = header_[col];
          }
          rejects.push_back({src.number, column, StatusReason(r.error), src.cells});
          continue;
        }
        if (r.status == BatchStatus::kSkipped) {
          ++delta.skipped;
          Example(work, "skipped", src, r);
          continue;
        }
        bool merged = !in_batch.insert(r.id).second;
        if (!merged && r.status != BatchStatus::kCreated) merged = touched_.contains(r.id);
        if (dry_ && r.status == BatchStatus::kCreated && !merged) {
          // Nothing was written, so a later batch's row for the same email is "created" again.
          merged = !seen_emails_.insert(EmailOf(work, i)).second;
        }
        if (merged) {
          ++delta.merged;
          Example(work, "merged", src, r);
        } else if (r.status == BatchStatus::kCreated) {
          ++delta.created;
          touched_now.push_back(r.id);
          Example(work, "created", src, r);
        } else if (r.status == BatchStatus::kUpdated) {
          ++delta.updated;
          touched_now.push_back(r.id);
          Example(work, "updated", src, r);
          for (const std::string& f : r.changed_fields) {
            json::value& n = changes_[f];
            n = (n.is_int64() ? n.as_int64() : 0) + 1;
          }
        } else {
          ++delta.skipped;
          Example(work, "skipped", src, r);
        }
      }
      delta.rows_read = static_cast<int64_t>(results.size() + work.rejects.size());
    };
    contacts::BatchOptions bo = bo_;
    if (previous.valid()) {
      bo.before_write = [&previous]() -> Status {
        const Status& s = previous.get();
        if (s.ok()) return Status::Ok();
        return Status(s.code(), "an earlier batch of the import failed: " + s.message());
      };
    }
    if (!dry_) {
      bo.in_transaction = [&](storage::Transaction& tx,
                              std::span<const contacts::BatchItemResult> results) -> Status {
        tally(results);
        ImportCounts total = counts();
        total.Add(delta);
        RALLY_RETURN_IF_ERROR(ImportRepository::InsertRejected(tx, imp_.workspace_id, imp_.id, rejects));
        return ImportRepository::Checkpoint(tx, imp_.workspace_id, imp_.id, work.checkpoint, total,
                                            Now());
      };
    }
    timeline::Actor actor{timeline::ActorType::kImport, imp_.id};
    RALLY_ASSIGN_OR_RETURN(auto results, contacts_.Batch(imp_.workspace_id, work.items, actor, bo));
    if (dry_) tally(results);
    for (const RejectedRow& r : rejects) RejectExample(r);
    {
      std::lock_guard lock(mu_);
      counts_.Add(delta);
    }
    for (Id id : touched_now) touched_.insert(id);
    return Status::Ok();
  }

  void Reject(const Row& row, std::string column, std::string reason) {
    pending_rejects_.push_back({row.number, std::move(column), std::move(reason), row.cells});
  }

  static std::string EmailOf(const Work& work, size_t item) {
    const json::value* e = work.items[item].if_contains("email");
    if (!e || !e->is_string()) return "";
    auto n = fields::NormalizeEmail(std::string_view(e->as_string()));
    return n.ok() ? n->key : std::string(e->as_string());
  }

  void Example(const Work& work, std::string_view kind, const ItemRow& src,
               const contacts::BatchItemResult& r) {
    json::value& list = examples_[kind];
    if (!list.is_array()) list = json::array{};
    if (list.as_array().size() >= kExamples) return;
    json::object e{{"row", src.number}};
    if (const json::value* em = work.items[r.index].if_contains("email")) e["email"] = *em;
    if (r.id) e["contact_id"] = IdToString(r.id);
    if (!r.changed_fields.empty()) {
      json::array f;
      for (const auto& s : r.changed_fields) f.emplace_back(s);
      e["changed_fields"] = std::move(f);
    }
    list.as_array().push_back(std::move(e));
  }

  void RejectExample(const RejectedRow& r) {
    json::value& list = examples_["rejected"];
    if (!list.is_array()) list = json::array{};
    if (list.as_array().size() >= kExamples) return;
    list.as_array().push_back(json::object{{"row", r.row_number}, {"column", r.column}, {"reason", r.reason}});
  }

  storage::Database& db_;
  contacts::ContactService& contacts_;
  const Import& imp_;
  const ColumnMapping& mapping_;
  const std::vector<std::string>& header_;
  bool dry_;
  bool pipelined_;
  size_t batch_rows_;
  RowOptions row_opts_;
  contacts::BatchOptions bo_;
  storage::CommitTicket ticket_;  // written by one batch at a time (before_write orders them)
  int email_col_ = -1;
  int64_t last_row_ = 0;
  const RepeatPlan* repeats_ = nullptr;
  std::unordered_map<int64_t, std::vector<Row>> held_;  // by the row that releases them
  // The batch being filled (reader thread).
  std::vector<contacts::ContactInput> items_;
  std::vector<ItemRow> item_rows_;
  std::vector<RejectedRow> pending_rejects_;
  // Batches handed to tasks, oldest first, and the threads running them (reader thread).
  std::deque<std::shared_future<Status>> in_flight_;
  std::unique_ptr<TaskThread> threads_[2];
  size_t batches_ = 0;
  // Written by the batch tasks one at a time (each runs its writes and what follows only after
  // the previous one finished); counts_ is also read by the reader thread, hence the mutex.
  mutable std::mutex mu_;
  ImportCounts counts_;
  // Contacts this run created or updated: a later row reaching one again is "merged".
  std::unordered_set<Id> touched_;
  std::unordered_set<std::string> seen_emails_;  // dry runs: emails that would be created
  json::object changes_, examples_;
};

}  // namespace

Result<json::object> ImportService::DryRun(Id ws, Id id, const json::object& patch,
                                           const ProgressFn& progress) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  if (imp.state != ImportState::kUploaded) {
    return FailedPrecondition("import " + IdToString(id) + " is " +
                              std::string(ImportStateName(imp.state)) + "; dry runs are for uploaded imports");
  }
  RALLY_RETURN_IF_ERROR(imp.options.Merge(patch));
  RALLY_ASSIGN_OR_RETURN(Opened o, Open(imp, imp.options));
  const Detected& d = o.reader->Detected();
  RALLY_ASSIGN_OR_RETURN(ColumnMapping mapping, EffectiveMapping(ws, d, imp.options, nullptr));
  RALLY_RETURN_IF_ERROR(CheckMatch(db_, ws, imp.options, mapping));
  imp.counts = ImportCounts{};
  auto started = std::chrono::steady_clock::now();
  Pipeline p(db_, contacts_, imp, mapping, d.header, /*dry_run=*/true, options_.batch_rows,
             /*pipelined=*/false);
  RALLY_ASSIGN_OR_RETURN(RepeatPlan repeats, PlanRepeatsOf(o.path, imp.options, mapping));
  p.SetRepeats(&repeats);
  Row row;
  auto last_report = started;
  for (;;) {
    RALLY_ASSIGN_OR_RETURN(bool more, o.reader->Next(row));
    if (!more) break;
    RALLY_RETURN_IF_ERROR(p.Add(row));
    auto now = std::chrono::steady_clock::now();
    if (progress && now - last_report >= options_.progress_interval) {
      last_report = now;
      RALLY_RETURN_IF_ERROR(progress(json::object{{"state", "dry_run"}, {"counts", p.counts().ToJson()}}));
    }
  }
  RALLY_RETURN_IF_ERROR(p.Drain());
  RALLY_RETURN_IF_ERROR(p.Flush());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json::object report{{"counts", p.counts().ToJson()},
                      {"changes", p.changes()},
                      {"examples", p.examples()},
                      {"mapping", MappingToJson(mapping, d.header)},
                      {"elapsed_s", secs},
                      {"at", FormatTimestamp(Now())}};
  imp.dry_run = report;
  imp.counts = ImportCounts{};
  imp.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ImportRepository::Save(tx, imp); }));
  return report;
}

Result<Import> ImportService::Start(Id ws, Id id, const json::object& patch, Id user) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  if (imp.state != ImportState::kUploaded) {
    return FailedPrecondition("import " + IdToString(id) + " is " +
                              std::string(ImportStateName(imp.state)) + "; only an uploaded import starts");
  }
  if (!jobs_) return Unimplemented("imports run as jobs only in rally serve");
  RALLY_RETURN_IF_ERROR(imp.options.Merge(patch));
  // Check the options and mapping against the file now, not in the job.
  {
    RALLY_ASSIGN_OR_RETURN(Opened o, Open(imp, imp.options));
    RALLY_ASSIGN_OR_RETURN(ColumnMapping mapping,
                           EffectiveMapping(ws, o.reader->Detected(), imp.options, nullptr));
    RALLY_RETURN_IF_ERROR(CheckMatch(db_, ws, imp.options, mapping));
    // The job runs with exactly this mapping, even if saved mappings change meanwhile.
    imp.options.mapping = MappingToArray(mapping, o.reader->Detected().header);
  }
  imp.state = ImportState::kQueued;
  imp.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    jobs::SubmitOptions so;
    so.max_attempts = 10;  // resumes from its checkpoint; retries cost only the batch in flight
    so.actor = jobs::JobActor{"import", imp.id};
    so.created_by = user;
    RALLY_ASSIGN_OR_RETURN(imp.job_id, jobs_->SubmitInTx(tx, ws, kImportJobKind,
                                                          json::object{{"import_id", IdToString(imp.id)}}, so));
    return ImportRepository::Save(tx, imp);
  }));
  return imp;
}

Result<Import> ImportService::Run(Id ws, Id id, const ProgressFn& progress) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  if (imp.state != ImportState::kUploaded && imp.state != ImportState::kQueued &&
      imp.state != ImportState::kRunning) {
    return FailedPrecondition("import " + IdToString(id) + " is " +
                              std::string(ImportStateName(imp.state)));
  }
  RALLY_ASSIGN_OR_RETURN(Opened o, Open(imp, imp.options));
  const Detected& d = o.reader->Detected();
  RALLY_ASSIGN_OR_RETURN(ColumnMapping mapping, EffectiveMapping(ws, d, imp.options, nullptr));
  RALLY_RETURN_IF_ERROR(CheckMatch(db_, ws, imp.options, mapping));
  if (imp.state != ImportState::kRunning) {
    imp.state = ImportState::kRunning;
    imp.started_at = Now();
  }
  imp.options.mapping = MappingToArray(mapping, d.header);
  imp.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ImportRepository::Save(tx, imp); }));

  const int64_t resume_after = imp.checkpoint_row;
  if (resume_after > 0) {
    log::Info("import " + IdToString(id) + " resumes after row " + std::to_string(resume_after));
  }
  Pipeline p(db_, contacts_, imp, mapping, d.header, /*dry_run=*/false, options_.batch_rows,
             options_.pipelined);
  RALLY_ASSIGN_OR_RETURN(RepeatPlan repeats, PlanRepeatsOf(o.path, imp.options, mapping));
  p.SetRepeats(&repeats);
  auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  const int64_t rows_at_start = imp.counts.rows_read;
  uint64_t bytes_at_start = 0;
  bool skipping = resume_after > 0;
  auto report = [&](std::string_view state) -> Status {
    if (!progress) return Status::Ok();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    int64_t rows = p.counts().rows_read - rows_at_start;
    uint64_t bytes = o.BytesRead();
    json::object pr{{"state", state},
                    {"import_id", IdToString(imp.id)},
                    {"counts", p.counts().ToJson()},
                    {"rows_read", p.counts().rows_read},
                    {"rate_rows_per_s", secs > 0 ? rows / secs : 0.0},
                    {"bytes_read", bytes},
                    {"bytes_total", o.total_bytes},
                    {"eta_s", o.csv ? Eta(secs, bytes - std::min(bytes, bytes_at_start),
                                          o.total_bytes - bytes_at_start)
                                    : json::value(nullptr)}};
    return progress(pr);
  };
  Status stopped;
  Row row;
  for (;;) {
    RALLY_ASSIGN_OR_RETURN(bool more, o.reader->Next(row));
    if (!more) break;
    if (skipping && row.number <= resume_after) {
      // Rows held back for a later row of their key had not been written at the checkpoint.
      if (!p.HeldAt(row.number, resume_after)) continue;
    } else if (skipping) {
      skipping = false;
      bytes_at_start = o.BytesRead();
    }
    RALLY_RETURN_IF_ERROR(p.Add(row));
    auto now = std::chrono::steady_clock::now();
    if (now - last_report >= options_.progress_interval) {
      last_report = now;
      stopped = report("running");
      if (!stopped.ok()) break;
    }
  }
  if (stopped.ok()) RALLY_RETURN_IF_ERROR(p.Drain());
  if (stopped.ok()) RALLY_RETURN_IF_ERROR(p.Flush());
  // A canceled run still lets the batches already handed over commit (their checkpoints).
  RALLY_RETURN_IF_ERROR(p.Finish());
  if (!stopped.ok() && stopped.code() != StatusCode::kCanceled) {
    // Lease lost or the runner is stopping: leave the import running for whoever resumes it.
    return stopped;
  }
  // The rows of a canceled run's last partial batch were never written: the counts and
  // checkpoint say exactly what was.
  RALLY_ASSIGN_OR_RETURN(imp, Get(ws, id));
  imp.state = stopped.ok() ? ImportState::kSucceeded : ImportState::kCanceled;
  imp.finished_at = imp.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(ImportRepository::Save(tx, imp));
    // The upload is not needed any more (the error file keeps its rows).
    return ImportRepository::DeleteChunks(tx, ws, id);
  }));
  report(ImportStateName(imp.state)).IgnoreError();
  return imp;
}

Status ImportService::RunJob(jobs::JobContext& ctx) {
  const json::value& payload = ctx.payload();
  const json::string* sid = payload.is_object() ? GetString(payload.as_object(), "import_id") : nullptr;
  std::optional<Id> id = sid ? ParseId(std::string_view(*sid)) : std::nullopt;
  if (!id) return InvalidArgument("import job without an import_id");
  auto imp = Run(ctx.workspace_id(), *id, [&](const json::object& p) {
    json::object pr = p;
    return ctx.ReportProgressWithNextCommit(std::move(pr));
  });
  if (!imp.ok()) {
    // Failures that retrying cannot fix end the import too.
    StatusCode c = imp.status().code();
    if (c == StatusCode::kInvalidArgument || c == StatusCode::kNotFound || c == StatusCode::kInternal) {
      db_.Write([&](storage::Transaction& tx) {
           return ImportRepository::SetState(tx, ctx.workspace_id(), *id, ImportState::kFailed,
                                             imp.status().ToString(), Now())
               .status();
         })
          .IgnoreError();
    }
    return imp.status();
  }
  if (imp->state == ImportState::kCanceled) return Status(StatusCode::kCanceled, "import canceled");
  ctx.SetResult(json::object{{"import_id", IdToString(imp->id)}, {"counts", imp->counts.ToJson()}});
  return Status::Ok();
}

Result<Import> ImportService::Cancel(Id ws, Id id, jobs::JobQueue* jobs) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  switch (imp.state) {
    case ImportState::kUploaded:
    case ImportState::kQueued:
    case ImportState::kRunning:
      break;
    case ImportState::kCanceled:
      return imp;
    default:
      return FailedPrecondition("import " + IdToString(id) + " already " +
                                std::string(ImportStateName(imp.state)));
  }
  if (imp.job_id && jobs) {
    auto job = jobs->Cancel(ws, imp.job_id);
    if (!job.ok() && job.status().code() != StatusCode::kFailedPrecondition) return job.status();
    // A running job notices at its next batch and ends the import canceled itself.
    if (job.ok() && job->state == jobs::JobState::kRunning) return Get(ws, id);
  }
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return ImportRepository::SetState(tx, ws, id, ImportState::kCanceled, "", Now()).status();
  }));
  return Get(ws, id);
}

// ---- Error file ----

Status ImportService::WriteErrorsCsv(Id ws, Id id, const std::function<void(std::string_view)>& out) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  std::vector<std::string> header;
  if (const json::value* h = imp.detected.if_contains("header"); h && h->is_array()) {
    for (const auto& v : h->as_array()) header.emplace_back(v.is_string() ? std::string(v.as_string()) : "");
  }
  std::vector<std::string> cells = header;
  cells.push_back("error");
  std::string buf;
  AppendCsvRow(buf, cells);
  Status s = db_.Read([&](storage::Connection& c) {
    return ImportRepository::ListRejected(c, ws, id, [&](RejectedRow&& r) {
      cells = std::move(r.cells);
      cells.resize(std::max(cells.size(), header.size()));
      cells.push_back("row " + std::to_string(r.row_number) +
                      (r.column.empty() ? "" : ", column " + r.column) + ": " + r.reason);
      AppendCsvRow(buf, cells);
      if (buf.size() > (64 << 10)) {
        out(buf);
        buf.clear();
      }
      return true;
    });
  });
  if (!buf.empty()) out(buf);
  return s;
}

Result<json::array> ImportService::Rejected(Id ws, Id id, int limit) {
  RALLY_RETURN_IF_ERROR(Get(ws, id).status());
  json::array out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
    return ImportRepository::ListRejected(
        c, ws, id,
        [&](RejectedRow&& r) {
          out.push_back(json::object{{"row", r.row_number}, {"column", r.column}, {"reason", r.reason}});
          return true;
        },
        limit);
  }));
  return out;
}

// ---- Template ----

namespace {

struct TemplateColumn {
  std::string header;
  std::string example;
};

std::vector<TemplateColumn> TemplateColumns(std::span<const fields::CustomField> custom) {
  static const std::unordered_map<std::string, std::string> kExamples = {
      {"email", "ada@example.com"}, {"first_name", "Ada"}, {"last_name", "Lovelace"},
      {"phone", "+1 415 555 0132"}, {"mobile", "+1 415 555 0199"}, {"title", "Analyst"},
      {"department", "Research"}, {"linkedin", "https://www.linkedin.com/in/adalovelace"},
      {"twitter", "https://twitter.com/ada"}, {"street", "12 St James's Square"},
      {"city", "London"}, {"state", "Greater London"}, {"postal_code", "SW1Y 4JH"},
      {"country", "United Kingdom"}, {"lifecycle_stage", "qualified"}, {"lead_score", "72"},
      {"lead_source", "conference"}, {"additional_emails", "ada@analytical.example"},
      {"company", "Analytical Engines"}, {"owner", ""}, {"tags", "inbound, vip"}};
  std::vector<TemplateColumn> out;
  for (const ImportTarget& t : ImportTargets(custom)) {
    if (t.key == "full_name") continue;  // first and last name columns are there
    std::string example;
    if (auto it = kExamples.find(t.key); it != kExamples.end()) example = it->second;
    if (t.key.starts_with("custom.")) {
      for (const auto& f : custom) {
        if ("custom." + f.def.key != t.key) continue;
        switch (f.def.type) {
          case fields::FieldType::kNumber: example = "42"; break;
          case fields::FieldType::kDate: example = "2026-01-31"; break;
          case fields::FieldType::kBoolean: example = "yes"; break;
          case fields::FieldType::kSelect: example = f.def.options.empty() ? "" : f.def.options[0]; break;
          default: example = "example"; break;
        }
      }
    }
    out.push_back({t.label, example});
  }
  return out;
}

}  // namespace

Result<std::string> ImportService::TemplateCsv(Id ws) {
  RALLY_ASSIGN_OR_RETURN(auto custom, LoadCustom(db_, ws));
  std::vector<std::string> header, example;
  for (const TemplateColumn& c : TemplateColumns(custom)) {
    header.push_back(c.header);
    example.push_back(c.example);
  }
  std::string out;
  AppendCsvRow(out, header);
  AppendCsvRow(out, example);
  return out;
}

Result<std::string> ImportService::TemplateXlsx(Id ws) {
  RALLY_ASSIGN_OR_RETURN(auto custom, LoadCustom(db_, ws));
  fs::path path = fs::temp_directory_path() / ("rally-template-" + IdToString(NewId()) + ".xlsx");
  TempFile cleanup{path.string()};
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Internal("cannot create the template workbook");
  lxw_worksheet* ws_sheet = workbook_add_worksheet(wb, "Contacts");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  auto cols = TemplateColumns(custom);
  for (size_t i = 0; i < cols.size(); ++i) {
    worksheet_write_string(ws_sheet, 0, static_cast<lxw_col_t>(i), cols[i].header.c_str(), bold);
    if (!cols[i].example.empty()) {
      worksheet_write_string(ws_sheet, 1, static_cast<lxw_col_t>(i), cols[i].example.c_str(), nullptr);
    }
    worksheet_set_column(ws_sheet, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i), 18, nullptr);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return Internal("cannot write the template workbook");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

// ---- Saved mappings ----

Result<SavedMapping> ImportService::SaveMapping(Id ws, Id user, const json::object& body) {
  SavedMapping m;
  const json::string* name = GetString(body, "name");
  if (!name || Trim(std::string_view(*name)).empty()) {
    return FieldInvalid("name", "required", "a saved mapping needs a name");
  }
  m.name = std::string(Trim(std::string_view(*name)));
  const json::value* headers = body.if_contains("headers");
  if (!headers || !headers->is_array() || headers->as_array().empty()) {
    return FieldInvalid("headers", "required", "headers is the file's header row (an array of strings)");
  }
  for (const auto& h : headers->as_array()) {
    if (!h.is_string()) return FieldInvalid("headers", "invalid", "headers are strings");
    m.headers.emplace_back(h.as_string());
  }
  const json::value* mapping = body.if_contains("mapping");
  if (!mapping) return FieldInvalid("mapping", "required", "mapping is required");
  RALLY_ASSIGN_OR_RETURN(auto custom, LoadCustom(db_, ws));
  RALLY_ASSIGN_OR_RETURN(ColumnMapping cm,
                         ParseMapping(*mapping, m.headers, custom, ColumnMapping(m.headers.size())));
  m.mapping = MappingToArray(cm, m.headers);
  m.header_hash = HeaderHash(m.headers);
  m.id = NewId();
  m.created_by = user;
  m.created_at = m.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ImportRepository::SaveMapping(tx, ws, m); }));
  RALLY_ASSIGN_OR_RETURN(auto all, ListMappings(ws, ""));
  for (auto& s : all)
    if (s.name == m.name) return s;
  return m;
}

Result<std::vector<SavedMapping>> ImportService::ListMappings(Id ws, std::string_view header_hash) {
  std::vector<SavedMapping> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, ImportRepository::ListMappings(c, ws, header_hash));
    return Status::Ok();
  }));
  return out;
}

Status ImportService::DeleteMapping(Id ws, Id id) {
  bool found = false;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(found, ImportRepository::DeleteMapping(tx, ws, id));
    return Status::Ok();
  }));
  return found ? Status::Ok() : NotFound("no saved mapping " + IdToString(id));
}

// ---- Revert ----

Result<json::object> ImportService::Revert(Id ws, Id id, const timeline::Actor& actor) {
  RALLY_ASSIGN_OR_RETURN(Import imp, Get(ws, id));
  if (imp.state != ImportState::kSucceeded && imp.state != ImportState::kFailed &&
      imp.state != ImportState::kCanceled) {
    return FailedPrecondition("import " + IdToString(id) + " is " +
                              std::string(ImportStateName(imp.state)) + "; only a finished import can be reverted");
  }
  // What the import did, per contact, and what others did to the same contacts afterwards.
  struct FieldChange {
    Id activity_id;
    json::value from;
  };
  struct Touch {
    bool created = false;
    Id last_import_activity = 0;
    std::map<std::string, FieldChange> fields;  // field -> the import's first change of it
    std::vector<std::string> tags_added;
    std::set<std::string> later_fields;  // fields (or "tag:<name>") changed after the import
    bool later_any = false;
  };
  std::unordered_map<Id, Touch> touched;
  const timeline::Actor me{timeline::ActorType::kImport, imp.id};
  // Ids are time-ordered; the import's entries are all newer than the import (a minute of
  // slack for clocks of other processes).
  Id from = std::max<Id>(0, imp.id - (Id{60'000} << 22));
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) {
    return timeline::ActivityRepository::ScanFrom(c, ws, from, [&](const timeline::Activity& a) {
      using timeline::ActivityType;
      bool mine = a.actor.type == me.type && a.actor.id == me.id;
      if (mine) {
        Touch& t = touched[a.contact_id];
        t.last_import_activity = a.id;
        if (a.type == ActivityType::kContactCreated) t.created = true;
        else if (a.type == ActivityType::kFieldUpdated) {
          const json::string* f = GetString(a.payload, "field");
          const json::value* fromv = a.payload.if_contains("from");
          if (f) t.fields.emplace(std::string(*f), FieldChange{a.id, fromv ? *fromv : json::value(nullptr)});
        } else if (a.type == ActivityType::kLifecycleChanged) {
          const json::value* fromv = a.payload.if_contains("from");
          t.fields.emplace("lifecycle_stage", FieldChange{a.id, fromv ? *fromv : json::value(nullptr)});
        } else if (a.type == ActivityType::kTagAdded) {
          if (const json::string* tag = GetString(a.payload, "tag")) t.tags_added.emplace_back(*tag);
        }
        return true;
      }
      auto it = touched.find(a.contact_id);
      if (it == touched.end()) return true;
      Touch& t = it->second;
      t.later_any = true;
      if (a.type == ActivityType::kFieldUpdated) {
        if (const json::string* f = GetString(a.payload, "field")) t.later_fields.insert(std::string(*f));
      } else if (a.type == ActivityType::kLifecycleChanged) {
        t.later_fields.insert("lifecycle_stage");
      } else if (a.type == ActivityType::kTagAdded || a.type == ActivityType::kTagRemoved) {
        if (const json::string* tag = GetString(a.payload, "tag")) t.later_fields.insert("tag:" + CaseFold(std::string_view(*tag)));
      }
      return true;
    });
  }));

  int64_t deleted = 0, restored = 0;
  json::array conflicts;
  auto conflict = [&](Id contact, std::string field, std::string reason) {
    if (conflicts.size() >= 1000) return;
    conflicts.push_back(json::object{{"contact_id", IdToString(contact)}, {"field", field}, {"reason", reason}});
  };
  for (auto& [contact_id, t] : touched) {
    if (t.created) {
      if (t.later_any) {
        conflict(contact_id, "", "changed after the import; not deleted");
        continue;
      }
      Status s = contacts_.Delete(ws, contact_id, actor);
      if (s.ok()) ++deleted;
      else if (s.code() != StatusCode::kNotFound) return s;
      continue;
    }
    contacts::ContactInput patch;
    json::array remove_tags;
    for (auto& [field, change] : t.fields) {
      if (t.later_fields.contains(field)) {
        conflict(contact_id, field, "changed after the import; kept");
        continue;
      }
      json::value v = change.from;
      // Relations come back by id.
      if (v.is_object()) {
        if (const json::value* vid = v.as_object().if_contains("id")) v = json::object{{"id", *vid}};
      }
      if (field.starts_with("custom.")) {
        json::value& c = patch["custom"];
        if (!c.is_object()) c = json::object{};
        c.as_object()[field.substr(7)] = v;
      } else {
        patch[field] = v;
      }
    }
    for (const std::string& tag : t.tags_added) {
      if (t.later_fields.contains("tag:" + CaseFold(tag))) {
        conflict(contact_id, "tags", "tag " + tag + " changed after the import; kept");
        continue;
      }
      remove_tags.emplace_back(tag);
    }
    if (!remove_tags.empty()) patch["remove_tags"] = std::move(remove_tags);
    if (patch.empty()) continue;
    auto r = contacts_.Update(ws, contact_id, patch, actor);
    if (r.ok()) ++restored;
    else if (r.status().code() == StatusCode::kNotFound) continue;
    else conflict(contact_id, "", "could not restore: " + r.status().ToString());
  }
  json::object report{{"deleted", deleted},
                      {"restored", restored},
                      {"conflicts", std::move(conflicts)},
                      {"at", FormatTimestamp(Now())}};
  imp.revert = report;
  imp.state = ImportState::kReverted;
  imp.updated_at = Now();
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ImportRepository::Save(tx, imp); }));
  return report;
}

}  // namespace rally::importexport
