#include "importexport/export_service.h"

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "base/clock.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/thread_name.h"
#include "contacts/contact.h"
#include "fields/builtin_fields.h"
#include "fields/custom_fields.h"
#include "query/filter.h"

namespace rally::importexport {
namespace {

// Where a column's value comes from.
enum class Source {
  kText,
  kEmail,
  kAdditionalEmails,
  kStage,
  kScore,
  kBand,
  kCompany,
  kOwner,
  kTags,
  kCreated,
  kUpdated,
  kLastActivity,
  kId,
  kPhoneE164,
  kMobileE164,
  kCustom,
};

struct ResolvedColumn {
  ExportColumn column;
  Source source = Source::kText;
  fields::FieldDef def;  // kCustom
};

double WidthFor(std::string_view key, CellType type) {
  if (key == "email" || key == "additional_emails" || key == "owner") return 30;
  if (key == "linkedin" || key == "twitter" || key == "street" || key == "tags") return 32;
  if (key == "company" || key == "title") return 24;
  switch (type) {
    case CellType::kNumber:
      return 10;
    case CellType::kBoolean:
      return 8;
    case CellType::kDate:
      return 12;
    case CellType::kTimestamp:
      return 20;
    case CellType::kText:
      return 16;
  }
  return 16;
}

ResolvedColumn Make(std::string key, std::string label, Source source,
                    CellType type = CellType::kText) {
  ResolvedColumn c;
  c.column.width = WidthFor(key, type);
  c.column.key = std::move(key);
  c.column.label = std::move(label);
  c.column.type = type;
  c.source = source;
  return c;
}

std::string_view Canonical(std::string_view key) {
  if (key == "stage") return "lifecycle_stage";
  if (key == "score") return "lead_score";
  if (key == "source") return "lead_source";
  if (key == "created") return "created_at";
  if (key == "updated") return "updated_at";
  if (key == "last_activity") return "last_activity_at";
  if (key == "score_band") return "band";  // saved views name it so
  return key;
}

// One column by key; nullopt when the key names nothing.
std::optional<ResolvedColumn> ColumnFor(std::string_view raw,
                                        std::span<const fields::CustomField> custom) {
  std::string lowered = AsciiLower(Trim(raw));
  std::string_view key = Canonical(lowered);
  if (key == "email") return Make("email", "Email", Source::kEmail);
  if (key == "additional_emails")
    return Make("additional_emails", "Additional emails", Source::kAdditionalEmails);
  if (key == "lifecycle_stage") return Make("lifecycle_stage", "Lifecycle stage", Source::kStage);
  if (key == "lead_score")
    return Make("lead_score", "Lead score", Source::kScore, CellType::kNumber);
  if (key == "band") return Make("band", "Score band", Source::kBand);
  if (key == "company") return Make("company", "Company", Source::kCompany);
  if (key == "owner") return Make("owner", "Owner", Source::kOwner);
  if (key == "tags") return Make("tags", "Tags", Source::kTags);
  if (key == "created_at")
    return Make("created_at", "Created", Source::kCreated, CellType::kTimestamp);
  if (key == "updated_at")
    return Make("updated_at", "Updated", Source::kUpdated, CellType::kTimestamp);
  if (key == "last_activity_at") {
    return Make("last_activity_at", "Last activity", Source::kLastActivity, CellType::kTimestamp);
  }
  if (key == "id") return Make("id", "Id", Source::kId);
  if (key == "phone_e164") return Make("phone_e164", "Phone (E.164)", Source::kPhoneE164);
  if (key == "mobile_e164") return Make("mobile_e164", "Mobile (E.164)", Source::kMobileE164);
  if (contacts::FindTextColumn(key) != nullptr) {
    const fields::FieldDef* def = fields::FindBuiltinField(key);
    ResolvedColumn c = Make(std::string(key), def ? def->label : std::string(key), Source::kText);
    return c;
  }
  std::string_view bare = key.starts_with("custom.") ? key.substr(7) : key;
  for (const fields::CustomField& f : custom) {
    if (f.def.key != bare) continue;
    CellType type = CellType::kText;
    switch (f.def.type) {
      case fields::FieldType::kNumber:
        type = CellType::kNumber;
        break;
      case fields::FieldType::kDate:
        type = CellType::kDate;
        break;
      case fields::FieldType::kBoolean:
        type = CellType::kBoolean;
        break;
      default:
        break;
    }
    ResolvedColumn c = Make("custom." + f.def.key, f.def.label, Source::kCustom, type);
    c.def = f.def;
    return c;
  }
  return std::nullopt;
}

Result<std::vector<ResolvedColumn>> ResolveColumns(std::span<const std::string> keys,
                                                   std::span<const fields::CustomField> custom) {
  std::vector<std::string> wanted;
  if (keys.empty()) {
    wanted.assign(std::begin(kDefaultColumns), std::end(kDefaultColumns));
  } else if (keys.size() == 1 && AsciiLower(keys[0]) == "all") {
    wanted.push_back("email");
    wanted.push_back("additional_emails");
    for (const fields::FieldDef& f : fields::BuiltinContactFields()) {
      if (f.key != "email") wanted.push_back(f.key);
    }
    wanted.insert(wanted.end(), {"company", "owner", "tags"});
    for (const fields::CustomField& f : custom) wanted.push_back("custom." + f.def.key);
    wanted.insert(wanted.end(), {"created_at", "updated_at"});
  } else {
    wanted.assign(keys.begin(), keys.end());
  }
  if (wanted.size() > 16384)
    return FieldInvalid("columns", "out_of_range", "at most 16384 columns");
  std::vector<ResolvedColumn> out;
  out.reserve(wanted.size());
  for (const std::string& k : wanted) {
    auto c = ColumnFor(k, custom);
    if (!c) {
      return FieldInvalid("columns", "unknown_field",
                          "no column \"" + ToValidUtf8(k) +
                              "\" (field keys such as email, "
                              "custom.<key>, tags, company, owner; or all)");
    }
    for (const ResolvedColumn& seen : out) {
      if (seen.column.key == c->column.key) {
        return FieldInvalid("columns", "duplicate",
                            "column \"" + c->column.key + "\" is listed twice");
      }
    }
    out.push_back(std::move(*c));
  }
  return out;
}

void SetText(Cell& cell, std::string_view text) {
  if (text.empty()) return;
  cell.empty = false;
  cell.text.assign(text);
}

void SetTimestamp(Cell& cell, Micros t) {
  cell.empty = false;
  cell.micros = t;
  cell.text = FormatTimestamp(t);
}

bool PlainKey(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z') return false;
  for (char ch : key)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  return true;
}

// The company and owner of the contacts row "c": a join, which PostgreSQL runs as one hash
// join for the whole export where a subquery per row costs it 1.5 s a million rows.
constexpr std::string_view kExportJoins =
    "LEFT JOIN companies ec ON ec.workspace_id = c.workspace_id AND ec.id = c.company_id "
    "LEFT JOIN users eu ON eu.workspace_id = c.workspace_id AND eu.id = c.owner_id";

// The SQL expression a column reads from the contacts row "c" and kExportJoins, so that one
// statement (query::ScanContacts) gives each row's cells: names of the company and owner by their
// keys, tags aggregated in the order and with the separator the contact records have them
// (by name_norm, ", "), a custom field as the JSON text of its value (NULL when absent).
std::string SelectFor(storage::Dialect d, const ResolvedColumn& rc) {
  const bool pg = d == storage::Dialect::kPostgres;
  switch (rc.source) {
    case Source::kText:
      return "c." + rc.column.key;  // a contacts::TextColumn: its key is its column
    case Source::kEmail:
      return "c.email";
    case Source::kAdditionalEmails:
      return "c.additional_emails";
    case Source::kStage:
      return "c.lifecycle_stage";
    case Source::kScore:
    case Source::kBand:
      return "c.lead_score";
    case Source::kCompany:
      return "ec.name";  // kExportJoins
    case Source::kOwner:
      return "eu.email";
    case Source::kTags:
      if (pg) {
        return "(SELECT string_agg(t.name, ', ' ORDER BY t.name_norm) FROM contact_tags ct "
               "JOIN tags t ON t.workspace_id = ct.workspace_id AND t.id = ct.tag_id "
               "WHERE ct.workspace_id = c.workspace_id AND ct.contact_id = c.id)";
      }
      // SQLite's group_concat takes no ORDER BY before 3.44: it concatenates in the order of
      // the ordered subquery it reads.
      return "(SELECT group_concat(x.name, ', ') FROM (SELECT t.name FROM contact_tags ct "
             "JOIN tags t ON t.workspace_id = ct.workspace_id AND t.id = ct.tag_id "
             "WHERE ct.workspace_id = c.workspace_id AND ct.contact_id = c.id "
             "ORDER BY t.name_norm) x)";
    case Source::kCreated:
      return "c.created_at";
    case Source::kUpdated:
      return "c.updated_at";
    case Source::kLastActivity:
      return "c.last_activity_at";
    case Source::kId:
      return "c.id";
    case Source::kPhoneE164:
      return "c.phone_e164";
    case Source::kMobileE164:
      return "c.mobile_e164";
    case Source::kCustom:
      // Custom keys are identifiers (fields/custom_fields.h); anything else reads nothing
      // rather than reaching the SQL text.
      if (!PlainKey(rc.def.key)) return "CAST(NULL AS TEXT)";
      return pg ? "(c.custom -> '" + rc.def.key + "')::text"
                : "(c.custom -> '$." + rc.def.key + "')";
  }
  return "NULL";
}

// Fills `cell` from column `col` of a page row, as SelectFor selected it.
void FillCell(const ResolvedColumn& rc, const storage::Row& r, int col, Cell& cell) {
  cell.Clear();
  cell.type = rc.column.type;
  switch (rc.source) {
    case Source::kText:
    case Source::kEmail:
    case Source::kCompany:
    case Source::kOwner:
    case Source::kTags:
    case Source::kPhoneE164:
    case Source::kMobileE164:
      SetText(cell, r.Text(col));
      break;
    case Source::kAdditionalEmails: {
      std::string_view raw = r.Text(col);
      if (raw.size() <= 2) break;  // "[]" (or nothing): the common case, no parse
      auto a = ParseJson(raw);
      if (!a.ok() || !a->is_array()) break;
      for (const json::value& e : a->get_array()) {
        if (!e.is_string()) continue;
        if (!cell.text.empty()) cell.text += ", ";
        cell.text += e.get_string();
      }
      cell.empty = cell.text.empty();
      break;
    }
    case Source::kStage:
      SetText(cell, fields::LifecycleStageName(static_cast<int>(r.Int(col))));
      break;
    case Source::kScore: {
      int score = static_cast<int>(r.Int(col));
      cell.empty = false;
      cell.number = score;
      cell.text = std::to_string(score);
      break;
    }
    case Source::kBand:
      SetText(cell, fields::ScoreBand(static_cast<int>(r.Int(col))));
      break;
    case Source::kCreated:
    case Source::kUpdated:
      SetTimestamp(cell, r.Int(col));
      break;
    case Source::kLastActivity:
      if (!r.IsNull(col)) SetTimestamp(cell, r.Int(col));
      break;
    case Source::kId:
      SetText(cell, IdToString(r.Int(col)));
      break;
    case Source::kCustom: {
      if (r.IsNull(col)) break;
      // One value's JSON text (a scalar, mostly): parsed alone, it reads as it would inside
      // the whole object.
      auto parsed = ParseJson(r.Text(col));
      if (!parsed.ok() || parsed->is_null()) break;
      const json::value* v = &*parsed;
      SetText(cell, fields::FormatText(rc.def, *v));
      if (cell.empty) break;
      switch (cell.type) {
        case CellType::kNumber:
          if (v->is_number())
            cell.number = v->to_number<double>();
          else
            cell.type = CellType::kText;  // not what the type says: keep the text
          break;
        case CellType::kDate:
          if (auto d = ParseDate(cell.text))
            cell.days = *d;
          else
            cell.type = CellType::kText;
          break;
        case CellType::kBoolean:
          if (v->is_bool())
            cell.boolean = v->get_bool();
          else
            cell.type = CellType::kText;
          break;
        default:
          break;
      }
      break;
    }
  }
}

std::string TempPath(const std::string& dir, std::string_view ext) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path base =
      dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(dir);
  std::random_device rd;
  return (base / ("rally-export-" + std::to_string(rd()) + "-" + std::to_string(++counter) + "." +
                  std::string(ext)))
      .string();
}

}  // namespace

