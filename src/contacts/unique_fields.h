// Unique custom fields on the contacts write path. A custom field marked unique
// (fields::CustomField::unique) has its values indexed in custom_unique_values (migration 0009),
// one row per (workspace, field, normalized value) holding the contact: the database's own key
// refuses a second holder, and lookups by value (matching a batch item by a unique field) are
// one indexed read. ContactWriter keeps the index in step with contacts.custom on every write;
// purging a contact or deleting the field removes its rows by foreign-key cascade; soft delete
// and restore leave them (a deleted contact keeps its values reserved, as it keeps its emails).
//
// Thread safety: none; UniqueValues lives inside one ContactWriter, inside one transaction.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.h"
#include "contacts/contact.h"
#include "contacts/contact_input.h"
#include "contacts/contact_repository.h"
#include "fields/custom_fields.h"
#include "storage/database.h"

namespace rally::contacts {

// Which contacts (deleted ones included) hold `norms` (fields::UniqueValueNorm) of the field.
// Errors: storage errors.
Result<std::unordered_map<std::string, EmailHolder>> FindUniqueHolders(
    storage::Connection& c, Id ws, Id field_id, std::span<const std::string> norms);

class ContactWriter;
class UniqueValues;

// How ContactService::Batch matches items to contacts (BatchOptions::match_on): by the primary
// email's key (the default) or by a unique custom field's normalized value.
class BatchMatch {
 public:
  // "" or "email": by email. "custom.<key>" or "<key>": by that field of `defs`.
  // Errors: invalid_argument naming "match_on" when the field does not exist or is not unique.
  static Result<BatchMatch> Make(std::string_view match_on,
                                 std::span<const fields::CustomField> defs);
  // Whether `match_on` names a field (the caller must load the definitions for Make).
  static bool ByField(std::string_view match_on);

  const fields::CustomField* field() const { return field_ ? &*field_ : nullptr; }

  // The item's match key: its email key, or its value's fields::UniqueValueNorm.
  // Errors: invalid_argument, FieldError{"custom.<key>", "required"} when the item has no value.
  Result<std::string> KeyOf(const ContactPatch& patch) const;
  // In the batch's transaction: checks the field is still unique there (invalid_argument naming
  // "match_on" otherwise) and preloads the holders of `keys`.
  Status Load(ContactWriter& w, std::span<const std::string> keys) const;
  // The contact holding `key` given the writer's writes so far.
  Result<std::optional<EmailHolder>> Holder(ContactWriter& w, const std::string& key) const;

 private:
  std::optional<fields::CustomField> field_;
};

class UniqueValues {
 public:
  // One unique value of one contact changing: old removed, new added (either may be absent).
  struct Change {
    Id field_id = 0;
    std::optional<std::string> old_norm, new_norm;
  };

  // The unique-value changes from `before` (null: a new contact) to `after`, checked against
  // the holders (this writer's earlier writes included), before anything is written.
  // `custom_touched`: whether the patch set custom values at all; when not, nothing changes and
  // nothing is read.
  // Errors: already_exists with FieldError{"custom.<key>", "duplicate", message, holder id}
  // per value held by another contact (the message says when that one is deleted); storage
  // errors.
  Result<std::vector<Change>> Check(storage::Transaction& tx, Id ws, const Contact* before,
                                    const Contact& after, bool custom_touched);

  // Records `changes` as made by `contact_id` (deleted: whether that contact is soft-deleted):
  // written at once, or, when `deferred`, queued for Flush.
  // REQUIRES (not deferred): the contact row exists already.
  Status Write(storage::Transaction& tx, Id ws, Id contact_id, bool deleted,
               std::span<const Change> changes, bool deferred);
  // Writes the queued changes: every removal, then every addition (a value moving between two
  // contacts of one batch never meets itself). REQUIRES: the contact rows are written.
  // Errors: already_exists when a concurrent writer took a value after the checks (PostgreSQL
  // runs the transaction again); storage errors.
  Status Flush(storage::Transaction& tx, Id ws);

  // The unique fields in force in `tx`, read on first use.
  Result<const std::vector<fields::CustomField>*> Fields(storage::Transaction& tx, Id ws);
  // Preloads the holders of every unique field value the patches set (a batch's, at once), so
  // its Applies look none up one by one. Reads nothing when no patch sets custom values.
  Status PreloadValues(storage::Transaction& tx, Id ws, std::span<const ContactPatch* const> patches);
  // Preloads the holders of `norms` of one field (a batch's values, at once).
  Status Preload(storage::Transaction& tx, Id ws, Id field_id, std::span<const std::string> norms);
  // Who holds `norm` of the field given this writer's writes so far (loaded when not preloaded).
  Result<std::optional<EmailHolder>> Holder(storage::Transaction& tx, Id ws, Id field_id,
                                            const std::string& norm);

 private:
  using Key = std::pair<Id, std::string>;  // (field id, value_norm)
  std::optional<std::vector<fields::CustomField>> fields_;
  std::map<Key, std::optional<EmailHolder>> holders_;  // nullopt: free
  std::map<Key, Id> inserts_;                          // queued additions -> contact
  std::vector<Key> deletes_;                           // queued removals
};

}  // namespace rally::contacts
