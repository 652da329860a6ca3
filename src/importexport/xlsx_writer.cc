#include "importexport/xlsx_writer.h"

#include <minizip/zip.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "base/thread_name.h"

namespace rally::importexport {
namespace {

// Excel's serial day of 1970-01-01 (in its default 1900 date system).
constexpr double kEpochSerial = 25569.0;
constexpr double kMicrosPerDay = 86'400'000'000.0;
constexpr size_t kMaxCellChars = 32767;  // Excel's limit on a cell's text
constexpr size_t kMaxColumns = 16384;
// The sheet's XML goes to the zip in pieces of about this size (two in flight at most).
constexpr size_t kChunkBytes = 1 << 20;

// Style indexes of cellXfs in kStyles.
constexpr std::string_view kStyleHeader = "1";
constexpr std::string_view kStyleDate = "2";
constexpr std::string_view kStyleTimestamp = "3";

constexpr std::string_view kXmlDecl =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

constexpr std::string_view kStyles =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>"
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
    "</cellStyleXfs>"
    "<cellXfs count=\"4\">"
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\"/>"
    "</cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

std::string_view CutForExcel(std::string_view s) {
  // Bytes bound characters from above, so a string within the limit in bytes is within it in
  // characters; longer ones are cut in bytes at a UTF-8 boundary (possibly shorter than needed).
  return s.size() <= kMaxCellChars ? s : TruncateUtf8(s, kMaxCellChars);
}

// "A", "B", ..., "Z", "AA", ... for a 0-based column.
void AppendColumnName(std::string& out, size_t col) {
  char buf[4];
  size_t n = 0;
  for (size_t c = col + 1; c > 0; c = (c - 1) / 26) buf[n++] = static_cast<char>('A' + (c - 1) % 26);
  while (n > 0) out += buf[--n];
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The shortest text that reads back as exactly `v` (xsd:double syntax).
void AppendDouble(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The entity a markup character is written as in XML text (and, with `quote`, in an attribute
// value), or null for any other character.
const char* Entity(char c, bool quote) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return quote ? "&quot;" : nullptr;
    default:
      return nullptr;
  }
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Which bytes of cell text need more than a copy: XML's markup characters, the control
// characters XML 1.0 cannot hold (and CR, which XML parsers turn into LF), and '_' (it may
// start an _xHHHH_ escape, which readers decode).
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = c != '\t' && c != '\n';
  t['&'] = t['<'] = t['>'] = t['_'] = true;
  return t;
}();

// Appends `s` as XML text content. Control characters become _xHHHH_ (as Excel writes them),
// and an underscore that would start such an escape becomes _x005F_, so the text reads back
// exactly.
void AppendEscaped(std::string& out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!kSpecial[c]) continue;
    if (c == '_' && !(i + 6 < s.size() && s[i + 1] == 'x' && IsHex(s[i + 2]) && IsHex(s[i + 3]) &&
                      IsHex(s[i + 4]) && IsHex(s[i + 5]) && s[i + 6] == '_')) {
      continue;
    }
    out.append(s, start, i - start);
    start = i + 1;
    if (const char* entity = Entity(static_cast<char>(c), /*quote=*/false)) {
      out += entity;
    } else if (c == '_') {
      out += "_x005F_";
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "_x00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      out += '_';
    }
  }
  out.append(s, start, std::string_view::npos);
}

// Attribute values we write are our own names: escape the markup characters and quotes.
std::string AttrEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (const char* entity = Entity(c, /*quote=*/true)) out += entity;
    else out += c;
  }
  return out;
}

// A column width in characters as Excel stores it (the padding of Excel's own widths, as
// libxlsxwriter computes it: 7-pixel digits, 5 pixels of padding).
double StoredWidth(double width) {
  if (width <= 0) return 0;
  double pixels = width < 1 ? std::floor(width * 12 + 0.5) : std::floor(width * 7 + 0.5) + 5;
  return std::floor(pixels / 7 * 256) / 256;
}

// The zip, written by a background thread: the writing thread formats XML while this one
// deflates and writes the previous piece. Entries are written one after another (an entry is
// opened, written and closed before the next); the queue holds at most two pieces of data.
class ZipPipe {
 public:
  ~ZipPipe() {
    if (worker_.joinable()) (void)Finish();
  }

  Status Open(const std::string& path, int level) {
    zip_ = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    if (zip_ == nullptr) return Unavailable("cannot create the workbook " + path);
    level_ = level;
    worker_ = std::thread([this] {
      SetThreadName("rally-xlsx");
      Work();
    });
    return Status::Ok();
  }

