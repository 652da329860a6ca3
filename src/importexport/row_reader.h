// RowReader: streaming readers of the spreadsheets people import (DESIGN.md src/importexport/).
// A reader turns a CSV or .xlsx file into rows of UTF-8 cells, one row at a time, never holding
// the whole file in memory: CSV is read in fixed chunks; an .xlsx sheet is streamed through
// expat from the zip, and only its shared-strings table (docs/decisions) is kept in memory.
//
//   RALLY_ASSIGN_OR_RETURN(auto reader, importexport::OpenRowReader(path, {}));
//   const importexport::Detected& d = reader->Detected();   // encoding, delimiter, header...
//   importexport::Row row;
//   while (true) {
//     RALLY_ASSIGN_OR_RETURN(bool more, reader->Next(row));
//     if (!more) break;
//     if (!row.error.ok()) { /* reject row.number with row.error.message() */ continue; }
//     /* row.cells[i] belongs to d.header[i] */
//   }
//
// What the readers decide for the caller (each overridable through ReaderOptions):
//   - the format, from the first bytes (zip magic -> xlsx; OLE2 magic -> an error naming legacy
//     .xls or an encrypted workbook; anything else -> CSV);
//   - CSV: the encoding (BOM; else UTF-8 unless a sample of the start is not valid UTF-8, then
//     Windows-1252; docs/decisions/0007-import-readers.md has the rule for invalid bytes that
//     appear later), the delimiter among , ; TAB | and the header row;
//   - xlsx: the sheet (the first one) and the header row (the first non-empty one).
//
// Rows before the header row are skipped; rows whose cells are all empty are skipped. Next()
// returns data rows only, each padded to the header's width. A data row whose shape does not
// fit the header (CSV: another field count; xlsx: a value right of the header's last column)
// comes back with `error` set and its cells as read, so the caller can reject that row and
// go on; nothing is guessed, except that empty cells past the header's width (what trailing
// delimiters leave) are dropped. CSV quoting is RFC 4180, lenient where files break it: a
// quote inside an unquoted cell is literal (5" tall), text after a closing quote is kept
// ("abc"def -> abcdef), and a quoted cell open at the end of the file is a row error.
// Problems that end the file (I/O, a cell over the size limit, a corrupt zip) are the Status
// of Next().
//
// Writers (CSV/XLSX export) will live beside these readers in this module.
//
// Thread safety: a RowReader is used by one thread at a time; distinct readers are independent.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace rally::importexport {

enum class FileFormat { kCsv, kXlsx };
// "csv", "xlsx".
std::string_view FileFormatName(FileFormat f);

enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be, kWindows1252 };
// "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252".
std::string_view TextEncodingName(TextEncoding e);
// The inverse of TextEncodingName (case-insensitive; also "utf8", "cp1252", "latin1"...).
std::optional<TextEncoding> ParseTextEncoding(std::string_view name);

struct ReaderOptions {
  // 1-based source row number of the header row; 0 = detect (CSV: the first row with the most
  // common field count among the sampled rows that has a non-empty cell; xlsx: the first
  // non-empty row). A header row past the end of the file is an invalid_argument error.
  int64_t header_row = 0;

  // --- CSV ---
  std::optional<char> delimiter;          // one of , ; \t | ; unset = sniff
  std::optional<TextEncoding> encoding;   // unset = detect (a BOM always wins over this)
  size_t sample_bytes = 64 * 1024;        // how much of the start sniffing looks at

  // --- xlsx ---
  std::string sheet;  // the sheet's name (exact, else case-insensitive); "" = the first sheet

  // --- Limits (too_large errors naming the row) ---
  size_t max_cell_bytes = 1 << 20;   // one cell, as UTF-8
  size_t max_row_bytes = 8 << 20;    // all cells of one row
  size_t max_columns = 16384;        // Excel's own limit (column XFD)
  // xlsx: total bytes inflated from the zip over all parts read, the shared-strings table
  // as held in memory, and the compression ratio a part may reach once past 16 MiB inflated.
  uint64_t max_inflated_bytes = uint64_t{4} << 30;
  uint64_t max_shared_strings_bytes = uint64_t{512} << 20;
  uint32_t max_compression_ratio = 200;
};

// What the reader found out about the file. Fixed once Open returns, except the counter.
struct Detected {
  FileFormat format = FileFormat::kCsv;
  TextEncoding encoding = TextEncoding::kUtf8;  // xlsx: always utf-8
  char delimiter = ',';                         // xlsx: '\0'
  int64_t header_row = 0;                       // 1-based; 0 when the file holds no row at all
  std::vector<std::string> header;              // the header row's cells, trailing empties cut
  std::vector<std::string> sheets;              // xlsx: every sheet name, in workbook order
  std::string sheet;                            // xlsx: the sheet being read
  bool date1904 = false;                        // xlsx: the workbook uses the 1904 date system
  // CSV detected as UTF-8: bytes met so far that were not valid UTF-8 and were read as
  // Windows-1252 instead (0 for a clean file). Grows as Next() reads.
  uint64_t windows1252_fallback_bytes = 0;
};

struct Row {
  // 1-based source row: for CSV the record number (a quoted cell spanning lines is one row,
  // blank lines count), which is the row number a spreadsheet shows for the file; for xlsx
  // the sheet's row number.
  int64_t number = 0;
  int64_t line = 0;  // CSV: the 1-based physical line the row starts on; xlsx: == number
  std::vector<std::string> cells;  // valid UTF-8; as many as the header (more when ragged)
  Status error;                    // not OK when the row does not fit the header
};

class RowReader {
 public:
  virtual ~RowReader() = default;

  const importexport::Detected& Detected() const { return detected_; }

  // Reads the next data row into `row` (its buffers are reused: pass the same Row each time).
  // Returns true with a row, false at the end of the file. Errors (the reader is finished
  // after one): too_large (a cell, a row or the column count over its limit, or an xlsx part
  // over the inflate limits), invalid_argument (a corrupt file: bad zip, bad XML, a missing
  // part, a quoted CSV field that never ends is a row error instead), unavailable (I/O).
  virtual Result<bool> Next(Row& row) = 0;

 protected:
  importexport::Detected detected_;
};

// Opens `path`, choosing CSV or xlsx from its first bytes (not its name). Errors:
// not_found (no such file), invalid_argument for files no reader takes (legacy .xls,
// encrypted workbooks, empty zips, corrupt files; the message says what to do), too_large,
// and the errors of the readers below. Detection (encoding, delimiter, header) has happened
// when it returns.
Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path,
                                                 const ReaderOptions& options);

// A CSV reader over a stream (an upload being received, a test string). The stream is read
// in chunks; the reader owns it.
Result<std::unique_ptr<RowReader>> OpenCsvReader(std::unique_ptr<std::istream> in,
                                                 const ReaderOptions& options);

// An xlsx reader over a file, or over bytes in memory (the caller keeps them alive for the
// reader's lifetime; fuzzers and tests).
Result<std::unique_ptr<RowReader>> OpenXlsxReader(const std::string& path,
                                                  const ReaderOptions& options);
Result<std::unique_ptr<RowReader>> OpenXlsxReaderFromMemory(std::string_view bytes,
                                                            const ReaderOptions& options);

// The format the first bytes of a file announce, or an invalid_argument error for OLE2
// containers (legacy .xls: "legacy .xls is not supported; save as .xlsx or CSV"; with an
// EncryptionInfo stream: "the workbook is encrypted/password-protected; ...").
// `head` is the file's first bytes (up to 512 KiB are looked at for the OLE2 directory).
Result<FileFormat> SniffFormat(std::string_view head);

}  // namespace rally::importexport
