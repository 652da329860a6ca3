// The .xlsx reader. Reading order: _rels/.rels -> the workbook part (sheet names, the date
// system) -> its rels (sheet parts, sharedStrings, styles) -> styles (which cell formats are
// dates) -> sharedStrings (into one arena) -> the chosen sheet, streamed through expat a chunk
// at a time into a short queue of rows. Every part is parsed with expat (never a DOM), names
// compared by local name (the part after any prefix: files use "x:c" as well as "c"; the
// namespace-aware parser costs time for nothing the reader needs),
// and with any DTD refused (OOXML parts have none; this also shuts out entity expansion).
#include <expat.h>

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "importexport/excel_format.h"
#include "importexport/row_reader.h"
#include "importexport/text_decoder.h"
#include "importexport/xlsx_package.h"
#include "importexport/xlsx_reader.h"

namespace rally::importexport {
namespace {

constexpr size_t kXmlChunk = 64 * 1024;
constexpr size_t kMaxSheets = 4096;
constexpr size_t kMaxRels = 65536;
constexpr size_t kMaxStyles = 65536;
constexpr size_t kMaxColumnRef = 16384;  // XFD
constexpr int64_t kMaxRow = 1048576;     // Excel's last row

std::string_view Local(const XML_Char* name) {
  std::string_view s(name);
  size_t colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

// The value of the attribute named `local` (with a prefix, as r:id, when `prefixed`; never an
// xmlns declaration), or nullptr.
const char* Attr(const XML_Char** attrs, std::string_view local, bool prefixed = false) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    std::string_view name(attrs[i]);
    size_t colon = name.find(':');
    if ((colon != std::string_view::npos) != prefixed) continue;
    if (prefixed && name.starts_with("xmlns:")) continue;
    if ((colon == std::string_view::npos ? name : name.substr(colon + 1)) == local)
      return attrs[i + 1];
  }
  return nullptr;
}

bool ParseIndex(std::string_view s, uint64_t* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// OOXML writes characters XML cannot hold as _xHHHH_ (_x000D_ for CR); "_x005F_" escapes an
// underscore that would otherwise start one. Decodes them in s[from..].
void DecodeEscapes(std::string& s, size_t from) {
  size_t at = s.find("_x", from);
  if (at == std::string::npos) return;
  std::string out;
  size_t i = from;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  while (at != std::string::npos) {
    out.append(s, i, at - i);
    uint32_t cp = 0;
    bool ok = at + 7 <= s.size() && s[at + 6] == '_';
    for (size_t k = 2; ok && k < 6; ++k) {
      int h = hex(s[at + k]);
      ok = h >= 0;
      cp = cp * 16 + static_cast<uint32_t>(std::max(h, 0));
    }
    if (ok) {
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      if (cp != 0) AppendUtf8(cp, &out);
      i = at + 7;
    } else {
      out.append("_x");
      i = at + 2;
    }
    at = s.find("_x", i);
  }
  out.append(s, i, std::string::npos);
  s.resize(from);
  s += out;
}

// The directory of a part name ("xl/workbook.xml" -> "xl/").
std::string DirOf(std::string_view part) {
  size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

// A relationship target resolved against the source part's directory ("worksheets/s1.xml",
// "/xl/worksheets/s1.xml", "../xl/x.xml").
std::string ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string joined =
      target.starts_with('/') ? std::string(target.substr(1)) : std::string(base_dir) + std::string(target);
  std::vector<std::string_view> parts;
  for (std::string_view piece : Split(joined, '/')) {
    if (piece.empty() || piece == ".") continue;
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(piece);
  }
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

Status Corrupt(std::string_view what) {
  return InvalidArgument("the .xlsx file is corrupt (" + std::string(what) + ")");
}

// --- expat, driven by a handler object ---

class XmlHandler {
 public:
  explicit XmlHandler(std::string part) : part_(std::move(part)) {
    parser_ = XML_ParserCreate(nullptr);
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(
        parser_,
        [](void* self, const XML_Char* name, const XML_Char** attrs) {
          static_cast<XmlHandler*>(self)->OnStart(Local(name), attrs);
        },
        [](void* self, const XML_Char* name) {
          static_cast<XmlHandler*>(self)->OnEnd(Local(name));
        });
    XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* s, int len) {
      static_cast<XmlHandler*>(self)->OnText(std::string_view(s, static_cast<size_t>(len)));
    });
    XML_SetStartDoctypeDeclHandler(
        parser_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
          auto* h = static_cast<XmlHandler*>(self);
          h->Fail(Corrupt(h->part_ + " has a DTD, which .xlsx parts never have"));
        });
  }
  virtual ~XmlHandler() { XML_ParserFree(parser_); }
  XmlHandler(const XmlHandler&) = delete;
  XmlHandler& operator=(const XmlHandler&) = delete;

