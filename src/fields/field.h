// The field-type mechanism shared by built-in and custom fields (STYLE.md rule 8): one
// definition type, one parser per type, used by the API, imports, the CLI, filters and exports.
//
// A field value is held as JSON in its normalized form:
//   text, email, phone, url, select -> string   number -> number   boolean -> bool
//   date -> "YYYY-MM-DD" string                  empty -> null
//
// Thread safety: pure functions over immutable definitions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace rally::fields {

enum class FieldType { kText, kNumber, kDate, kBoolean, kSelect, kEmail, kPhone, kUrl };

std::string_view FieldTypeName(FieldType t);  // "text", "number", ...
std::optional<FieldType> ParseFieldType(std::string_view name);
// The types a custom field may have: text, number, date, boolean, select.
bool IsCustomFieldType(FieldType t);

// Which social network a url field holds, for handle -> URL normalization.
enum class UrlKind { kGeneric, kLinkedIn, kTwitter };

struct FieldDef {
  std::string key;    // "first_name"; for custom fields the bare key ("industry")
  std::string label;  // "First name"
  FieldType type = FieldType::kText;
  bool custom = false;
  std::vector<std::string> options;  // select: the allowed values, in display order
  size_t max_length = 1000;          // text-like types, in bytes
  std::optional<double> min, max;    // number
  bool integer = false;              // number: whole numbers only
  UrlKind url_kind = UrlKind::kGeneric;

  // The name used in errors and in JSON paths: "email" or "custom.industry".
  std::string Path() const { return custom ? "custom." + key : key; }
};

// Parses a value from JSON input (API bodies). null, "" and blank strings give null (which
// clears the field). Numbers may come as JSON numbers or numeric strings; booleans as true/
// false or "true"/"false"/"yes"/"no"/"1"/"0"; dates as "YYYY-MM-DD"; select values match an
// option case-insensitively and normalize to the option's own spelling.
// Errors: invalid_argument with one FieldError{def.Path(), code, message}, code one of
// "invalid" (wrong type or format), "out_of_range", "too_long", "not_an_option".
Result<json::value> ParseValue(const FieldDef& def, const json::value& input);

// The same from text (CSV cells, CLI flags, filter terms).
Result<json::value> ParseText(const FieldDef& def, std::string_view text);

// The text form of a normalized value ("" for null): the inverse of ParseText.
std::string FormatText(const FieldDef& def, const json::value& value);

// --- Normalizers used by the types above and by matching code ---

struct NormalizedEmail {
  std::string display;  // trimmed, otherwise as typed
  std::string key;      // the match key: case-folded local part @ ASCII (punycode) domain
};
// A practical RFC 5322 addr-spec: dot-atom or quoted local part, a domain of at least two
// labels (IDN allowed, converted with UTS #46), no display names or comments.
// Errors: invalid_argument, field "email", code "invalid" (or "required" when blank).
Result<NormalizedEmail> NormalizeEmail(std::string_view input, std::string_view field = "email");

// E.164 form of a phone number, parsed with libphonenumber using `default_region` (ISO 3166
// alpha-2, e.g. "US") for numbers without a country code. nullopt when it does not parse as a
// possible number or has more than E.164's 15 digits: callers keep the raw text and store no
// E.164.
std::optional<std::string> PhoneToE164(std::string_view raw, std::string_view default_region);

// A LinkedIn or Twitter/X handle or URL as a canonical https URL:
//   "adalovelace", "@adalovelace", "linkedin.com/in/adalovelace/" ->
//   "https://www.linkedin.com/in/adalovelace"; "@ada" -> "https://x.com/ada".
// Generic URLs get a scheme when missing. Errors: invalid_argument, code "invalid".
Result<std::string> NormalizeUrl(std::string_view input, UrlKind kind, std::string_view field);

}  // namespace rally::fields
