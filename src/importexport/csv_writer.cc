#include "importexport/csv_writer.h"

#include "base/strings.h"

namespace rally::importexport {

Result<char> ParseDelimiter(std::string_view text, std::string_view field) {
  std::string t = AsciiLower(text);
  if (t == "," || t == "comma") return ',';
  if (t == ";" || t == "semicolon") return ';';
  if (t == "\t" || t == "tab" || t == "\\t") return '\t';
  if (t == "|" || t == "pipe") return '|';
  return FieldInvalid(std::string(field), "invalid",
                      "delimiter must be one of , ; tab | (got \"" + ToValidUtf8(text) + "\")");
}

bool LooksLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void CsvWriter::Begin(std::string& out) const {
  if (options_.bom) out += "\xEF\xBB\xBF";
}

void CsvWriter::Field(std::string& out, std::string_view value, Kind kind) {
  if (!at_row_start_) out += options_.delimiter;
  at_row_start_ = false;
  bool protect = kind == Kind::kText && options_.protect_formulas && LooksLikeFormula(value);
  bool quote = !value.empty() && (value.front() == ' ' || value.back() == ' ');
  if (!quote) {
    for (char c : value) {
      if (c == options_.delimiter || c == '"' || c == '\n' || c == '\r') {
        quote = true;
        break;
      }
    }
  }
  if (!quote) {
    if (protect) out += '\'';
    out += value;
    return;
  }
  out += '"';
  if (protect) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void CsvWriter::EndRow(std::string& out) {
  out += "\r\n";
  at_row_start_ = true;
}

}  // namespace rally::importexport