std::string_view ExportFormatName(ExportFormat f) {
  return f == ExportFormat::kXlsx ? "xlsx" : "csv";
}

Result<ExportFormat> ParseExportFormat(std::string_view text, std::string_view field) {
  std::string t = AsciiLower(text);
  if (t == "csv" || t.empty()) return ExportFormat::kCsv;
  if (t == "xlsx" || t == "excel") return ExportFormat::kXlsx;
  return FieldInvalid(std::string(field), "invalid", "format must be csv or xlsx");
}

std::vector<std::string> SplitColumns(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view part : Split(text, ',')) {
    part = Trim(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// --- Sinks ---

Status CsvSink::Begin(std::span<const ExportColumn> columns) {
  writer_.Begin(buf_);
  for (const ExportColumn& c : columns) writer_.Field(buf_, c.key);
  writer_.EndRow(buf_);
  return Status::Ok();
}

Status CsvSink::Row(std::span<const Cell> cells) {
  for (const Cell& c : cells) {
    writer_.Field(buf_, c.empty ? std::string_view() : std::string_view(c.text),
                  c.type == CellType::kText ? CsvWriter::Kind::kText : CsvWriter::Kind::kNumber);
  }
  writer_.EndRow(buf_);
  return buf_.size() >= flush_bytes_ ? Flush() : Status::Ok();
}

Status CsvSink::EndPage() { return buf_.empty() ? Status::Ok() : Flush(); }

Status CsvSink::Finish() { return buf_.empty() ? Status::Ok() : Flush(); }

Status CsvSink::Flush() {
  Status s = flush_(buf_);
  buf_.clear();
  return s;
}

Status XlsxSink::Begin(std::span<const ExportColumn> columns) {
  RALLY_ASSIGN_OR_RETURN(writer_, XlsxWriter::Create(path_, columns, options_));
  return Status::Ok();
}

Status XlsxSink::Row(std::span<const Cell> cells) { return writer_->WriteRow(cells); }

Status XlsxSink::Finish() { return writer_->Close(); }

// --- The service ---

ExportService::ExportService(storage::Database& db, ExportServiceOptions options)
    : db_(db), options_(std::move(options)) {}

ExportService::~ExportService() {
  closing_.store(true);
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return active_.load() == 0; });
}