  // Feeds the next bytes of the part (`final` with the last).
  Status Feed(const char* data, size_t n, bool final) {
    if (!error_.ok()) return error_;
    if (XML_Parse(parser_, data, static_cast<int>(n), final) == XML_STATUS_ERROR) {
      if (error_.ok())
        error_ = Corrupt(part_ + " line " + std::to_string(XML_GetCurrentLineNumber(parser_)) +
                         ": " + XML_ErrorString(XML_GetErrorCode(parser_)));
    }
    return error_;
  }

  // Parses the whole part.
  Status ParseAll(PartStream& in) {
    std::string buf(kXmlChunk, '\0');
    while (true) {
      RALLY_ASSIGN_OR_RETURN(size_t n, in.Read(buf.data(), buf.size()));
      RALLY_RETURN_IF_ERROR(Feed(buf.data(), n, n == 0));
      if (n == 0) return Status::Ok();
    }
  }

 protected:
  virtual void OnStart(std::string_view name, const XML_Char** attrs) {}
  virtual void OnEnd(std::string_view name) {}
  virtual void OnText(std::string_view text) {}

  // Stops the parse; Feed returns `s`.
  void Fail(Status s) {
    if (error_.ok()) error_ = std::move(s);
    XML_StopParser(parser_, XML_FALSE);
  }
  bool failed() const { return !error_.ok(); }

  std::string part_;

 private:
  XML_Parser parser_;
  Status error_;
};

Status ParsePart(Package& package, const std::string& name, XmlHandler& handler) {
  RALLY_ASSIGN_OR_RETURN(auto stream, package.Open(name));
  return handler.ParseAll(*stream);
}

// --- the small parts ---

struct Relationship {
  std::string id, type, target;
};

class RelsHandler final : public XmlHandler {
 public:
  explicit RelsHandler(std::string part, std::string base_dir)
      : XmlHandler(std::move(part)), base_dir_(std::move(base_dir)) {}
  std::vector<Relationship> rels;

  // The target of the first relationship whose type ends with `/suffix`, or "".
  std::string TargetOfType(std::string_view suffix) const {
    for (const Relationship& r : rels)
      if (r.type.ends_with("/" + std::string(suffix))) return r.target;
    return "";
  }

 protected:
  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const char* mode = Attr(attrs, "TargetMode");
    if (mode != nullptr && std::string_view(mode) == "External") return;
    if (rels.size() >= kMaxRels) return Fail(Corrupt(part_ + " has too many relationships"));
    const char* id = Attr(attrs, "Id");
    const char* type = Attr(attrs, "Type");
    const char* target = Attr(attrs, "Target");
    if (id == nullptr || type == nullptr || target == nullptr) return;
    rels.push_back({id, type, ResolveTarget(base_dir_, target)});
  }

 private:
  std::string base_dir_;
};

struct SheetEntry {
  std::string name, rel_id;
};

class WorkbookHandler final : public XmlHandler {
 public:
  using XmlHandler::XmlHandler;
  std::vector<SheetEntry> sheets;
  bool date1904 = false;

 protected:
  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name == "workbookPr") {
      const char* v = Attr(attrs, "date1904");
      date1904 = v != nullptr && (std::string_view(v) == "1" || std::string_view(v) == "true");
    } else if (name == "sheet") {
      if (sheets.size() >= kMaxSheets) return Fail(Corrupt("too many sheets"));
      const char* sheet_name = Attr(attrs, "name");
      const char* rel = Attr(attrs, "id", /*prefixed=*/true);
      sheets.push_back({sheet_name ? sheet_name : "", rel ? rel : ""});
    }
  }
};

class StylesHandler final : public XmlHandler {
 public:
  using XmlHandler::XmlHandler;

