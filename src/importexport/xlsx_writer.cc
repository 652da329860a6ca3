#include "importexport/xlsx_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <vector>

#include "base/strings.h"

namespace rally::importexport {
namespace {

// Excel's serial day of 1970-01-01 (in its default 1900 date system).
constexpr double kEpochSerial = 25569.0;
constexpr double kMicrosPerDay = 86'400'000'000.0;
constexpr size_t kMaxCellChars = 32767;  // Excel's limit; libxlsxwriter refuses longer strings
constexpr size_t kMaxColumns = 16384;

std::string_view CutForExcel(std::string_view s) {
  // Bytes bound characters from above, so a string within the limit in bytes is within it in
  // characters; longer ones are cut in bytes at a UTF-8 boundary (possibly shorter than needed).
  return s.size() <= kMaxCellChars ? s : TruncateUtf8(s, kMaxCellChars);
}

}  // namespace

struct XlsxWriter::Impl {
  lxw_workbook* workbook = nullptr;
  std::vector<lxw_worksheet*> worksheets;
  std::vector<int64_t> sheet_rows;  // data rows on each sheet
  lxw_format* header = nullptr;
  lxw_format* date = nullptr;
  lxw_format* timestamp = nullptr;
  std::vector<ExportColumn> columns;
  XlsxOptions options;
  std::string tmp_dir;  // kept alive: libxlsxwriter holds the pointer
  bool closed = false;
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
  m.tmp_dir = options.tmp_dir;
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_TRUE;
  wo.tmpdir = m.tmp_dir.empty() ? nullptr : m.tmp_dir.data();
  wo.use_zip64 = LXW_TRUE;  // exports past 4 GiB stay readable
  m.workbook = workbook_new_opt(path.c_str(), &wo);
  if (m.workbook == nullptr) return Unavailable("cannot create the workbook " + path);
  m.header = workbook_add_format(m.workbook);
  format_set_bold(m.header);
  m.date = workbook_add_format(m.workbook);
  format_set_num_format(m.date, "yyyy-mm-dd");
  m.timestamp = workbook_add_format(m.workbook);
  format_set_num_format(m.timestamp, "yyyy-mm-dd hh:mm:ss");
  RALLY_RETURN_IF_ERROR(w->AddSheet());
  return w;
}

XlsxWriter::~XlsxWriter() {
  if (impl_ && !impl_->closed) (void)Close();
}

Status XlsxWriter::AddSheet() {
  Impl& m = *impl_;
  std::string name = m.options.sheet_name;
  if (sheets_ > 0) name += " " + std::to_string(sheets_ + 1);
  lxw_worksheet* ws = workbook_add_worksheet(m.workbook, name.c_str());
  if (ws == nullptr) return Internal("cannot add the worksheet " + name);
  for (size_t c = 0; c < m.columns.size(); ++c) {
    const ExportColumn& col = m.columns[c];
    lxw_format* f = col.type == CellType::kDate        ? m.date
                    : col.type == CellType::kTimestamp ? m.timestamp
                                                       : nullptr;
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), col.width, f);
    std::string_view key = CutForExcel(col.key);
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), std::string(key).c_str(), m.header);
  }
  worksheet_freeze_panes(ws, 1, 0);
  m.worksheets.push_back(ws);
  m.sheet_rows.push_back(0);
  ++sheets_;
  return Status::Ok();
}

Status XlsxWriter::WriteRow(std::span<const Cell> cells) {
  Impl& m = *impl_;
  if (m.sheet_rows.back() >= m.options.max_rows_per_sheet) RALLY_RETURN_IF_ERROR(AddSheet());
  lxw_worksheet* ws = m.worksheets.back();
  auto row = static_cast<lxw_row_t>(++m.sheet_rows.back());
  std::string text;
  size_t n = std::min(cells.size(), m.columns.size());
  for (size_t i = 0; i < n; ++i) {
    const Cell& cell = cells[i];
    if (cell.empty) continue;
    auto col = static_cast<lxw_col_t>(i);
    lxw_error err = LXW_NO_ERROR;
    switch (cell.type) {
      case CellType::kNumber:
        err = worksheet_write_number(ws, row, col, cell.number, nullptr);
        break;
      case CellType::kDate:
        err = worksheet_write_number(ws, row, col, kEpochSerial + cell.days, m.date);
        break;
      case CellType::kTimestamp:
        err = worksheet_write_number(
            ws, row, col, kEpochSerial + static_cast<double>(cell.micros) / kMicrosPerDay,
            m.timestamp);
        break;
      case CellType::kBoolean:
        err = worksheet_write_boolean(ws, row, col, cell.boolean, nullptr);
        break;
      case CellType::kText:
        // worksheet_write_string stores a string (an inline string in constant-memory mode):
        // "=1+2" is text, never a formula.
        text.assign(CutForExcel(cell.text));
        err = worksheet_write_string(ws, row, col, text.c_str(), nullptr);
        break;
    }
    if (err != LXW_NO_ERROR) {
      return Internal(std::string("xlsx: cannot write a cell: ") + lxw_strerror(err));
    }
  }
  ++rows_;
  return Status::Ok();
}

Status XlsxWriter::Close() {
  Impl& m = *impl_;
  if (m.closed) return Status::Ok();
  m.closed = true;
  auto last_col = static_cast<lxw_col_t>(m.columns.size() - 1);
  for (size_t s = 0; s < m.worksheets.size(); ++s) {
    worksheet_autofilter(m.worksheets[s], 0, 0, static_cast<lxw_row_t>(m.sheet_rows[s]), last_col);
  }
  lxw_error err = workbook_close(m.workbook);
  m.workbook = nullptr;
  if (err != LXW_NO_ERROR)
    return Unavailable(std::string("xlsx: cannot write the file: ") + lxw_strerror(err));
  return Status::Ok();
}

}  // namespace rally::importexport