namespace {

struct Prepared {
  query::FieldCatalog catalog;
  query::Node filter;
  query::Sort sort;
  std::vector<ResolvedColumn> columns;
};

Result<Prepared> Prepare(storage::Connection& conn, Id ws, const ExportRequest& r) {
  RALLY_ASSIGN_OR_RETURN(std::vector<fields::CustomField> custom,
                         fields::ListCustomFields(conn, ws));
  std::vector<fields::FieldDef> defs;
  for (const fields::CustomField& f : custom) defs.push_back(f.def);
  Prepared p{query::FieldCatalog(std::move(defs)), {}, {}, {}};
  RALLY_ASSIGN_OR_RETURN(p.filter, query::ParseText(r.q, p.catalog, "q"));
  if (r.filter) {
    RALLY_ASSIGN_OR_RETURN(query::Node json_filter,
                           query::ParseJson(*r.filter, p.catalog, "filter"));
    if (p.filter.IsAll()) {
      p.filter = std::move(json_filter);
    } else if (!json_filter.IsAll()) {
      query::Node both;  // q narrows the JSON filter (a view's)
      both.children.push_back(std::move(json_filter));
      both.children.push_back(std::move(p.filter));
      p.filter = std::move(both);
    }
  }
  RALLY_ASSIGN_OR_RETURN(p.sort, query::ParseSort(r.sort, p.catalog));
  RALLY_ASSIGN_OR_RETURN(p.columns, ResolveColumns(r.columns, custom));
  return p;
}

std::vector<ExportColumn> Columns(const std::vector<ResolvedColumn>& rc) {
  std::vector<ExportColumn> out;
  for (const ResolvedColumn& c : rc) out.push_back(c.column);
  return out;
}

// An export reads every page of the table once. Through SQLite's memory map (the reader
// connections map up to 256 MiB of the file, storage/sqlite) each page it touches stays mapped
// into the process and counts in its memory for nothing; through the connection's bounded page
// cache the export's memory stays flat whatever the database's size. So for the export's
// length the map is off on its connection, and the connection's own setting comes back after.
class SqliteScanWithoutMap {
 public:
  explicit SqliteScanWithoutMap(storage::Connection& conn) : conn_(conn) {
    if (conn.dialect() != storage::Dialect::kSqlite) return;
    int64_t size = -1;
    Status s = conn.Query("PRAGMA mmap_size", {}, [&](const storage::Row& r) {
      size = r.Int(0);
      return false;
    });
    if (!s.ok() || size <= 0) return;
    if (conn.ExecScript("PRAGMA mmap_size=0").ok()) restore_ = size;
  }
  ~SqliteScanWithoutMap() {
    if (restore_ > 0) (void)conn_.ExecScript("PRAGMA mmap_size=" + std::to_string(restore_));
  }
  SqliteScanWithoutMap(const SqliteScanWithoutMap&) = delete;
  SqliteScanWithoutMap& operator=(const SqliteScanWithoutMap&) = delete;