  // The NumberKind of each cellXfs entry (a cell's s attribute indexes it).
  std::vector<NumberKind> Kinds() const {
    std::vector<NumberKind> kinds;
    kinds.reserve(xf_formats_.size());
    for (int id : xf_formats_) {
      auto it = custom_.find(id);
      kinds.push_back(ClassifyNumberFormat(id, it == custom_.end() ? "" : it->second));
    }
    return kinds;
  }

 protected:
  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name == "numFmts") {
      in_num_fmts_ = true;
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "numFmt" && in_num_fmts_) {
      const char* id = Attr(attrs, "numFmtId");
      const char* code = Attr(attrs, "formatCode");
      uint64_t v;
      if (id == nullptr || code == nullptr || !ParseIndex(id, &v) || v > 1000000) return;
      if (custom_.size() >= kMaxStyles) return Fail(Corrupt("too many number formats"));
      custom_[static_cast<int>(v)] = code;
    } else if (name == "xf" && in_cell_xfs_) {
      if (xf_formats_.size() >= kMaxStyles) return Fail(Corrupt("too many cell formats"));
      const char* id = Attr(attrs, "numFmtId");
      uint64_t v = 0;
      if (id == nullptr || !ParseIndex(id, &v) || v > 1000000) v = 0;
      xf_formats_.push_back(static_cast<int>(v));
    }
  }
  void OnEnd(std::string_view name) override {
    if (name == "numFmts") in_num_fmts_ = false;
    if (name == "cellXfs") in_cell_xfs_ = false;
  }

 private:
  bool in_num_fmts_ = false, in_cell_xfs_ = false;
  std::map<int, std::string> custom_;
  std::vector<int> xf_formats_;
};

// sharedStrings.xml: every <si> as the text of its <t> elements (plain or rich-text runs),
// leaving out phonetic guides (<rPh>). All strings live in one arena.
class SharedStringsHandler final : public XmlHandler {
 public:
  SharedStringsHandler(std::string part, SharedStrings* out, uint64_t max_bytes,
                       size_t max_cell)
      : XmlHandler(std::move(part)), out_(out), max_bytes_(max_bytes), max_cell_(max_cell) {}

 protected:
  void OnStart(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      in_si_ = true;
      start_ = out_->arena.size();
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && in_si_ && phonetic_depth_ == 0) {
      capture_ = true;
    }
  }
  void OnEnd(std::string_view name) override {
    if (name == "t") {
      capture_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "si" && in_si_) {
      in_si_ = false;
      DecodeEscapes(out_->arena, start_);
      out_->ends.push_back(out_->arena.size());
      if (out_->arena.size() + out_->ends.size() * sizeof(uint64_t) > max_bytes_)
        Fail(TooLarge("the shared strings of the workbook are over the " +
                      std::to_string(max_bytes_) + "-byte limit"));
    }
  }
  void OnText(std::string_view text) override {
    if (!capture_) return;
    if (out_->arena.size() - start_ + text.size() > max_cell_)
      return Fail(TooLarge("shared string " + std::to_string(out_->ends.size()) + " is over the " +
                           std::to_string(max_cell_) + "-byte cell limit"));
    if (out_->arena.size() + text.size() > max_bytes_)
      return Fail(TooLarge("the shared strings of the workbook are over the " +
                           std::to_string(max_bytes_) + "-byte limit"));
    out_->arena.append(text);
  }

 private:
  SharedStrings* out_;
  uint64_t max_bytes_;
  size_t max_cell_;
  bool in_si_ = false, capture_ = false;
  int phonetic_depth_ = 0;
  size_t start_ = 0;
};

// --- the sheet ---

struct PendingRow {
  int64_t number = 0;
  std::vector<std::string> cells;
};

