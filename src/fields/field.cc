#include "fields/field.h"

#include <charconv>
#include <cmath>

#include "base/clock.h"
#include "base/strings.h"

namespace rally::fields {
namespace {

constexpr std::string_view kTypeNames[] = {"text",    "number", "date",  "boolean",
                                           "select",  "email",  "phone", "url"};

Status Invalid(const FieldDef& def, std::string code, std::string message) {
  return FieldInvalid(def.Path(), std::move(code), def.Path() + ": " + message);
}

// Messages go out as JSON, so the cut must not split a character (and input is valid UTF-8
// here: ParseTextImpl checks first).
std::string Quote(std::string_view s) {
  return "\"" + std::string(TruncateUtf8(s, 60)) + (s.size() > 60 ? "..." : "") + "\"";
}

// Parses a decimal number strictly (the whole string, finite).
std::optional<double> ParseNumber(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Result<json::value> NumberValue(const FieldDef& def, double v, std::string_view shown) {
  // JSON built in C++ (not through ParseJson) may hold an infinity; it has no JSON form.
  if (!std::isfinite(v)) return Invalid(def, "invalid", Quote(shown) + " is out of range");
  if (def.integer && v != std::floor(v))
    return Invalid(def, "invalid", Quote(shown) + " is not a whole number");
  if ((def.min && v < *def.min) || (def.max && v > *def.max)) {
    std::string range = def.min && def.max ? "between " + FormatText(def, json::value(*def.min)) +
                                                 " and " + FormatText(def, json::value(*def.max))
                        : def.min ? "at least " + FormatText(def, json::value(*def.min))
                                  : "at most " + FormatText(def, json::value(*def.max));
    return Invalid(def, "out_of_range", Quote(shown) + " must be " + range);
  }
  // Whole numbers are kept as integers so they render as "1000000", not "1e6".
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return json::value(static_cast<int64_t>(v));
  return json::value(v);
}

Result<json::value> ParseTextImpl(const FieldDef& def, std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.empty()) return json::value(nullptr);
  if (!IsValidUtf8(s)) return Invalid(def, "invalid", "is not valid UTF-8 text");
  switch (def.type) {
    case FieldType::kText:
    case FieldType::kPhone: {
      if (s.size() > def.max_length)
        return Invalid(def, "too_long", "longer than " + std::to_string(def.max_length) + " bytes");
      // Control characters other than tab and line breaks are never meant (a NUL in a name
      // truncates it in C tools and spreadsheets); refuse them rather than store them.
      for (unsigned char c : s)
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
          return Invalid(def, "invalid", "holds a control character");
      return json::value(json::string(s));
    }
    case FieldType::kEmail: {
      RALLY_ASSIGN_OR_RETURN(NormalizedEmail e, NormalizeEmail(s, def.Path()));
      return json::value(json::string(e.display));
    }
    case FieldType::kUrl: {
      RALLY_ASSIGN_OR_RETURN(std::string url, NormalizeUrl(s, def.url_kind, def.Path()));
      return json::value(json::string(url));
    }
    case FieldType::kNumber: {
      auto v = ParseNumber(s);
      if (!v) return Invalid(def, "invalid", Quote(s) + " is not a number");
      return NumberValue(def, *v, s);
    }
    case FieldType::kDate: {
      // A full timestamp is accepted and cut to its (UTC) date.
      auto d = ParseDate(s.substr(0, 10));
      if (!d || (s.size() > 10 && !ParseTimestamp(s)))
        return Invalid(def, "invalid", Quote(s) + " is not a date (YYYY-MM-DD)");
      return json::value(json::string(FormatDate(*d)));
    }
    case FieldType::kBoolean: {
      std::string v = AsciiLower(s);
      if (v == "true" || v == "yes" || v == "y" || v == "1") return json::value(true);
      if (v == "false" || v == "no" || v == "n" || v == "0") return json::value(false);
      return Invalid(def, "invalid", Quote(s) + " is not true or false");
    }
    case FieldType::kSelect: {
      std::string folded = CaseFold(CollapseSpaces(s));
      for (const std::string& opt : def.options)
        if (CaseFold(opt) == folded) return json::value(json::string(opt));
      std::string allowed;
      for (const std::string& opt : def.options) allowed += (allowed.empty() ? "" : ", ") + opt;
      return Invalid(def, "not_an_option", Quote(s) + " is not one of: " + allowed);
    }
  }
  return Invalid(def, "invalid", "unknown field type");
}

}  // namespace

std::string_view FieldTypeName(FieldType t) { return kTypeNames[static_cast<int>(t)]; }

std::optional<FieldType> ParseFieldType(std::string_view name) {
  std::string lower = AsciiLower(Trim(name));
  for (size_t i = 0; i < std::size(kTypeNames); ++i)
    if (kTypeNames[i] == lower) return static_cast<FieldType>(i);
  return std::nullopt;
}

bool IsCustomFieldType(FieldType t) {
  return t == FieldType::kText || t == FieldType::kNumber || t == FieldType::kDate ||
         t == FieldType::kBoolean || t == FieldType::kSelect;
}

Result<json::value> ParseText(const FieldDef& def, std::string_view text) {
  return ParseTextImpl(def, text);
}

Result<json::value> ParseValue(const FieldDef& def, const json::value& input) {
  switch (input.kind()) {
    case json::kind::null:
      return json::value(nullptr);
    case json::kind::string:
      return ParseTextImpl(def, input.get_string());
    case json::kind::bool_:
      if (def.type == FieldType::kBoolean) return json::value(input.get_bool());
      if (def.type == FieldType::kText) return json::value(input.get_bool() ? "true" : "false");
      return Invalid(def, "invalid", "expected " + std::string(FieldTypeName(def.type)) + ", got a boolean");
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
      double v = input.is_double() ? input.get_double()
                 : input.is_int64() ? static_cast<double>(input.get_int64())
                                    : static_cast<double>(input.get_uint64());
      std::string shown = json::serialize(input);
      if (def.type == FieldType::kNumber) return NumberValue(def, v, shown);
      if (def.type == FieldType::kBoolean && (v == 0 || v == 1)) return json::value(v == 1);
      // A number where text is expected (a postal code, a phone) is taken as its digits.
      if (def.type == FieldType::kText || def.type == FieldType::kPhone ||
          def.type == FieldType::kSelect)
        return ParseTextImpl(def, shown);
      return Invalid(def, "invalid", "expected " + std::string(FieldTypeName(def.type)) + ", got a number");
    }
    case json::kind::array:
    case json::kind::object:
      return Invalid(def, "invalid",
                     "expected " + std::string(FieldTypeName(def.type)) + ", got " +
                         (input.is_array() ? "an array" : "an object"));
  }
  return Invalid(def, "invalid", "unsupported value");
}

std::string FormatText(const FieldDef& def, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "";
    case json::kind::string: return std::string(value.get_string());
    case json::kind::bool_: return value.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(value.get_int64());
    case json::kind::uint64: return std::to_string(value.get_uint64());
    case json::kind::double_: {
      double v = value.get_double();
      if (v == std::floor(v) && std::fabs(v) < 9.0e15) return std::to_string(static_cast<int64_t>(v));
      char buf[64];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, ptr);
    }
    default: return json::serialize(value);
  }
}

}  // namespace rally::fields
