// Fuzz target for the .xlsx reader (importexport/xlsx_reader.h): the zip layer with its
// limits, and the XML parts (workbook, styles, shared strings, sheet) through expat.
//
// Input: byte 0 picks the mode.
//   even: the rest is a whole .xlsx file (OpenXlsxReaderFromMemory).
//   odd:  the rest is XML parts separated by "|||", in the order xl/worksheets/sheet1.xml,
//         xl/sharedStrings.xml, xl/styles.xml, xl/workbook.xml, read from a MemoryPackage (so
//         mutations reach the XML handlers instead of breaking zip checksums). A missing
//         workbook part is replaced by one naming a single sheet.
//   bit 1 of byte 0: small limits; bit 2: header_row 2; bit 3: sheet "Data".
//
// Invariants:
//   - Open and Next fail only with invalid_argument, not_found or too_large, with valid UTF-8
//     messages; once Next fails or ends it keeps doing so.
//   - Cells and header cells are valid UTF-8 within max_cell_bytes; a row has at least the
//     header's cells, more only with a row error; row numbers lie within 1..1048576.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/strings.h"
#include "fuzz_check.h"
#include "importexport/row_reader.h"
#include "importexport/xlsx_package.h"
#include "importexport/xlsx_reader.h"

namespace rally {
namespace {

using importexport::ReaderOptions;

constexpr std::string_view kDefaultWorkbook =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

bool KnownCode(StatusCode c) {
  return c == StatusCode::kInvalidArgument || c == StatusCode::kTooLarge ||
         c == StatusCode::kNotFound;
}

void CheckStatus(const Status& s, std::string_view input) {
  FUZZ_CHECK(KnownCode(s.code()), input);
  FUZZ_CHECK(IsValidUtf8(s.message()), input);
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input.substr(1);

  ReaderOptions options;
  if (mode & 2) {
    options.max_cell_bytes = 64;
    options.max_row_bytes = 256;
    options.max_columns = 8;
    options.max_inflated_bytes = 1 << 16;
    options.max_shared_strings_bytes = 512;
  }
  if (mode & 4) options.header_row = 2;
  if (mode & 8) options.sheet = "Data";

  auto open = [&]() -> Result<std::unique_ptr<importexport::RowReader>> {
    if ((mode & 1) == 0) return importexport::OpenXlsxReaderFromMemory(rest, options);
    static constexpr std::string_view kNames[] = {"xl/worksheets/sheet1.xml",
                                                  "xl/sharedStrings.xml", "xl/styles.xml",
                                                  "xl/workbook.xml"};
    std::map<std::string, std::string> parts;
    std::string_view left = rest;
    for (size_t i = 0; i < std::size(kNames); ++i) {
      size_t sep = left.find("|||");
      parts[std::string(kNames[i])] = std::string(left.substr(0, sep));
      if (sep == std::string_view::npos) break;
      left.remove_prefix(sep + 3);
    }
    if (!parts.contains("xl/workbook.xml")) parts["xl/workbook.xml"] = kDefaultWorkbook;
    return importexport::OpenXlsxPackage(importexport::MemoryPackage(std::move(parts)), options);
  };
  auto opened = open();
  if (!opened.ok()) {
    CheckStatus(opened.status(), input);
    return 0;
  }
  importexport::RowReader& reader = **opened;
  const importexport::Detected& d = reader.Detected();
  FUZZ_CHECK(d.format == importexport::FileFormat::kXlsx, input);
  FUZZ_CHECK(!d.sheets.empty(), input);
  for (const std::string& h : d.header) {
    FUZZ_CHECK(IsValidUtf8(h), input);
    FUZZ_CHECK(h.size() <= options.max_cell_bytes, input);
  }
  for (const std::string& s : d.sheets) FUZZ_CHECK(IsValidUtf8(s), input);
  importexport::Row row;
  while (true) {
    auto more = reader.Next(row);
    if (!more.ok()) {
      CheckStatus(more.status(), input);
      FUZZ_CHECK(!reader.Next(row).ok(), input);
      break;
    }
    if (!*more) {
      auto again = reader.Next(row);
      FUZZ_CHECK(again.ok() && !*again, input);
      break;
    }
    FUZZ_CHECK(row.number >= 1 && row.number <= 1048576, input);
    FUZZ_CHECK(row.number == row.line, input);
    FUZZ_CHECK(row.cells.size() >= d.header.size(), input);
    if (row.cells.size() > d.header.size()) FUZZ_CHECK(!row.error.ok(), input);
    for (const std::string& c : row.cells) {
      FUZZ_CHECK(IsValidUtf8(c), input);
      FUZZ_CHECK(c.size() <= options.max_cell_bytes, input);
    }
  }
  return 0;
}
