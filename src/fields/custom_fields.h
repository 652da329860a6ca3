// Custom field definitions: per-workspace (key, label, type, options, position), created,
// renamed (label), re-optioned, reordered and deleted through CustomFieldService. Values live
// on contacts (contacts.custom, a JSON object keyed by field key) and are validated against
// these definitions on every write by the contacts module.
//
// Keys are immutable once created (API clients, filters and saved views refer to them); the
// label is what "rename" changes. Deleting a definition also removes its values from every
// contact, which is a write to contacts: so it goes through contacts::ContactService
// (DeleteCustomField), which calls DeleteCustomFieldDefinition below in its transaction.
//
// Thread safety: CustomFieldService is safe from any thread (state lives in the database).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "fields/field.h"
#include "storage/database.h"

namespace rally::fields {

struct CustomField {
  Id id = 0;
  FieldDef def;  // def.custom == true
  int position = 0;
  // No two contacts of the workspace hold the same value (UniqueValueNorm); enforced by the
  // database through custom_unique_values (migration 0009), kept by the contacts write path.
  // Only text and number fields can be unique.
  bool unique = false;
  int64_t created_at = 0, updated_at = 0;
};

struct CustomFieldInput {
  std::optional<std::string> key;    // create only: ^[a-z][a-z0-9_]{0,62}$
  std::optional<std::string> label;  // defaults to the key, humanized
  std::optional<std::string> type;   // create only: text|number|date|boolean|select
  std::optional<std::vector<std::string>> options;  // select: non-empty, unique case-insensitively
  std::optional<int> position;
  std::optional<bool> unique;  // text and number fields only
};

// The key a unique field's value is matched and indexed by: text trimmed, inner spaces
// collapsed and case-folded; numbers by value (1, 1.0 and "1" in a CSV are one key). nullopt for
// null or an empty text. `value` is the normalized value (field.h).
std::optional<std::string> UniqueValueNorm(const FieldDef& def, const json::value& value);
// Whether a field of this type may be marked unique (text, number).
bool CanBeUnique(FieldType type);

// Repository functions take the connection of the caller's transaction.
Result<std::vector<CustomField>> ListCustomFields(storage::Connection& conn, Id workspace_id);
// The same, only the fields marked unique (in definition order).
Result<std::vector<CustomField>> ListUniqueCustomFields(storage::Connection& conn,
                                                        Id workspace_id);
// Deletes the definition row only. Errors: not_found. REQUIRES: called by ContactService.
Status DeleteCustomFieldDefinition(storage::Transaction& tx, Id workspace_id, Id id);

class CustomFieldService {
 public:
  explicit CustomFieldService(storage::Database& db) : db_(db) {}

  Result<std::vector<CustomField>> List(Id workspace_id);
  // Errors: not_found.
  Result<CustomField> Get(Id workspace_id, Id id);
  Result<CustomField> GetByKey(Id workspace_id, std::string_view key);
  // Errors: invalid_argument naming the field (key, type, options, label, unique on a type other
  // than text or number); already_exists when the key is taken.
  Result<CustomField> Create(Id workspace_id, const CustomFieldInput& input);
  // Changes label, options (select), position and unique. Errors: invalid_argument when key or
  // type are given (immutable), not_found. Removing a select option that contacts use is refused
  // (failed_precondition) unless no contact holds it. Marking a field unique indexes every
  // contact's value (deleted ones too: they keep their values reserved) and is refused with
  // already_exists (FieldError "unique", code "duplicate_values", naming the field and the
  // value, existing_id one of its holders) when two contacts share a value.
  Result<CustomField> Update(Id workspace_id, Id id, const CustomFieldInput& input);

 private:
  storage::Database& db_;
};

json::object CustomFieldToJson(const CustomField& f);

}  // namespace rally::fields