class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(std::string part, const SharedStrings& sst, const std::vector<NumberKind>& kinds,
               bool date1904, const ReaderOptions& options, std::deque<PendingRow>* out)
      : XmlHandler(std::move(part)),
        sst_(sst),
        kinds_(kinds),
        date1904_(date1904),
        options_(options),
        out_(out) {}

 protected:
  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return;
    } else if (name == "row") {
      const char* r = Attr(attrs, "r");
      uint64_t n;
      row_.number = (r != nullptr && ParseIndex(r, &n) && n >= 1 && n <= static_cast<uint64_t>(kMaxRow))
                        ? static_cast<int64_t>(n)
                        : row_.number + 1;
      if (row_.number > kMaxRow) return Fail(Corrupt("a row past row 1048576"));
      row_.cells.clear();
      next_col_ = 0;
      row_bytes_ = 0;
    } else if (name == "c") {
      in_cell_ = true;
      const char* ref = Attr(attrs, "r");
      col_ = ref != nullptr ? ColumnOf(ref) : next_col_;
      const char* t = Attr(attrs, "t");
      type_ = t != nullptr ? t : "n";
      const char* s = Attr(attrs, "s");
      uint64_t style = 0;
      kind_ = (s != nullptr && ParseIndex(s, &style) && style < kinds_.size()) ? kinds_[style]
                                                                             : NumberKind::kNumber;
      value_.clear();
      inline_.clear();
      has_inline_ = false;
    } else if (!in_cell_) {
      return;
    } else if (name == "v") {
      capture_ = &value_;
    } else if (name == "is") {
      has_inline_ = true;
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && has_inline_ && phonetic_depth_ == 0) {
      capture_ = &inline_;
    }
  }

  void OnEnd(std::string_view name) override {
    if (name == "v" || name == "t") {
      capture_ = nullptr;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      capture_ = nullptr;
      EndCell();
    } else if (name == "row" && in_data_) {
      out_->push_back(std::move(row_));
      row_.cells = {};
    } else if (name == "sheetData") {
      in_data_ = false;
    }
  }

  void OnText(std::string_view text) override {
    if (capture_ == nullptr) return;
    if (capture_->size() + text.size() > options_.max_cell_bytes)
      return Fail(TooLarge("row " + std::to_string(row_.number) + ": a cell is over the " +
                           std::to_string(options_.max_cell_bytes) + "-byte limit"));
    capture_->append(text);
  }

 private:
  // The 0-based column of a reference such as "AB12"; the next column when it has no letters.
  size_t ColumnOf(std::string_view ref) const {
    size_t col = 0, i = 0;
    for (; i < ref.size() && i < 4; ++i) {
      char c = ref[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (c < 'A' || c > 'Z') break;
      col = col * 26 + static_cast<size_t>(c - 'A' + 1);
    }
    return i == 0 ? next_col_ : col - 1;
  }

  void EndCell() {
    if (col_ >= kMaxColumnRef || col_ >= options_.max_columns)
      return Fail(TooLarge("row " + std::to_string(row_.number) + ": a cell in column " +
                           std::to_string(col_ + 1) + ", past the " +
                           std::to_string(std::min(kMaxColumnRef, options_.max_columns)) +
                           "-column limit"));
    next_col_ = col_ + 1;
    std::string text;
    if (type_ == "s") {
      uint64_t index;
      if (value_.empty()) return;
      if (!ParseIndex(value_, &index) || index >= sst_.size())
        return Fail(Corrupt("row " + std::to_string(row_.number) + ": shared string index " +
                            std::string(TruncateUtf8(value_, 20)) + " out of range"));
      text = sst_.Get(index);
    } else if (has_inline_ || type_ == "inlineStr") {
      DecodeEscapes(inline_, 0);
      text = std::move(inline_);
    } else if (type_ == "str") {
      DecodeEscapes(value_, 0);
      text = std::move(value_);
    } else if (type_ == "b") {
      text = Trim(value_) == "1" ? "TRUE" : Trim(value_) == "0" ? "FALSE" : value_;
    } else if (type_ == "e" || type_ == "d") {
      text = std::move(value_);
    } else if (!value_.empty()) {
      text = FormatCellNumber(value_, kind_, date1904_);
    }
    if (text.empty()) return;
    row_bytes_ += text.size();
    if (row_bytes_ > options_.max_row_bytes)
      return Fail(TooLarge("row " + std::to_string(row_.number) + " is over the " +
                           std::to_string(options_.max_row_bytes) + "-byte limit"));
    if (row_.cells.size() <= col_) row_.cells.resize(col_ + 1);
    row_.cells[col_] = std::move(text);
  }

  const SharedStrings& sst_;
  const std::vector<NumberKind>& kinds_;
  bool date1904_;
  const ReaderOptions& options_;
  std::deque<PendingRow>* out_;

  bool in_data_ = false, in_cell_ = false, has_inline_ = false;
  int phonetic_depth_ = 0;
  PendingRow row_;
  size_t next_col_ = 0, col_ = 0, row_bytes_ = 0;
  std::string type_;
  NumberKind kind_ = NumberKind::kNumber;
  std::string value_, inline_;
  std::string* capture_ = nullptr;
};