  // Queues an entry: `data` opens it (with `name`) and more can follow through Append until
  // the next Entry or Finish. Blocks while two pieces wait. Returns the worker's error, if any.
  Status Entry(std::string name, std::string data, bool big) {
    return Push(Task{std::move(name), std::move(data), big});
  }
  Status Append(std::string data) { return Push(Task{{}, std::move(data), false}); }

  // Writes what is queued, closes the zip and stops the worker.
  Status Finish() {
    if (!worker_.joinable()) return Unavailable("xlsx: the file is not open");
    {
      std::lock_guard lock(mu_);
      done_ = true;
      changed_.notify_all();
    }
    worker_.join();
    std::lock_guard lock(mu_);
    if (zip_ != nullptr) {
      if (entry_open_ && zipCloseFileInZip(zip_) != ZIP_OK && error_.ok())
        error_ = Unavailable("xlsx: cannot write the file");
      entry_open_ = false;
      if (zipClose(zip_, nullptr) != ZIP_OK && error_.ok())
        error_ = Unavailable("xlsx: cannot write the file");
      zip_ = nullptr;
    }
    return error_;
  }

 private:
  struct Task {
    std::string name;  // non-empty: starts a new entry
    std::string data;
    bool big = false;  // the entry may pass 4 GiB (zip64)
  };

  Status Push(Task t) {
    if (!worker_.joinable()) return Unavailable("xlsx: the file is not open");
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < 2 || !error_.ok(); });
    if (!error_.ok()) return error_;
    queue_.push_back(std::move(t));
    changed_.notify_all();
    return Status::Ok();
  }

  void Work() {
    for (;;) {
      Task t;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        t = std::move(queue_.front());
      }
      Status s = Write(t);
      std::lock_guard lock(mu_);
      queue_.pop_front();
      if (!s.ok() && error_.ok()) error_ = std::move(s);
      changed_.notify_all();
      if (!error_.ok()) return;
    }
  }

  Status Write(const Task& t) {
    if (!t.name.empty()) {
      if (entry_open_ && zipCloseFileInZip(zip_) != ZIP_OK)
        return Unavailable("xlsx: cannot write the file");
      entry_open_ = false;
      zip_fileinfo info{};
      // 1980-01-01, as libxlsxwriter and Excel date the parts (the file itself has its mtime).
      info.tmz_date.tm_mday = 1;
      info.tmz_date.tm_year = 1980;
      if (zipOpenNewFileInZip4_64(zip_, t.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                  Z_DEFLATED, level_, 0, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                  nullptr, 0, 0, 0, t.big ? 1 : 0) != ZIP_OK) {
        return Unavailable("xlsx: cannot write the file");
      }
      entry_open_ = true;
    }
    std::string_view rest = t.data;
    while (!rest.empty()) {
      auto n = static_cast<unsigned>(std::min<size_t>(rest.size(), 1u << 30));
      if (zipWriteInFileInZip(zip_, rest.data(), n) != ZIP_OK)
        return Unavailable("xlsx: cannot write the file");
      rest.remove_prefix(n);
    }
    return Status::Ok();
  }

  zipFile zip_ = nullptr;
  int level_ = 1;
  bool entry_open_ = false;  // worker's (and Finish's once the worker has stopped)
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Task> queue_;  // the front is being written while it is there
  bool done_ = false;
  Status error_;
};

}  // namespace

struct XlsxWriter::Impl {
  ZipPipe zip;
  std::vector<ExportColumn> columns;
  XlsxOptions options;
  std::vector<std::string> sheet_names;
  std::vector<int64_t> sheet_rows;  // data rows on each sheet
  std::string xml;                  // the current sheet's XML not yet handed to the zip
  std::string last_column;          // "Z" for 26 columns
  bool sheet_open = false;
  bool closed = false;

  Status Flush() {
    std::string piece;
    piece.reserve(kChunkBytes + (64 << 10));
    piece.swap(xml);
    return zip.Append(std::move(piece));
  }

  void AppendHeaderCells() {
    xml += "<row r=\"1\">";
    for (const ExportColumn& c : columns) {
      xml += "<c s=\"";
      xml += kStyleHeader;
      xml += "\" t=\"inlineStr\"><is><t>";
      AppendEscaped(xml, CutForExcel(c.key));
      xml += "</t></is></c>";
    }
    xml += "</row>";
  }

