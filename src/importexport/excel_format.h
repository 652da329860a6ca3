// How an .xlsx cell's number reads as text: Excel stores dates as day counts ("serials") and
// only the cell's number format says that 45306 is 2024-01-15. These functions classify
// number formats and render values the way an import needs them: ISO dates and times, and
// plain numbers without float noise.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace rally::importexport {

enum class NumberKind {
  kNumber,    // rendered as a number
  kDate,      // YYYY-MM-DD
  kDateTime,  // YYYY-MM-DDTHH:MM:SS
  kTime,      // HH:MM:SS (the time of day)
  kDuration,  // H:MM:SS with hours past 24 ([h]:mm:ss, elapsed time)
};

// The kind of built-in format `num_fmt_id` when `format_code` is empty, else of the custom
// code. Built-ins: 14-17 and the East Asian date ids 27-31, 36, 50-58 dates, 18-21 and 45, 47
// times, 22 date-times, 46 durations. Custom codes: the first section's tokens outside quotes,
// escapes and [brackets]: d/y (and m without h/s) make a date, h/s (and m beside them) a time,
// both a date-time; [h] [m] [s] an elapsed duration.
NumberKind ClassifyNumberFormat(int num_fmt_id, std::string_view format_code);

// `value` is the text of a cell's <v> (a decimal number). Returns its rendering for `kind`;
// dates count from 1899-12-31 with Excel's phantom 1900-02-29 (serial 60, rendered as that
// text) or, with `date1904`, from 1904-01-01. Values that are not numbers, and serials outside
// 0..9999-12-31, come back as numbers (kNumber rendering) or, when unparseable, unchanged.
std::string FormatCellNumber(std::string_view value, NumberKind kind, bool date1904);

// A number as a spreadsheet user expects to see it: integers in full (up to 2^53), others
// with 15 significant digits ("0.30000000000000004" -> "0.3"). Unparseable text unchanged.
std::string FormatPlainNumber(std::string_view value);

}  // namespace rally::importexport
