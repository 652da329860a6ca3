// Fuzz target for the CSV reader (importexport/row_reader.h, OpenCsvReader): encoding
// detection and decoding, delimiter and header sniffing, the quote state machine and limits.
//
// Input: byte 0 picks options (bits 0-2: delimiter unset , ; TAB |; bits 3-5: encoding unset,
// utf-8, utf-16le, utf-16be, windows-1252; bit 6: small limits; bit 7: header_row 2), byte 1
// the sample size of the second read below; the rest is the file.
//
// Invariants:
//   - Open and Next fail only with the documented codes, with valid UTF-8 messages.
//   - Every header and data cell is valid UTF-8 and within max_cell_bytes; a row has at least
//     the header's cells, more only with a row error; row numbers increase and lines never
//     go back.
//   - Once Next returns false it keeps returning false.
//   - Chunking does not matter: read again with the detected encoding, delimiter and header
//     row forced and a tiny sample (so the chunk boundaries move), the rows are the same.
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/strings.h"
#include "fuzz_check.h"
#include "importexport/row_reader.h"

namespace rally {
namespace {

using importexport::ReaderOptions;
using importexport::Row;
using importexport::RowReader;
using importexport::TextEncoding;

struct Read {
  Status open;
  importexport::Detected detected;
  std::vector<Row> rows;
  Status end;
};

bool KnownCode(StatusCode c) {
  return c == StatusCode::kInvalidArgument || c == StatusCode::kTooLarge;
}

Read ReadAll(std::string_view file, const ReaderOptions& options, std::string_view input) {
  Read out;
  auto opened = importexport::OpenCsvReader(
      std::make_unique<std::istringstream>(std::string(file)), options);
  if (!opened.ok()) {
    out.open = opened.status();
    FUZZ_CHECK(KnownCode(out.open.code()), input);
    FUZZ_CHECK(IsValidUtf8(out.open.message()), input);
    return out;
  }
  RowReader& reader = **opened;
  out.detected = reader.Detected();
  for (const std::string& h : out.detected.header) {
    FUZZ_CHECK(IsValidUtf8(h), input);
    FUZZ_CHECK(h.size() <= options.max_cell_bytes, input);
  }
  FUZZ_CHECK(out.detected.header_row >= 0, input);
  FUZZ_CHECK((out.detected.header_row == 0) == out.detected.header.empty(), input);
  Row row;
  int64_t last_number = out.detected.header_row;
  int64_t last_line = 0;
  while (true) {
    auto more = reader.Next(row);
    if (!more.ok()) {
      out.end = more.status();
      FUZZ_CHECK(KnownCode(out.end.code()), input);
      FUZZ_CHECK(IsValidUtf8(out.end.message()), input);
      auto again = reader.Next(row);
      FUZZ_CHECK(!again.ok(), input);
      break;
    }
    if (!*more) {
      auto again = reader.Next(row);
      FUZZ_CHECK(again.ok() && !*again, input);
      break;
    }
    FUZZ_CHECK(row.number > last_number, input);
    FUZZ_CHECK(row.line >= last_line && row.line >= 1, input);
    FUZZ_CHECK(row.line <= row.number + static_cast<int64_t>(file.size()), input);
    last_number = row.number;
    last_line = row.line;
    FUZZ_CHECK(row.cells.size() >= out.detected.header.size(), input);
    if (row.cells.size() > out.detected.header.size()) FUZZ_CHECK(!row.error.ok(), input);
    if (!row.error.ok()) FUZZ_CHECK(IsValidUtf8(row.error.message()), input);
    size_t bytes = 0;
    for (const std::string& c : row.cells) {
      FUZZ_CHECK(IsValidUtf8(c), input);
      FUZZ_CHECK(c.size() <= options.max_cell_bytes, input);
      bytes += c.size();
    }
    FUZZ_CHECK(bytes <= options.max_row_bytes, input);
    out.rows.push_back(row);
  }
  out.detected.windows1252_fallback_bytes = reader.Detected().windows1252_fallback_bytes;
  return out;
}

bool SameRows(const std::vector<Row>& a, const std::vector<Row>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].number != b[i].number || a[i].line != b[i].line || a[i].cells != b[i].cells ||
        a[i].error.ok() != b[i].error.ok())
      return false;
  }
  return true;
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const uint8_t sample = data[1];
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view file = input.substr(2);

  ReaderOptions options;
  constexpr char kDelims[] = {0, ',', ';', '\t', '|', ',', ';', '\t'};
  if (char d = kDelims[mode & 7]) options.delimiter = d;
  constexpr int kEnc[] = {-1, 0, 2, 3, 4, -1, 0, 4};
  if (int e = kEnc[(mode >> 3) & 7]; e >= 0) options.encoding = static_cast<TextEncoding>(e);
  if (mode & 0x40) {
    options.max_cell_bytes = 64;
    options.max_row_bytes = 256;
    options.max_columns = 8;
  }
  if (mode & 0x80) options.header_row = 2;

  Read first = ReadAll(file, options, input);
  if (!first.open.ok()) return 0;

  // The same file, detection forced to what was found, chunks cut elsewhere.
  ReaderOptions forced = options;
  forced.encoding = first.detected.encoding;
  forced.delimiter = first.detected.delimiter;
  forced.header_row = first.detected.header_row;
  forced.sample_bytes = 4 + sample % 61;
  if (first.detected.header_row == 0) return 0;  // nothing to compare
  Read second = ReadAll(file, forced, input);
  FUZZ_CHECK(second.open.ok(), input);
  FUZZ_CHECK(second.detected.header == first.detected.header, input);
  FUZZ_CHECK(second.end.code() == first.end.code(), input);
  FUZZ_CHECK(SameRows(first.rows, second.rows), input);
  // (After an error the decoder may have read different amounts ahead.)
  if (first.end.ok())
    FUZZ_CHECK(second.detected.windows1252_fallback_bytes ==
                   first.detected.windows1252_fallback_bytes,
               input);
  return 0;
}
