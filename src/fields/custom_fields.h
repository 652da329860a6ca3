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
  int64_t created_at = 0, updated_at = 0;
};

struct CustomFieldInput {
  std::optional<std::string> key;    // create only: ^[a-z][a-z0-9_]{0,62}$
  std::optional<std::string> label;  // defaults to the key, humanized
  std::optional<std::string> type;   // create only: text|number|date|boolean|select
  std::optional<std::vector<std::string>> options;  // select: non-empty, unique case-insensitively
  std::optional<int> position;
};

// Repository functions take the connection of the caller's transaction.
Result<std::vector<CustomField>> ListCustomFields(storage::Connection& conn, Id workspace_id);
// Deletes the definition row only. Errors: not_found. REQUIRES: called by ContactService.
Status DeleteCustomFieldDefinition(storage::Transaction& tx, Id workspace_id, Id id);

class CustomFieldService {
 public:
  explicit CustomFieldService(storage::Database& db) : db_(db) {}

  Result<std::vector<CustomField>> List(Id workspace_id);
  // Errors: not_found.
  Result<CustomField> Get(Id workspace_id, Id id);
  Result<CustomField> GetByKey(Id workspace_id, std::string_view key);
  // Errors: invalid_argument naming the field (key, type, options, label); already_exists when
  // the key is taken.
  Result<CustomField> Create(Id workspace_id, const CustomFieldInput& input);
  // Changes label, options (select) and position. Errors: invalid_argument when key or type are
  // given (immutable), not_found. Removing a select option that contacts use is refused
  // (failed_precondition) unless no contact holds it.
  Result<CustomField> Update(Id workspace_id, Id id, const CustomFieldInput& input);

 private:
  storage::Database& db_;
};

json::object CustomFieldToJson(const CustomField& f);

}  // namespace rally::fields