 private:
  storage::Connection& conn_;
  int64_t restore_ = 0;
};

}  // namespace

Result<std::vector<ExportColumn>> ExportService::Check(const query::QueryContext& ctx,
                                                       const ExportRequest& request) {
  std::vector<ExportColumn> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(Prepared p, Prepare(conn, ctx.workspace_id, request));
    out = Columns(p.columns);
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> ExportService::Run(const query::QueryContext& ctx, const ExportRequest& request,
                                   ExportSink& sink, const ExportProgressFn& progress,
                                   bool count_total) {
  int64_t rows = 0;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(Prepared p, Prepare(conn, ctx.workspace_id, request));
    int64_t total = -1;
    if (count_total) {
      RALLY_ASSIGN_OR_RETURN(total, query::CountContacts(conn, ctx, p.catalog, p.filter));
    }
    std::vector<ExportColumn> columns = Columns(p.columns);
    SqliteScanWithoutMap no_map(conn);
    RALLY_RETURN_IF_ERROR(sink.Begin(columns));
    if (progress && !progress(0, total)) return Status(StatusCode::kCanceled, "export canceled");
    std::vector<Cell> cells(p.columns.size());
    // One statement per keyset page reads exactly the file's columns (no contact records).
    std::string select;
    for (const ResolvedColumn& c : p.columns) {
      if (!select.empty()) select += ", ";
      select += SelectFor(conn.dialect(), c);
    }
    RALLY_RETURN_IF_ERROR(query::ScanContacts(
        conn, ctx, p.catalog, p.filter, p.sort, {.select = select, .joins = kExportJoins},
        [&](const storage::Row& r, int first) -> Status {
          for (size_t i = 0; i < p.columns.size(); ++i)
            FillCell(p.columns[i], r, first + static_cast<int>(i), cells[i]);
          RALLY_RETURN_IF_ERROR(sink.Row(cells));
          if (++rows % options_.page_size != 0) return Status::Ok();
          RALLY_RETURN_IF_ERROR(sink.EndPage());
          if (progress && !progress(rows, total))
            return Status(StatusCode::kCanceled, "export canceled");
          return Status::Ok();
        }));
    RALLY_RETURN_IF_ERROR(sink.EndPage());
    if (progress && !progress(rows, total)) return Status(StatusCode::kCanceled, "export canceled");
    return sink.Finish();
  }));
  return rows;
}