class XlsxReader final : public RowReader {
 public:
  XlsxReader(std::unique_ptr<Package> package, const ReaderOptions& options)
      : package_(std::move(package)), options_(options) {}

  Status Start();
  Result<bool> Next(Row& row) override;

 private:
  // Parses the next chunk of the sheet into queue_.
  Status Pump();
  // The next row of the sheet with a non-empty cell, or false at its end.
  Result<bool> NextPending(PendingRow* row);

  std::unique_ptr<Package> package_;
  ReaderOptions options_;
  SharedStrings sst_;
  std::vector<NumberKind> kinds_;
  std::unique_ptr<PartStream> sheet_stream_;
  std::unique_ptr<SheetHandler> sheet_;
  std::deque<PendingRow> queue_;
  std::string chunk_;
  bool sheet_done_ = false;
  Status failed_;
};

Status XlsxReader::Start() {
  if (options_.header_row < 0)
    return FieldInvalid("header_row", "out_of_range", "header_row is a row number from 1");
  detected_.format = FileFormat::kXlsx;
  detected_.encoding = TextEncoding::kUtf8;
  detected_.delimiter = '\0';

  std::string workbook = "xl/workbook.xml";
  if (package_->Has("_rels/.rels")) {
    RelsHandler root("_rels/.rels", "");
    RALLY_RETURN_IF_ERROR(ParsePart(*package_, "_rels/.rels", root));
    std::string target = root.TargetOfType("officeDocument");
    if (!target.empty()) workbook = target;
  }
  if (!package_->Has(workbook)) {
    if (package_->Has("mimetype") && package_->Has("content.xml"))
      return InvalidArgument(
          "OpenDocument spreadsheets (.ods) are not supported; save as .xlsx or CSV");
    return InvalidArgument("not an Excel workbook: the file is a zip without " + workbook);
  }

  WorkbookHandler wb(workbook);
  RALLY_RETURN_IF_ERROR(ParsePart(*package_, workbook, wb));
  detected_.date1904 = wb.date1904;
  for (const SheetEntry& s : wb.sheets) detected_.sheets.push_back(s.name);
  if (wb.sheets.empty()) return InvalidArgument("the workbook has no sheets");

  const std::string dir = DirOf(workbook);
  const std::string rels_part = dir + "_rels/" + workbook.substr(dir.size()) + ".rels";
  RelsHandler rels(rels_part, dir);
  if (package_->Has(rels_part)) RALLY_RETURN_IF_ERROR(ParsePart(*package_, rels_part, rels));

  // The sheet: by exact name, else by name without regard to case; the first by default.
  const SheetEntry* sheet = &wb.sheets[0];
  if (!options_.sheet.empty()) {
    sheet = nullptr;
    for (const SheetEntry& s : wb.sheets)
      if (s.name == options_.sheet) sheet = &s;
    for (const SheetEntry& s : wb.sheets)
      if (sheet == nullptr && CaseFold(s.name) == CaseFold(options_.sheet)) sheet = &s;
    if (sheet == nullptr)
      return FieldInvalid("sheet", "not_found",
                          "the workbook has no sheet \"" + options_.sheet +
                              "\"; its sheets: " + Join(detected_.sheets, ", "));
  }
  detected_.sheet = sheet->name;
  std::string sheet_part;
  for (const Relationship& r : rels.rels)
    if (r.id == sheet->rel_id) sheet_part = r.target;
  if (sheet_part.empty()) {
    // No rels (hand-made files): Excel's own naming.
    size_t position = static_cast<size_t>(sheet - wb.sheets.data());
    sheet_part = dir + "worksheets/sheet" + std::to_string(position + 1) + ".xml";
  }
  if (!package_->Has(sheet_part))
    return Corrupt("sheet \"" + sheet->name + "\" has no part " + sheet_part);

  std::string styles = rels.TargetOfType("styles");
  if (styles.empty()) styles = dir + "styles.xml";
  if (package_->Has(styles)) {
    StylesHandler sh(styles);
    RALLY_RETURN_IF_ERROR(ParsePart(*package_, styles, sh));
    kinds_ = sh.Kinds();
  }

  std::string strings = rels.TargetOfType("sharedStrings");
  if (strings.empty()) strings = dir + "sharedStrings.xml";
  if (package_->Has(strings)) {
    SharedStringsHandler sh(strings, &sst_, options_.max_shared_strings_bytes,
                            options_.max_cell_bytes);
    RALLY_RETURN_IF_ERROR(ParsePart(*package_, strings, sh));
  }

  RALLY_ASSIGN_OR_RETURN(sheet_stream_, package_->Open(sheet_part));
  sheet_ = std::make_unique<SheetHandler>(sheet_part, sst_, kinds_, wb.date1904, options_, &queue_);

  // The header: the caller's row, else the first with a value.
  PendingRow header;
  while (true) {
    RALLY_ASSIGN_OR_RETURN(bool got, NextPending(&header));
    if (!got) {
      if (options_.header_row > 0)
        return FieldInvalid("header_row", "out_of_range",
                            "header_row " + std::to_string(options_.header_row) +
                                " is past the last row with a value");
      return Status::Ok();  // an empty sheet
    }
    if (options_.header_row == 0 || header.number == options_.header_row) break;
    if (header.number > options_.header_row)
      return FieldInvalid("header_row", "invalid",
                          "row " + std::to_string(options_.header_row) +
                              " is empty; it cannot be the header");
  }
  while (!header.cells.empty() && header.cells.back().empty()) header.cells.pop_back();
  detected_.header_row = header.number;
  detected_.header = std::move(header.cells);
  return Status::Ok();
}

