// CsvWriter: the CSV side of export (issue 7). Appends RFC 4180 records to a caller's buffer, so
// a streamed export formats rows straight into the chunk it is about to send.
//
//   CsvWriter w({.delimiter = ';', .bom = true});
//   std::string out;
//   w.Begin(out);                         // the BOM, when asked for
//   w.Field(out, "Ada");  w.Field(out, "=1+2");  w.EndRow(out);
//
// Rules:
//   - UTF-8 in, UTF-8 out (the caller hands valid UTF-8); an optional BOM (EF BB BF) lets Excel
//     on Windows recognize the encoding.
//   - A field is quoted when it holds the delimiter, a double quote, CR or LF, or starts or ends
//     with a space (readers that trim would lose it); quotes inside are doubled. Records end
//     with CRLF.
//   - Formula injection (OWASP "CSV Injection"): with protect_formulas on, a text field starting
//     with = + - @ TAB or CR is prefixed with a single quote ('), which spreadsheets show as
//     text and never evaluate. Number fields (Field(..., kNumber)) are written as they are: a
//     negative number is not a formula. Turn protection off for machine pipelines that need
//     the values byte for byte (the API's protect=false, the CLI's --no-formula-protection).
//
// Thread safety: a CsvWriter is immutable after construction; any thread may use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rally::importexport {

struct CsvOptions {
  char delimiter = ',';          // one of , ; TAB |
  bool bom = false;              // start the file with a UTF-8 BOM
  bool protect_formulas = true;  // prefix formula-like text fields with '
};

// "," ";" "tab" (or a literal TAB) "|"; also "comma", "semicolon", "pipe".
// Errors: invalid_argument naming `field` for anything else.
Result<char> ParseDelimiter(std::string_view text, std::string_view field = "delimiter");

// Whether a text cell would be read as a formula by a spreadsheet: it starts with = + - @ TAB
// or CR.
bool LooksLikeFormula(std::string_view text);

class CsvWriter {
 public:
  enum class Kind { kText, kNumber };

  explicit CsvWriter(CsvOptions options = {}) : options_(options) {}

  const CsvOptions& options() const { return options_; }

  // Appends the BOM when options().bom; call once, before the first record.
  void Begin(std::string& out) const;
  // Appends one field of the current record (with the delimiter before it unless it is the
  // record's first field).
  void Field(std::string& out, std::string_view value, Kind kind = Kind::kText);
  // Ends the record (CRLF).
  void EndRow(std::string& out);

 private:
  CsvOptions options_;
  bool at_row_start_ = true;
};

}  // namespace rally::importexport