// --- Streams ---

struct ExportStream::State {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::string> chunks;
  bool finished = false;  // the producer is done (status in `error`)
  bool canceled = false;  // the consumer is gone
  Status error;
  std::atomic<int64_t> rows{0};
  size_t cap = 8;
  std::chrono::milliseconds stall{60'000};

  // Producer side: queues a chunk, waiting while the queue is full.
  Status Push(std::string chunk) {
    std::unique_lock lock(mu);
    bool room = changed.wait_for(lock, stall, [&] { return canceled || chunks.size() < cap; });
    if (canceled) return Status(StatusCode::kCanceled, "the client went away");
    if (!room) return Status(StatusCode::kCanceled, "the client took no data for too long");
    chunks.push_back(std::move(chunk));
    changed.notify_all();
    return Status::Ok();
  }
  bool Canceled() {
    std::lock_guard lock(mu);
    return canceled;
  }
  void Finish(Status s) {
    std::lock_guard lock(mu);
    finished = true;
    error = std::move(s);
    changed.notify_all();
  }
};

ExportStream::~ExportStream() {
  std::lock_guard lock(state_->mu);
  state_->canceled = true;
  state_->chunks.clear();
  state_->changed.notify_all();
}

int64_t ExportStream::rows() const { return state_->rows.load(); }

Result<bool> ExportStream::Next(std::string& out, std::chrono::milliseconds wait) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  s.changed.wait_for(lock, wait, [&] { return !s.chunks.empty() || s.finished; });
  if (!s.chunks.empty()) {
    if (out.empty())
      out = std::move(s.chunks.front());
    else
      out += s.chunks.front();
    s.chunks.pop_front();
    s.changed.notify_all();
    return true;
  }
  if (!s.finished) return true;  // nothing yet
  if (!s.error.ok()) return s.error;
  return false;
}