  Status StartSheet() {
    sheet_names.push_back(options.sheet_name +
                          (sheet_names.empty() ? "" : " " + std::to_string(sheet_names.size() + 1)));
    sheet_rows.push_back(0);
    std::string head(kXmlDecl);
    head += "<worksheet xmlns=\"";
    head += kMainNs;
    head += "\" xmlns:r=\"";
    head += kRelNs;
    head += "\"><sheetViews><sheetView ";
    if (sheet_names.size() == 1) head += "tabSelected=\"1\" ";
    head +=
        "workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
        "state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews>"
        "<sheetFormatPr defaultRowHeight=\"15\"/><cols>";
    for (size_t i = 0; i < columns.size(); ++i) {
      const ExportColumn& c = columns[i];
      head += "<col min=\"";
      AppendInt(head, static_cast<int64_t>(i + 1));
      head += "\" max=\"";
      AppendInt(head, static_cast<int64_t>(i + 1));
      head += "\" width=\"";
      AppendDouble(head, StoredWidth(c.width));
      head += "\"";
      if (c.type == CellType::kDate || c.type == CellType::kTimestamp) {
        head += " style=\"";
        head += c.type == CellType::kDate ? kStyleDate : kStyleTimestamp;
        head += "\"";
      }
      head += " customWidth=\"1\"/>";
    }
    head += "</cols><sheetData>";
    xml = std::move(head);
    AppendHeaderCells();
    sheet_open = true;
    std::string name = "xl/worksheets/sheet" + std::to_string(sheet_names.size()) + ".xml";
    std::string piece;
    piece.swap(xml);
    return zip.Entry(std::move(name), std::move(piece), /*big=*/true);
  }

  // Closes the current sheet: the autofilter over its header and rows, then its end.
  Status EndSheet() {
    sheet_open = false;
    xml += "</sheetData><autoFilter ref=\"A1:";
    xml += last_column;
    AppendInt(xml, sheet_rows.back() + 1);
    xml +=
        "\"/><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
        "footer=\"0.3\"/></worksheet>";
    return Flush();
  }

