// Contact: the record at the heart of Rally (DESIGN.md §2), as a value, and its JSON form.
//
// JSON (DESIGN.md §4), flat:
//   {"id","email","additional_emails":[...],"first_name",...,"phone","phone_e164","mobile",
//    "mobile_e164",...,"company":{"id","name"}|null,"owner":{"id","email","name"}|null,
//    "lifecycle_stage":"lead","lead_score":42,"band":"warm","tags":["Inbound"],
//    "custom":{"industry":"Retail"},"created_at","updated_at","last_activity_at"|null}
//   plus "deleted_at" on a soft-deleted contact.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"

namespace rally::contacts {

struct CompanyRef {
  Id id = 0;
  std::string name;
};

struct OwnerRef {
  Id id = 0;
  std::string email;
  std::string name;
};

struct TagRef {
  Id id = 0;
  std::string name;  // display form (the spelling of its first use)
  std::string norm;  // case-folded match key
};

struct Contact {
  Id id = 0;
  Id workspace_id = 0;
  std::string email;                           // primary, display form
  std::vector<std::string> additional_emails;  // display forms, in order
  std::optional<std::string> first_name, last_name;
  std::optional<std::string> phone, phone_e164;    // raw as typed; E.164 when it parses
  std::optional<std::string> mobile, mobile_e164;
  std::optional<std::string> title, department;
  std::optional<std::string> linkedin, twitter;    // normalized URLs
  std::optional<std::string> street, city, state, postal_code, country;
  std::optional<std::string> lead_source;
  std::optional<CompanyRef> company;
  std::optional<OwnerRef> owner;
  int lifecycle_stage = 0;  // index into fields::kLifecycleStages
  int lead_score = 0;       // 0..100
  std::vector<TagRef> tags;  // sorted by norm
  json::object custom;       // custom field key -> normalized value (fields/field.h)
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<Micros> last_activity_at;
  std::optional<Micros> deleted_at;
};

// The plain text built-ins, stored as given after their field type's normalization (phone and
// mobile raw; their E.164 columns are derived). Keys are the fields::BuiltinContactFields keys
// and the column names.
struct TextColumn {
  std::string_view key;
  std::optional<std::string> Contact::*member;
};
std::span<const TextColumn> TextColumns();
const TextColumn* FindTextColumn(std::string_view key);

json::object ContactToJson(const Contact& c);

}  // namespace rally::contacts