Result<std::shared_ptr<ExportStream>> ExportService::Stream(const query::QueryContext& ctx,
                                                            const ExportRequest& request,
                                                            ExportFormat format,
                                                            const CsvOptions& csv) {
  RALLY_RETURN_IF_ERROR(Check(ctx, request).status());
  {
    std::lock_guard lock(mu_);
    if (closing_.load()) return Unavailable("the server is stopping");
    if (active_.load() >= options_.max_streams) {
      return Status(StatusCode::kResourceExhausted,
                    "too many exports are streaming; retry shortly or start an export job (POST "
                    "/api/v1/exports)");
    }
    active_.fetch_add(1);
  }
  auto state = std::make_shared<ExportStream::State>();
  state->cap = std::max<size_t>(1, options_.queue_chunks);
  state->stall = options_.stall_timeout;
  std::thread([this, state, ctx, request, format, csv] {
    SetThreadName("rally-export");
    auto progress = [&](int64_t rows, int64_t) {
      state->rows.store(rows);
      return !state->Canceled() && !closing_.load();
    };
    Status s;
    if (format == ExportFormat::kCsv) {
      CsvSink sink(csv, [&](std::string& chunk) { return state->Push(std::move(chunk)); });
      s = Run(ctx, request, sink, progress).status();
    } else {
      // An .xlsx is complete only at close (the zip's directory comes last): write the whole
      // workbook, then stream it.
      std::string path = TempPath(options_.tmp_dir, "xlsx");
      XlsxSink sink(path);
      s = Run(ctx, request, sink, progress).status();
      if (s.ok()) {
        std::ifstream in(path, std::ios::binary);
        std::string chunk;
        while (s.ok() && in) {
          chunk.resize(256 << 10);
          in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          chunk.resize(static_cast<size_t>(in.gcount()));
          if (!chunk.empty()) s = state->Push(std::move(chunk));
        }
        if (s.ok() && in.bad()) s = Unavailable("cannot read the temporary workbook");
      }
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
    if (!s.ok() && s.code() != StatusCode::kCanceled) {
      log::Warn(json::serialize(
          json::object{{"msg", "streamed export failed"}, {"error", ToValidUtf8(s.message())}}));
    }
    state->Finish(std::move(s));
    std::lock_guard lock(mu_);
    active_.fetch_sub(1);
    idle_.notify_all();
  }).detach();
  return std::make_shared<ExportStream>(state);
}

}  // namespace rally::importexport
