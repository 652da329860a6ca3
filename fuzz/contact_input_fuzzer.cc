// Fuzz target for JSON request bodies: base ParseJson, then contacts::ParseContactInput, with
// and without the workspace's custom field definitions, for create and for patch.
//
// Input: byte 0 holds the mode bits, the rest is the body.
//   bit 0: create (email required) or patch
//   bit 1: with custom field definitions (one per custom type) or none
//   bit 2: the body as the API sees it (ParseJson: UTF-8 checked, depth limit), or as the CLI
//          and imports hand it over (a json::object whose strings may hold any bytes, as argv
//          and CSV cells can)
//
// Invariants:
//   - ParseJson: a parsed body serializes to JSON that parses to an equal value (doubles to a
//     relative 1e-15, see SameJson); errors name "body" with code malformed_json or too_deep.
//   - ParseContactInput: a parsed input never holds invalid UTF-8 (emails, text, tags, company,
//     owner, custom values); create always has an email; limits hold (tags, additional emails,
//     score 0..100, stage 0..4); custom keys are defined ones and their values serialize to
//     JSON that parses (they are stored as JSON text).
//   - The patch written back as input parses to the same patch (normalization is idempotent).
//   - Errors are invalid_argument with details using the documented codes, and, for UTF-8
//     input, valid UTF-8 messages (they are sent back as JSON).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/json.h"
#include "base/strings.h"
#include "contacts/contact.h"
#include "contacts/contact_input.h"
#include "fields/builtin_fields.h"
#include "fields/custom_fields.h"
#include "fuzz_check.h"

