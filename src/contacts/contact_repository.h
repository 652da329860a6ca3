// ContactRepository: the SQL of contacts, contact_emails, contact_tags and tag lookup/creation,
// plus the few reads of users and workspaces the contact write path needs. No rules live here;
// ContactService decides, this file speaks SQL. Every statement filters by workspace_id and has
// fixed text, so the connection's statement cache serves them; lists (of ids, keys, rows to
// write) travel as one storage::Rows relation, one statement per list rather than per item.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "contacts/contact.h"
#include "storage/database.h"

namespace rally::contacts {

struct EmailRow {
  std::string key;      // fields::NormalizedEmail::key
  std::string display;  // as shown
};

struct EmailHolder {
  Id contact_id = 0;
  bool deleted = false;
};

class ContactRepository {
 public:
  // --- Reads (deleted contacts included; callers decide) ---
  static Result<std::optional<Contact>> FindById(storage::Connection& c, Id ws, Id id);
  // The contacts with these ids that exist, in no particular order.
  static Result<std::vector<Contact>> FindByIds(storage::Connection& c, Id ws,
                                                std::span<const Id> ids);
  // Whether the contact exists (outer optional) and when it was deleted (inner).
  static Result<std::optional<std::optional<Micros>>> FindDeletedAt(storage::Connection& c, Id ws,
                                                                     Id id);
  // Which contact holds each of `keys` (primary or additional), for the keys that are held.
  static Result<std::unordered_map<std::string, EmailHolder>> FindEmailHolders(
      storage::Connection& c, Id ws, std::span<const std::string> keys);

  // --- Writes ---
  static Status Insert(storage::Transaction& tx, const Contact& c, std::string_view email_key);
  static Status Update(storage::Transaction& tx, const Contact& c, std::string_view email_key);
  // Replaces the contact's contact_emails rows with `emails` (position = index; 0 is primary).
  // Errors: already_exists when one is held by another contact.
  static Status ReplaceEmails(storage::Transaction& tx, Id ws, Id contact_id,
                              std::span<const EmailRow> emails, bool had_rows);

  // --- Multi-row writes (the batch path): one statement per table for any number of rows
  // (storage::ExecuteRows). Rows of one call belong to workspace `ws`. ---
  struct ContactRow {
    const Contact* contact;  // REQUIRES: contact->workspace_id == ws
    std::string email_key;   // of the primary email
  };
  // On PostgreSQL it also writes each row's search document (so the insert trigger skips it).
  // REQUIRES: every company the rows refer to is written.
  static Status InsertMany(storage::Transaction& tx, Id ws, std::span<const ContactRow> rows);
  // Errors: not_found when one of the contacts is missing (the others were updated: the caller
  // fails its transaction).
  static Status UpdateMany(storage::Transaction& tx, Id ws, std::span<const ContactRow> rows);
  // Writes only updated_at of each row (the rest is as stored). Errors as UpdateMany.
  static Status TouchMany(storage::Transaction& tx, Id ws, std::span<const ContactRow> rows);
  // Deletes every contact_emails row of these contacts.
  static Status DeleteEmails(storage::Transaction& tx, Id ws, std::span<const Id> contact_ids);
  struct EmailAssignment {
    Id contact_id;
    const EmailRow* email;
    int64_t position;  // 0 = primary
  };
  // Errors: already_exists when an email is held (by another contact, or twice in `emails`).
  static Status InsertEmails(storage::Transaction& tx, Id ws,
                             std::span<const EmailAssignment> emails);
  struct TagAssignment {
    Id contact_id;
    Id tag_id;
  };
  // Adds each assignment unless the contact already has that tag.
  static Status AddTags(storage::Transaction& tx, Id ws, std::span<const TagAssignment> tags);
  // The same for contacts inserted earlier in `tx` (InsertMany), which nobody else can tag yet:
  // a plain INSERT, sparing AddTags' conflict check (on PostgreSQL a speculative insertion, an
  // index probe per row before the insert) on the most numerous rows of a bulk load.
  // REQUIRES: every contact_id was inserted in this transaction; no assignment twice.
  // Errors: already_exists when the REQUIRES is broken; storage errors.
  static Status AddTagsToNew(storage::Transaction& tx, Id ws, std::span<const TagAssignment> tags);
  static Status RemoveTags(storage::Transaction& tx, Id ws, std::span<const TagAssignment> tags);
  static Status SetDeletedAt(storage::Transaction& tx, Id ws, Id id, std::optional<Micros> at);
  static Status SetLastActivity(storage::Transaction& tx, Id ws, Id id, Micros at);
  static Status SetCustom(storage::Transaction& tx, Id ws, Id id, const json::object& custom);

  // Non-deleted contacts whose custom values may hold `key` (a superset; callers check).
  static Result<std::vector<std::pair<Id, json::object>>> FindWithCustomKey(storage::Connection& c,
                                                                            Id ws,
                                                                            std::string_view key);
  // Soft-deleted contacts (any workspace) deleted before `before`: (workspace_id, id).
  static Result<std::vector<std::pair<Id, Id>>> FindPurgeable(storage::Connection& c,
                                                              Micros before, int limit);
  // Hard delete; contact_emails, contact_tags and activities go with it (ON DELETE CASCADE).
  static Status Purge(storage::Transaction& tx, Id ws, Id id);

  // --- Tags ---
  static Result<std::vector<TagRef>> FindTagsByNorm(storage::Connection& c, Id ws,
                                                    std::span<const std::string> norms);
  // Inserts many tags in one statement. Errors: already_exists when a norm is taken, unless
  // `if_absent` (then those are skipped).
  static Status InsertTags(storage::Transaction& tx, Id ws, std::span<const TagRef> tags,
                           Micros now, bool if_absent = false);
  // Inserts unless a tag with the same norm exists; returns whether it inserted.
  static Result<bool> InsertTagIfAbsent(storage::Transaction& tx, Id ws, const TagRef& tag,
                                        Micros now);
  // Ids of non-deleted and deleted contacts carrying the tag.
  static Result<std::vector<Id>> ContactsWithTag(storage::Connection& c, Id ws, Id tag_id);

  // --- Other modules' tables, read-only ---
  static Result<std::string> DefaultRegion(storage::Connection& c, Id ws);
  static Result<std::optional<OwnerRef>> FindUserById(storage::Connection& c, Id ws, Id id);
  static Result<std::optional<OwnerRef>> FindUserByEmailNorm(storage::Connection& c, Id ws,
                                                             std::string_view email_norm);
};

}  // namespace rally::contacts