  // The parts that describe the workbook, once every sheet is known.
  Status WritePackageParts() {
    size_t n = sheet_names.size();
    std::string types(kXmlDecl);
    types +=
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/xl/workbook.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        "<Override PartName=\"/xl/styles.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>";
    for (size_t i = 1; i <= n; ++i) {
      types += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i) +
               ".xml\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    }
    types += "</Types>";

    std::string root_rels(kXmlDecl);
    root_rels +=
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

    std::string wb(kXmlDecl);
    wb += "<workbook xmlns=\"";
    wb += kMainNs;
    wb += "\" xmlns:r=\"";
    wb += kRelNs;
    wb += "\"><workbookPr/><bookViews><workbookView/></bookViews><sheets>";
    for (size_t i = 0; i < n; ++i) {
      wb += "<sheet name=\"" + AttrEscaped(sheet_names[i]) + "\" sheetId=\"" +
            std::to_string(i + 1) + "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
    }
    wb += "</sheets><definedNames>";
    // The autofilter's range, which Excel keeps as a hidden name per sheet.
    for (size_t i = 0; i < n; ++i) {
      std::string quoted;
      for (char c : sheet_names[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
      std::string ref = "'" + quoted + "'!$A$1:$" + last_column + "$" +
                        std::to_string(sheet_rows[i] + 1);
      wb += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"" + std::to_string(i) +
            "\" hidden=\"1\">";
      AppendEscaped(wb, ref);
      wb += "</definedName>";
    }
    wb += "</definedNames></workbook>";

    std::string wb_rels(kXmlDecl);
    wb_rels +=
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (size_t i = 1; i <= n; ++i) {
      wb_rels += "<Relationship Id=\"rId" + std::to_string(i) +
                 "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                 "worksheet\" Target=\"worksheets/sheet" +
                 std::to_string(i) + ".xml\"/>";
    }
    wb_rels += "<Relationship Id=\"rId" + std::to_string(n + 1) +
               "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "styles\" Target=\"styles.xml\"/></Relationships>";

    std::string styles(kXmlDecl);
    styles += kStyles;

    RALLY_RETURN_IF_ERROR(zip.Entry("[Content_Types].xml", std::move(types), false));
    RALLY_RETURN_IF_ERROR(zip.Entry("_rels/.rels", std::move(root_rels), false));
    RALLY_RETURN_IF_ERROR(zip.Entry("xl/workbook.xml", std::move(wb), false));
    RALLY_RETURN_IF_ERROR(zip.Entry("xl/_rels/workbook.xml.rels", std::move(wb_rels), false));
    return zip.Entry("xl/styles.xml", std::move(styles), false);
  }
};

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path,
                                                       std::span<const ExportColumn> columns,
                                                       const XlsxOptions& options) {
  if (columns.empty() || columns.size() > kMaxColumns) {
    return FieldInvalid("columns", "out_of_range", "an .xlsx export has 1 to 16384 columns");
  }
  std::unique_ptr<XlsxWriter> w(new XlsxWriter());
  w->impl_ = std::make_unique<Impl>();
  Impl& m = *w->impl_;
  m.columns.assign(columns.begin(), columns.end());
  m.options = options;
  AppendColumnName(m.last_column, columns.size() - 1);
  m.xml.reserve(kChunkBytes + (64 << 10));
  if (Status s = m.zip.Open(path, std::clamp(options.deflate_level, 1, 9)); !s.ok()) {
    m.closed = true;  // nothing to complete
    return s;
  }
  RALLY_RETURN_IF_ERROR(m.StartSheet());
  w->sheets_ = 1;
  return w;
}

XlsxWriter::~XlsxWriter() {
  if (impl_ && !impl_->closed) (void)Close();
}

Status XlsxWriter::AddSheet() {
  Impl& m = *impl_;
  RALLY_RETURN_IF_ERROR(m.EndSheet());
  RALLY_RETURN_IF_ERROR(m.StartSheet());
  ++sheets_;
  return Status::Ok();
}

Status XlsxWriter::WriteRow(std::span<const Cell> cells) {
  Impl& m = *impl_;
  if (m.sheet_rows.back() >= m.options.max_rows_per_sheet) RALLY_RETURN_IF_ERROR(AddSheet());
  std::string& x = m.xml;
  int64_t row = ++m.sheet_rows.back() + 1;  // below the header
  x += "<row r=\"";
  AppendInt(x, row);
  x += "\">";
  size_t n = std::min(cells.size(), m.columns.size());
  size_t next = 0;  // the column a cell without a reference lands in
  for (size_t i = 0; i < n; ++i) {
    const Cell& cell = cells[i];
    if (cell.empty) continue;
    x += "<c";
    if (i != next) {  // after blank cells: say where this one goes
      x += " r=\"";
      AppendColumnName(x, i);
      AppendInt(x, row);
      x += "\"";
    }
    next = i + 1;
    CellType type = cell.type;
    if (type == CellType::kNumber && !std::isfinite(cell.number)) type = CellType::kText;
    switch (type) {
      case CellType::kNumber:
        x += "><v>";
        AppendDouble(x, cell.number);
        x += "</v></c>";
        break;
      case CellType::kDate:
        x += " s=\"";
        x += kStyleDate;
        x += "\"><v>";
        AppendInt(x, static_cast<int64_t>(kEpochSerial) + cell.days);
        x += "</v></c>";
        break;
      case CellType::kTimestamp:
        x += " s=\"";
        x += kStyleTimestamp;
        x += "\"><v>";
        AppendDouble(x, kEpochSerial + static_cast<double>(cell.micros) / kMicrosPerDay);
        x += "</v></c>";
        break;
      case CellType::kBoolean:
        x += cell.boolean ? " t=\"b\"><v>1</v></c>" : " t=\"b\"><v>0</v></c>";
        break;
      case CellType::kText: {
        // An inline string: "=1+2" is text, never a formula. Leading or trailing blanks are
        // kept only with xml:space="preserve".
        std::string_view text = CutForExcel(cell.text);
        bool preserve = !text.empty() && (IsXmlSpace(text.front()) || IsXmlSpace(text.back()));
        x += preserve ? " t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                      : " t=\"inlineStr\"><is><t>";
        AppendEscaped(x, text);
        x += "</t></is></c>";
        break;
      }
    }
  }
  x += "</row>";
  ++rows_;
  return x.size() >= kChunkBytes ? m.Flush() : Status::Ok();
}

Status XlsxWriter::Close() {
  Impl& m = *impl_;
  if (m.closed) return Status::Ok();
  m.closed = true;
  Status s = m.sheet_open ? m.EndSheet() : Status::Ok();
  if (s.ok()) s = m.WritePackageParts();
  Status z = m.zip.Finish();
  return s.ok() ? z : s;
}

}  // namespace rally::importexport