Status XlsxReader::Pump() {
  chunk_.resize(kXmlChunk);
  RALLY_ASSIGN_OR_RETURN(size_t n, sheet_stream_->Read(chunk_.data(), chunk_.size()));
  RALLY_RETURN_IF_ERROR(sheet_->Feed(chunk_.data(), n, n == 0));
  if (n == 0) {
    sheet_done_ = true;
    sheet_stream_.reset();
  }
  return Status::Ok();
}

Result<bool> XlsxReader::NextPending(PendingRow* row) {
  while (true) {
    if (queue_.empty()) {
      if (sheet_done_) return false;
      RALLY_RETURN_IF_ERROR(Pump());
      continue;
    }
    *row = std::move(queue_.front());
    queue_.pop_front();
    for (const std::string& c : row->cells)
      if (!c.empty()) return true;
  }
}

Result<bool> XlsxReader::Next(Row& row) {
  if (!failed_.ok()) return failed_;
  if (detected_.header_row == 0) return false;
  PendingRow pending;
  Result<bool> got = NextPending(&pending);
  if (!got.ok()) {
    failed_ = got.status();
    return failed_;
  }
  if (!*got) return false;
  const size_t width = detected_.header.size();
  row.number = row.line = pending.number;
  row.cells = std::move(pending.cells);
  row.error = Status::Ok();
  size_t last = row.cells.size();
  while (last > 0 && row.cells[last - 1].empty()) --last;
  if (last > width) {
    row.error = InvalidArgument("row " + std::to_string(row.number) + " has a value in column " +
                                std::to_string(last) + ", right of the header's last column (" +
                                std::to_string(width) + ")");
    row.cells.resize(last);
  } else {
    row.cells.resize(width);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<RowReader>> OpenXlsxPackage(std::unique_ptr<Package> package,
                                                   const ReaderOptions& options) {
  auto reader = std::make_unique<XlsxReader>(std::move(package), options);
  RALLY_RETURN_IF_ERROR(reader->Start());
  return std::unique_ptr<RowReader>(std::move(reader));
}

Result<std::unique_ptr<RowReader>> OpenXlsxReader(const std::string& path,
                                                  const ReaderOptions& options) {
  PackageLimits limits{options.max_inflated_bytes, options.max_compression_ratio};
  RALLY_ASSIGN_OR_RETURN(auto package, OpenZipPackage(path, limits));
  return OpenXlsxPackage(std::move(package), options);
}

Result<std::unique_ptr<RowReader>> OpenXlsxReaderFromMemory(std::string_view bytes,
                                                            const ReaderOptions& options) {
  PackageLimits limits{options.max_inflated_bytes, options.max_compression_ratio};
  RALLY_ASSIGN_OR_RETURN(auto package, OpenZipPackageFromMemory(bytes, limits));
  return OpenXlsxPackage(std::move(package), options);
}

}  // namespace rally::importexport
