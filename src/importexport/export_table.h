// The shape of an export's rows, shared by the export service and the CSV and XLSX writers:
// typed columns and typed cells, so CSV writes each value's text and XLSX stores numbers,
// dates and booleans as such.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rally::importexport {

enum class CellType {
  kText,    // text (CSV: formula-protected when it looks like one; XLSX: a string, never a formula)
  kNumber,  // `number`; text holds its canonical form ("42", "3.5")
  kDate,    // a calendar date: `days` since 1970-01-01; text "2026-01-31"
  kTimestamp,  // an instant: `micros` since the epoch (UTC); text "2026-01-31T12:00:00.000Z"
  kBoolean,    // `boolean`; text "true" / "false"
};

struct ExportColumn {
  std::string key;    // the column's name in the file: a field key ("email", "custom.industry")
  std::string label;  // for people ("Email", "Industry"); the UI's column picker shows it
  CellType type = CellType::kText;
  double width = 16;  // XLSX column width in characters
};

struct Cell {
  CellType type = CellType::kText;
  bool empty = true;  // no value (an empty CSV field, a blank XLSX cell)
  std::string text;   // the value's text form, always set when !empty
  double number = 0;
  int64_t micros = 0;
  int32_t days = 0;
  bool boolean = false;

  void Clear() {
    empty = true;
    text.clear();
  }
};

}  // namespace rally::importexport