namespace rally {
namespace {

fields::CustomField Custom(Id id, std::string key, fields::FieldType type) {
  fields::CustomField f;
  f.id = id;
  f.def.key = std::move(key);
  f.def.label = f.def.key;
  f.def.type = type;
  f.def.custom = true;
  return f;
}

const std::vector<fields::CustomField>& CustomDefs() {
  static const std::vector<fields::CustomField> defs = [] {
    std::vector<fields::CustomField> out;
    out.push_back(Custom(1, "industry", fields::FieldType::kText));
    out.push_back(Custom(2, "employees", fields::FieldType::kNumber));
    out.push_back(Custom(3, "renewal", fields::FieldType::kDate));
    out.push_back(Custom(4, "vip", fields::FieldType::kBoolean));
    fields::CustomField tier = Custom(5, "tier", fields::FieldType::kSelect);
    tier.def.options = {"Gold", "Silver", "Bronze"};
    out.push_back(tier);
    return out;
  }();
  return defs;
}

constexpr std::string_view kCodes[] = {"required",      "invalid",       "out_of_range", "too_long",
                                       "not_an_option", "unknown_field", "too_many"};

struct Ctx {
  std::string_view input;  // shown when a check fails
  bool utf8_input;         // the body held only valid UTF-8 strings
};

void CheckText(const Ctx& ctx, std::string_view s) { FUZZ_CHECK(IsValidUtf8(s), ctx.input); }

void CheckJsonUtf8(const Ctx& ctx, const json::value& v) {
  if (v.is_string()) CheckText(ctx, v.get_string());
  FUZZ_CHECK(!v.is_array() && !v.is_object(), ctx.input);  // custom values are scalars
}

void CheckEmail(const Ctx& ctx, const fields::NormalizedEmail& e) {
  CheckText(ctx, e.display);
  CheckText(ctx, e.key);
  FUZZ_CHECK(!e.display.empty() && e.key.find('@') != std::string::npos, ctx.input);
}

void CheckTags(const Ctx& ctx, const std::vector<contacts::TagName>& tags) {
  FUZZ_CHECK(tags.size() <= contacts::kMaxTagsPerContact, ctx.input);
  for (size_t i = 0; i < tags.size(); ++i) {
    CheckText(ctx, tags[i].display);
    CheckText(ctx, tags[i].norm);
    FUZZ_CHECK(!tags[i].display.empty() && tags[i].display.size() <= contacts::kMaxTagBytes,
               ctx.input);
    FUZZ_CHECK(tags[i].display.find(',') == std::string::npos, ctx.input);
    FUZZ_CHECK(tags[i].norm == CaseFold(tags[i].display), ctx.input);
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(tags[i].norm != tags[j].norm, ctx.input);
  }
}

void CheckPatch(const Ctx& ctx, const contacts::ContactPatch& p, bool create,
                std::span<const fields::CustomField> defs) {
  if (create) FUZZ_CHECK(p.email.has_value(), ctx.input);
  if (p.email) CheckEmail(ctx, *p.email);
  if (p.additional_emails) {
    FUZZ_CHECK(p.additional_emails->size() <= contacts::kMaxAdditionalEmails, ctx.input);
    for (const auto& e : *p.additional_emails) CheckEmail(ctx, e);
  }
  for (const auto& [index, value] : p.text) {
    FUZZ_CHECK(index < contacts::TextColumns().size(), ctx.input);
    if (value) {
      CheckText(ctx, *value);
      FUZZ_CHECK(!value->empty(), ctx.input);
    }
  }
  if (p.lifecycle_stage) FUZZ_CHECK(*p.lifecycle_stage >= 0 && *p.lifecycle_stage < 5, ctx.input);
  if (p.lead_score) FUZZ_CHECK(*p.lead_score >= 0 && *p.lead_score <= 100, ctx.input);
  if (p.company && *p.company) {
    const contacts::CompanyInput& c = **p.company;
    FUZZ_CHECK(c.id.has_value() || !c.name.empty(), ctx.input);
    if (c.id) FUZZ_CHECK(*c.id > 0, ctx.input);
    CheckText(ctx, c.name);
    if (c.domain) CheckText(ctx, *c.domain);
  }
  if (p.owner && *p.owner) {
    const contacts::OwnerInput& o = **p.owner;
    FUZZ_CHECK(o.id.has_value() != !o.email.empty(), ctx.input);
    if (o.id) FUZZ_CHECK(*o.id > 0, ctx.input);
    CheckText(ctx, o.email);
  }
  if (p.tags) CheckTags(ctx, *p.tags);
  CheckTags(ctx, p.add_tags);
  CheckTags(ctx, p.remove_tags);
  for (const auto& kv : p.custom) {
    bool defined = false;
    for (const auto& d : defs) defined = defined || d.def.key == kv.key();
    FUZZ_CHECK(defined, ctx.input);
    CheckJsonUtf8(ctx, kv.value());
    // Stored as JSON text, so it must have a JSON form.
    FUZZ_CHECK_OK(ParseJson(ToJson(kv.value())), ctx.input);
  }
}

void CheckError(const Ctx& ctx, const Status& s) {
  FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument, ctx.input);
  FUZZ_CHECK(!s.details().empty(), ctx.input);
  for (const FieldError& e : s.details()) {
    bool known = false;
    for (std::string_view c : kCodes) known = known || c == e.code;
    FUZZ_CHECK(known, ctx.input);
    if (ctx.utf8_input) {
      FUZZ_CHECK(IsValidUtf8(e.field), ctx.input);
      FUZZ_CHECK(IsValidUtf8(e.message), ctx.input);
    }
  }
  if (ctx.utf8_input) FUZZ_CHECK(IsValidUtf8(s.message()), ctx.input);
}

json::array TagArray(const std::vector<contacts::TagName>& tags) {
  json::array a;
  for (const auto& t : tags) a.emplace_back(json::string(t.display));
  return a;
}

// The patch written back as an input object: what a client echoing the normalized values
// would send.
contacts::ContactInput ToInput(const contacts::ContactPatch& p) {
  contacts::ContactInput in;
  if (p.email) in["email"] = p.email->display;
  if (p.additional_emails) {
    json::array a;
    for (const auto& e : *p.additional_emails) a.emplace_back(json::string(e.display));
    in["additional_emails"] = std::move(a);
  }
  for (const auto& [index, value] : p.text) {
    std::string key(contacts::TextColumns()[index].key);
    if (value)
      in[key] = *value;
    else
      in[key] = nullptr;
  }
  if (p.lifecycle_stage) in["lifecycle_stage"] = fields::LifecycleStageName(*p.lifecycle_stage);
  if (p.lead_score) in["lead_score"] = *p.lead_score;
  if (p.company) {
    if (!*p.company) {
      in["company"] = nullptr;
    } else {
      json::object c;
      if ((*p.company)->id)
        c["id"] = IdToString(*(*p.company)->id);
      else
        c["name"] = (*p.company)->name;
      if ((*p.company)->domain) c["domain"] = *(*p.company)->domain;
      in["company"] = std::move(c);
    }
  }
  if (p.owner) {
    if (!*p.owner)
      in["owner"] = nullptr;
    else if ((*p.owner)->id)
      in["owner"] = json::object{{"id", IdToString(*(*p.owner)->id)}};
    else
      in["owner"] = json::object{{"email", (*p.owner)->email}};
  }
  if (p.tags) in["tags"] = TagArray(*p.tags);
  if (!p.add_tags.empty()) in["add_tags"] = TagArray(p.add_tags);
  if (!p.remove_tags.empty()) in["remove_tags"] = TagArray(p.remove_tags);
  if (p.clear_custom)
    in["custom"] = nullptr;
  else if (!p.custom.empty())
    in["custom"] = p.custom;
  return in;
}

bool SameEmail(const fields::NormalizedEmail& a, const fields::NormalizedEmail& b) {
  return a.display == b.display && a.key == b.key;
}

bool SameTags(const std::vector<contacts::TagName>& a, const std::vector<contacts::TagName>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].display != b[i].display || a[i].norm != b[i].norm) return false;
  return true;
}

