// Contact input: the JSON a client (or an import, the CLI, a workflow) sends to create or change
// a contact, parsed and validated into a ContactPatch. Every built-in field goes through the
// fields mechanism (fields::ParseValue with fields::BuiltinContactFields()), custom values
// through the workspace's custom field definitions, so the rules are the same everywhere.
//
// Accepted keys (PATCH semantics: an absent key leaves the field alone, null clears it):
//   email                     required on create; cannot be cleared
//   additional_emails         array of emails (or a comma-separated string)
//   first_name ... lead_source  the built-in text, phone, url, select and number fields
//   company                   "Acme" (by name, created when new) | {"id":"123"} |
//                             {"name":"Acme","domain":"acme.com"} | null
//   owner                     "ada@example.com" | "123" (a user id) | {"id"} | {"email"} | null
//   lifecycle_stage           lead|qualified|opportunity|customer|evangelist, any case
//                             (null resets to lead)
//   lead_score                integer 0..100 (null resets to 0)
//   tags                      array or comma-separated string; replaces the set
//   add_tags, remove_tags     the same forms; add to or remove from the set
//   custom                    object of custom field key -> value (merged key by key; a null
//                             value removes that key); custom: null removes every value
// Read-only keys that a client may echo back are ignored: id, band, phone_e164, mobile_e164,
// created_at, updated_at, last_activity_at, deleted_at. Any other key is an error.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"
#include "contacts/contact.h"
#include "fields/custom_fields.h"
#include "fields/field.h"

namespace rally::contacts {

// The input is the JSON object itself; C++ callers build it with json::object{{"email", ...}}.
using ContactInput = json::object;

struct TagName {
  std::string display;  // trimmed, inner spaces collapsed
  std::string norm;     // display, case-folded
};
constexpr size_t kMaxTagBytes = 100;
constexpr size_t kMaxTagsPerContact = 100;
constexpr size_t kMaxAdditionalEmails = 20;

// Tags from an array of strings or one comma-separated string (commas separate tags in array
// items too): trimmed, inner spaces collapsed, empty ones dropped, duplicates
// (case-insensitive) dropped keeping the first spelling.
// Errors: invalid_argument naming `field` ("invalid" for other JSON, "too_long" per tag).
Result<std::vector<TagName>> ParseTags(const json::value& v, std::string_view field = "tags");
// One tag name. Errors as above; "required" when blank, "invalid" when it holds a comma.
Result<TagName> NormalizeTag(std::string_view text, std::string_view field = "tag");

struct CompanyInput {
  std::optional<Id> id;               // by id
  std::string name;                   // by name (already validated)
  std::optional<std::string> domain;  // only used when the company is created
};

struct OwnerInput {
  std::optional<Id> id;   // by id
  std::string email;      // by email, as given
};

// A validated change. Relations (company, owner) and tags are resolved against the database by
// ContactService.
struct ContactPatch {
  std::optional<fields::NormalizedEmail> email;
  std::optional<std::vector<fields::NormalizedEmail>> additional_emails;
  // (index into TextColumns(), new value or nullopt to clear)
  std::vector<std::pair<size_t, std::optional<std::string>>> text;
  std::optional<int> lifecycle_stage;
  std::optional<int> lead_score;
  std::optional<std::optional<CompanyInput>> company;  // set, or inner nullopt to clear
  std::optional<std::optional<OwnerInput>> owner;
  std::optional<std::vector<TagName>> tags;  // replaces the set
  std::vector<TagName> add_tags, remove_tags;
  bool clear_custom = false;
  json::object custom;  // key -> normalized value; null removes the key

  // Derived, not parsed: the E.164 forms of the phone and mobile this patch sets (nullopt when
  // it clears them or they do not parse). Filled by FillPhoneE164 before the patch is applied.
  std::optional<std::string> phone_e164, mobile_e164;

  // Folds a later patch for the same contact into this one: what `later` sets wins, tag
  // additions and removals accumulate.
  void MergeFrom(const ContactPatch& later);
};

// Whether the patch sets phone or mobile, and so needs the workspace's default region.
bool SetsPhones(const ContactPatch& patch);
// Computes phone_e164 / mobile_e164 with fields::PhoneToE164 (libphonenumber).
void FillPhoneE164(ContactPatch& patch, std::string_view default_region);

// True when the input has a "custom" key, so callers load custom field definitions only then.
bool NeedsCustomFields(const ContactInput& input);

// Parses and validates `input`, collecting every field error rather than stopping at the first.
// `create` makes email required. `custom_fields` are the workspace's definitions (may be empty
// when NeedsCustomFields is false).
// Errors: invalid_argument whose details name each bad field ("email", "lead_score",
// "custom.industry", "tags", "owner", ...), codes required|invalid|out_of_range|too_long|
// not_an_option|unknown_field|too_many.
Result<ContactPatch> ParseContactInput(const ContactInput& input,
                                       std::span<const fields::CustomField> custom_fields,
                                       bool create);

}  // namespace rally::contacts
