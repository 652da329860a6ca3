// The .xlsx side of RowReader (row_reader.h has the contract): the pieces tests and the fuzz
// target reach below OpenXlsxReader.
//
// What an .xlsx cell becomes: shared and inline strings as their text (rich-text runs joined,
// phonetic guides left out, _xHHHH_ escapes decoded); numbers via excel_format.h (ISO dates and
// times when the cell's number format is a date or time format, in the workbook's 1900 or 1904
// system); booleans as TRUE/FALSE; errors as their text (#N/A); formulas as their cached value
// (a formula Excel never calculated reads as empty). Rows and cells the sheet leaves out are
// empty.
//
// Thread safety: a reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "importexport/row_reader.h"
#include "importexport/xlsx_package.h"

namespace rally::importexport {

// The workbook's shared strings, in one arena: string i is arena[ends[i-1], ends[i]).
struct SharedStrings {
  std::string arena;
  std::vector<uint64_t> ends;

  size_t size() const { return ends.size(); }
  // REQUIRES: i < size()
  std::string_view Get(size_t i) const {
    uint64_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(arena).substr(begin, ends[i] - begin);
  }
};

// A reader over an opened package (a zip, or MemoryPackage in tests and the fuzzer). Errors as
// OpenXlsxReader's.
Result<std::unique_ptr<RowReader>> OpenXlsxPackage(std::unique_ptr<Package> package,
                                                   const ReaderOptions& options);

}  // namespace rally::importexport
