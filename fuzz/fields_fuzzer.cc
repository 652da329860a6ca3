// Fuzz target for the field-type parsers of fields/field.h: ParseText/ParseValue for every
// built-in field and each custom field type, NormalizeEmail, NormalizeUrl and PhoneToE164.
// Every CSV cell, CLI flag, filter term and API value of a contact goes through these.
//
// Input: byte 0 picks the field definition, byte 1 the URL kind and phone region, the rest is
// the text.
//
// Invariants:
//   - A normalized value is a fixed point: ParseText(FormatText(v)) == v and ParseValue(v) == v,
//     and its JSON kind is the one its type promises (string, number, bool or null).
//   - Errors name the field, use a documented code, and (for UTF-8 input) carry valid UTF-8
//     messages, since they are sent back as JSON.
//   - NormalizeEmail: display is the trimmed input; the key is valid UTF-8 and normalizing the
//     display or the key again gives the same key (the key is refused only when case folding
//     took it past the length limits).
//   - NormalizeUrl is idempotent and returns an http(s) URL.
//   - PhoneToE164 returns "+" and digits, and is idempotent from any region.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "base/strings.h"
#include "fields/builtin_fields.h"
#include "fields/field.h"
#include "fuzz_check.h"

namespace rally {
namespace {

fields::FieldDef Custom(std::string key, fields::FieldType type) {
  fields::FieldDef d;
  d.key = std::move(key);
  d.label = d.key;
  d.type = type;
  d.custom = true;
  return d;
}

// The built-in contact fields, then one custom field per custom type (as CustomFieldService
// makes them), then a bounded number as a stricter case.
const std::vector<fields::FieldDef>& Defs() {
  static const std::vector<fields::FieldDef> defs = [] {
    std::vector<fields::FieldDef> out = fields::BuiltinContactFields();
    out.push_back(Custom("industry", fields::FieldType::kText));
    out.push_back(Custom("employees", fields::FieldType::kNumber));
    out.push_back(Custom("renewal", fields::FieldType::kDate));
    out.push_back(Custom("vip", fields::FieldType::kBoolean));
    fields::FieldDef tier = Custom("tier", fields::FieldType::kSelect);
    tier.options = {"Gold", "Silver", "Bronze", "Très bien", "İstanbul"};
    out.push_back(tier);
    fields::FieldDef bounded = Custom("rating", fields::FieldType::kNumber);
    bounded.min = -5;
    bounded.max = 5.5;
    out.push_back(bounded);
    return out;
  }();
  return defs;
}

constexpr std::string_view kRegions[] = {"US", "GB", "DE", "FR", "IN", "BR", "JP",
                                         "AU", "CH", "IT", "",   "ZZ", "us"};
constexpr std::string_view kErrorCodes[] = {"invalid", "out_of_range", "too_long", "not_an_option",
                                            "required"};

bool KnownCode(std::string_view code) {
  for (std::string_view c : kErrorCodes)
    if (c == code) return true;
  return false;
}

// A failed parse of `field`: one detail naming it with a documented code; messages valid UTF-8
// whenever the input was.
void CheckError(const Status& s, std::string_view field, std::string_view input) {
  FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument, input);
  FUZZ_CHECK(s.details().size() == 1, input);
  FUZZ_CHECK(s.details()[0].field == field, input);
  FUZZ_CHECK(KnownCode(s.details()[0].code), input);
  if (IsValidUtf8(input)) {
    FUZZ_CHECK(IsValidUtf8(s.message()), input);
    FUZZ_CHECK(IsValidUtf8(s.details()[0].message), input);
  }
}

bool KindFits(const fields::FieldDef& def, const json::value& v) {
  if (v.is_null()) return true;
  switch (def.type) {
    case fields::FieldType::kNumber:
      return v.is_int64() || v.is_double();
    case fields::FieldType::kBoolean:
      return v.is_bool();
    default:
      return v.is_string();
  }
}

void CheckParseText(const fields::FieldDef& def, std::string_view text) {
  Result<json::value> parsed = fields::ParseText(def, text);
  if (!parsed.ok()) {
    CheckError(parsed.status(), def.Path(), text);
    return;
  }
  const json::value& v = *parsed;
  FUZZ_CHECK(KindFits(def, v), text);
  FUZZ_CHECK_OK(ParseJson(ToJson(v)), text);  // values are stored and sent as JSON
  FUZZ_CHECK(v.is_null() == Trim(text).empty(), text);
  if (v.is_string()) {
    std::string_view s = v.get_string();
    FUZZ_CHECK(IsValidUtf8(s), text);
    if (def.type == fields::FieldType::kText || def.type == fields::FieldType::kPhone)
      FUZZ_CHECK(s.size() <= def.max_length, text);
    if (def.type == fields::FieldType::kDate) FUZZ_CHECK(ParseDate(s).has_value(), text);
    if (def.type == fields::FieldType::kSelect) {
      bool is_option = false;
      for (const std::string& o : def.options) is_option = is_option || o == s;
      FUZZ_CHECK(is_option, text);
    }
  }
  if (v.is_int64() || v.is_double()) {
    double d = v.is_int64() ? static_cast<double>(v.get_int64()) : v.get_double();
    FUZZ_CHECK(!def.min || d >= *def.min, text);
    FUZZ_CHECK(!def.max || d <= *def.max, text);
  }

  std::string formatted = fields::FormatText(def, v);
  Result<json::value> again = fields::ParseText(def, formatted);
  FUZZ_CHECK_OK(again, text);
  FUZZ_CHECK(*again == v, text);
  FUZZ_CHECK(fields::FormatText(def, *again) == formatted, text);

  Result<json::value> from_json = fields::ParseValue(def, v);
  FUZZ_CHECK_OK(from_json, text);
  FUZZ_CHECK(*from_json == v, text);
}

void CheckEmail(std::string_view text) {
  Result<fields::NormalizedEmail> e = fields::NormalizeEmail(text, "email");
  if (!e.ok()) {
    CheckError(e.status(), "email", text);
    return;
  }
  FUZZ_CHECK(e->display == Trim(text), text);
  FUZZ_CHECK(IsValidUtf8(e->display) && IsValidUtf8(e->key), text);
  FUZZ_CHECK(e->key.find('@') != std::string::npos, text);
  auto from_display = fields::NormalizeEmail(e->display, "email");
  FUZZ_CHECK(from_display.ok() && from_display->key == e->key, text);
  // Case folding may lengthen the local part ("İ" is 2 bytes, its folding 3), so the key of a
  // maximal address can be over the length limits; apart from that it is an address whose key
  // is itself.
  auto from_key = fields::NormalizeEmail(e->key, "email");
  size_t local_bytes = e->key.rfind('@');
  if (local_bytes <= 64 && e->key.size() <= 254) FUZZ_CHECK_OK(from_key, text);
  if (from_key.ok()) FUZZ_CHECK(from_key->key == e->key, text);
}

void CheckUrl(std::string_view text, fields::UrlKind kind) {
  Result<std::string> url = fields::NormalizeUrl(text, kind, "url");
  if (!url.ok()) {
    CheckError(url.status(), "url", text);
    return;
  }
  FUZZ_CHECK(url->starts_with("https://") || url->starts_with("http://"), text);
  if (IsValidUtf8(text)) FUZZ_CHECK(IsValidUtf8(*url), text);
  Result<std::string> again = fields::NormalizeUrl(*url, kind, "url");
  FUZZ_CHECK_OK(again, text);
  FUZZ_CHECK(*again == *url, text);
}

void CheckPhone(std::string_view text, std::string_view region) {
  std::optional<std::string> e164 = fields::PhoneToE164(text, region);
  if (!e164) return;
  std::string shown = std::string(text) + " (region " + std::string(region) + ") -> " + *e164;
  FUZZ_CHECK(e164->size() >= 2 && e164->size() <= 16 && (*e164)[0] == '+', shown);
  for (size_t i = 1; i < e164->size(); ++i)
    FUZZ_CHECK((*e164)[i] >= '0' && (*e164)[i] <= '9', shown);
  // An E.164 number carries its country code, so every region reads it the same way.
  FUZZ_CHECK(fields::PhoneToE164(*e164, region) == e164, shown);
  FUZZ_CHECK(fields::PhoneToE164(*e164, "JP") == e164, shown);
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 2) return 0;
  const auto& defs = Defs();
  const fields::FieldDef& def = defs[data[0] % defs.size()];
  uint8_t pick = data[1];
  std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);

  CheckParseText(def, text);
  switch (def.type) {
    case fields::FieldType::kEmail:
      CheckEmail(text);
      break;
    case fields::FieldType::kUrl:
      CheckUrl(text, static_cast<fields::UrlKind>(pick % 3));
      break;
    case fields::FieldType::kPhone:
      CheckPhone(text, kRegions[pick % std::size(kRegions)]);
      break;
    default:
      break;
  }
  return 0;
}
