// XlsxWriter: the Excel side of export (issue 7): a streaming .xlsx writer of our own. Each
// row becomes sheet XML at once; the XML goes into the zip (minizip, deflate at a fast level)
// piece by piece on a background thread while the caller formats the next rows, so memory
// stays flat whatever the row count and nothing is written twice (no temporary files).
// docs/decisions/0018-streaming-xlsx-writer.md says why this replaced libxlsxwriter's
// constant-memory mode (libxlsxwriter alone costs about 4.7x the CPU of this writer for the
// same cells: bench/export/bench_xlsx.cc).
//
// What the workbook holds:
//   - one sheet "Contacts" with a bold, frozen header row (the column keys), an autofilter over
//     the data (and its hidden _xlnm._FilterDatabase name) and widths from the columns;
//   - numbers, dates (yyyy-mm-dd), timestamps (yyyy-mm-dd hh:mm:ss, UTC) and booleans stored
//     as such (numbers as the shortest text that reads back exactly; a non-finite number as
//     its text); text as inline strings, never as formulas (text that starts with "=" stays
//     text), control characters as _xHHHH_ and an underscore that would start one as _x005F_;
//   - past max_rows_per_sheet data rows (Excel's limit: 1,048,575 below the header) the rows
//     continue on "Contacts 2", "Contacts 3", ..., each with the same header.
// Text over Excel's cell limit (32,767 characters) is cut at a UTF-8 boundary below it.
// A cell after blank cells carries its reference; the others follow on from the previous one.
//
// The file is complete only at Close() (the zip's directory comes last; a streamed .xlsx
// download cannot start before the last row; see export_service.h).
//
// Thread safety: one thread at a time (the writer's own background thread is internal).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/result.h"
#include "importexport/export_table.h"

namespace rally::importexport {

struct XlsxOptions {
  int64_t max_rows_per_sheet = 1'048'575;  // data rows per sheet (tests lower it)
  std::string sheet_name = "Contacts";
  int deflate_level = 1;  // zlib's 1 (fastest) to 9: 1 costs about half of 6 for ~35% more bytes
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

  // Appends one data row (one cell per column). Errors: unavailable when writing the file
  // failed (found on a later row: the zip is written behind).
  Status WriteRow(std::span<const Cell> cells);

  // Ends the last sheet, writes the workbook's other parts and the zip's directory.
  // Errors: unavailable when writing fails.
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
