// XlsxWriter: the Excel side of export (issue 7), on libxlsxwriter in constant-memory mode: each
// row goes to a temporary file as it is written, so memory stays flat whatever the row count
// (the temporary files live in `tmp_dir`, not in RAM).
//
// What the workbook holds:
//   - one sheet "Contacts" with a bold, frozen header row (the column keys), an autofilter over
//     the data and widths from the columns;
//   - numbers, dates (yyyy-mm-dd), timestamps (yyyy-mm-dd hh:mm:ss, UTC) and booleans stored
//     as such; text stored as strings, never as formulas (text that starts with "=" stays text);
//   - past max_rows_per_sheet data rows (Excel's limit: 1,048,575 below the header) the rows
//     continue on "Contacts 2", "Contacts 3", ..., each with the same header.
// Text over Excel's cell limit (32,767 characters) is cut at a UTF-8 boundary below it.
//
// libxlsxwriter writes the zip at Close(): the file is complete only then (a streamed .xlsx
// download cannot start before the last row; see export_service.h).
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/result.h"
#include "importexport/export_table.h"

namespace rally::importexport {

struct XlsxOptions {
  std::string tmp_dir;                     // libxlsxwriter's temporary files; "" = the system's
  int64_t max_rows_per_sheet = 1'048'575;  // data rows per sheet (tests lower it)
  std::string sheet_name = "Contacts";
};

class XlsxWriter {
 public:
  // Creates the workbook at `path` and writes the first sheet's header.
  // Errors: unavailable when the file cannot be created; invalid_argument for no columns or
  // more than Excel's 16,384.
  static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path,
                                                    std::span<const ExportColumn> columns,
                                                    const XlsxOptions& options = {});
  ~XlsxWriter();  // closes (and so completes) the workbook if Close() was not called
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Appends one data row (one cell per column). Errors: internal for a libxlsxwriter failure.
  Status WriteRow(std::span<const Cell> cells);

  // Sets each sheet's autofilter and writes the zip. Errors: unavailable when writing fails.
  Status Close();

  int64_t rows() const { return rows_; }
  int sheets() const { return sheets_; }

 private:
  XlsxWriter() = default;
  Status AddSheet();

  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t rows_ = 0;  // data rows written, over all sheets
  int sheets_ = 0;
};

}  // namespace rally::importexport