void CheckSamePatch(const Ctx& ctx, const contacts::ContactPatch& a,
                    const contacts::ContactPatch& b) {
  FUZZ_CHECK(a.email.has_value() == b.email.has_value(), ctx.input);
  if (a.email) FUZZ_CHECK(SameEmail(*a.email, *b.email), ctx.input);
  FUZZ_CHECK(a.additional_emails.has_value() == b.additional_emails.has_value(), ctx.input);
  if (a.additional_emails) {
    FUZZ_CHECK(a.additional_emails->size() == b.additional_emails->size(), ctx.input);
    for (size_t i = 0; i < a.additional_emails->size(); ++i)
      FUZZ_CHECK(SameEmail((*a.additional_emails)[i], (*b.additional_emails)[i]), ctx.input);
  }
  FUZZ_CHECK(a.text == b.text, ctx.input);
  FUZZ_CHECK(a.lifecycle_stage == b.lifecycle_stage, ctx.input);
  FUZZ_CHECK(a.lead_score == b.lead_score, ctx.input);
  FUZZ_CHECK(a.company.has_value() == b.company.has_value(), ctx.input);
  if (a.company) {
    FUZZ_CHECK(a.company->has_value() == b.company->has_value(), ctx.input);
    if (*a.company) {
      FUZZ_CHECK((*a.company)->id == (*b.company)->id, ctx.input);
      FUZZ_CHECK((*a.company)->name == (*b.company)->name, ctx.input);
      FUZZ_CHECK((*a.company)->domain == (*b.company)->domain, ctx.input);
    }
  }
  FUZZ_CHECK(a.owner.has_value() == b.owner.has_value(), ctx.input);
  if (a.owner) {
    FUZZ_CHECK(a.owner->has_value() == b.owner->has_value(), ctx.input);
    if (*a.owner) {
      FUZZ_CHECK((*a.owner)->id == (*b.owner)->id, ctx.input);
      FUZZ_CHECK((*a.owner)->email == (*b.owner)->email, ctx.input);
    }
  }
  FUZZ_CHECK(a.tags.has_value() == b.tags.has_value(), ctx.input);
  if (a.tags) FUZZ_CHECK(SameTags(*a.tags, *b.tags), ctx.input);
  FUZZ_CHECK(SameTags(a.add_tags, b.add_tags), ctx.input);
  FUZZ_CHECK(SameTags(a.remove_tags, b.remove_tags), ctx.input);
  FUZZ_CHECK(a.clear_custom == b.clear_custom, ctx.input);
  FUZZ_CHECK(a.custom == b.custom, ctx.input);
}

// Whether two doubles differ by a few units in the last place at most (a relative 1e-15).
bool CloseDoubles(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-15 * std::max(std::fabs(a), std::fabs(b));
}

// Equal JSON, except that doubles may differ in their last bits: Boost.JSON 1.81 does not round
// every decimal correctly (precise parsing came in 1.83), so a long literal such as 88 digits
// of 7s reads as a double 1 or 2 ULPs away from what its own serialization reads as. Numbers
// of up to 15 significant digits and ordinary exponents are exact.
bool SameJson(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) return CloseDoubles(a.get_double(), b.get_double());
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const json::array &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!SameJson(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const json::object &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const json::value* other = y.if_contains(kv.key());
      if (other == nullptr || !SameJson(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

// A body as the API sees it. Returns the object when it is one.
std::optional<json::object> ApiBody(std::string_view body) {
  Result<json::value> parsed = ParseJson(body);
  if (!parsed.ok()) {
    const Status& s = parsed.status();
    FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument && s.details().size() == 1, body);
    FUZZ_CHECK(s.details()[0].field == "body", body);
    FUZZ_CHECK(s.details()[0].code == "malformed_json" || s.details()[0].code == "too_deep", body);
    return std::nullopt;
  }
  std::string text = ToJson(*parsed);
  Result<json::value> again = ParseJson(text);
  FUZZ_CHECK_OK(again, body);
  FUZZ_CHECK(SameJson(*again, *parsed), body);
  if (!parsed->is_object()) return std::nullopt;
  return std::move(parsed->as_object());
}

// A body as the CLI or an importer builds it: any bytes in strings.
std::optional<json::object> RawBody(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  opts.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 1) return 0;
  const bool create = data[0] & 1;
  const bool with_custom = data[0] & 2;
  const bool raw = data[0] & 4;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::optional<json::object> input = raw ? RawBody(body) : ApiBody(body);
  if (!input) return 0;
  std::span<const fields::CustomField> defs;
  if (with_custom) defs = CustomDefs();
  // Without definitions, a "custom" key must still parse (into unknown_field errors).
  Ctx ctx{body, !raw || IsValidUtf8(body)};

  Result<contacts::ContactPatch> patch = contacts::ParseContactInput(*input, defs, create);
  if (!patch.ok()) {
    CheckError(ctx, patch.status());
    return 0;
  }
  CheckPatch(ctx, *patch, create, defs);

  contacts::ContactInput echoed = ToInput(*patch);
  Result<contacts::ContactPatch> again = contacts::ParseContactInput(echoed, defs, create);
  FUZZ_CHECK_OK(again, body);
  CheckSamePatch(ctx, *patch, *again);
  return 0;
}
