// ContactService: THE write path of contacts (DESIGN.md §3). Nothing else writes contact rows,
// their emails or tag assignments: the API, imports, the CLI, workflows and email sync all come
// here, single or in batches.
//
// Every write runs in one transaction that validates (all field errors of an input at once),
// writes, appends the timeline entries computed from the before/after diff (contact_created,
// field_updated, lifecycle_changed, tag_added, tag_removed) with the actor, and records domain
// events, published to the EventBus after commit as one batch per call.
//
// Parsing and validation (email normalization, phone numbers, field types) happen before the
// transaction, so the single database writer only does database work.
//
// Every method takes the workspace id and never sees or touches another workspace's rows: an id
// from another workspace is not_found.
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "companies/company_service.h"
#include "contacts/contact.h"
#include "contacts/contact_input.h"
#include "events/event_bus.h"
#include "fields/field_settings.h"
#include "storage/database.h"
#include "timeline/activity.h"
#include "timeline/actor.h"

namespace rally::contacts {

constexpr size_t kMaxBatchItems = 1000;
// The most items a bulk caller inside the process (an import) may pass per Batch call
// (BatchOptions::max_items): per-transaction costs (commit, fsync, the batch's lookups) spread
// over more rows.
constexpr size_t kMaxBulkBatchItems = 10000;
// How long a soft-deleted contact can be restored; PurgeDeleted removes older ones for good.
constexpr Micros kRestoreWindow = 30 * kMicrosPerDay;

struct ContactPage {
  std::vector<Contact> data;
  std::string next_cursor;  // "" on the last page

  json::object ToJson() const;  // {"data":[...],"next_cursor":...|null}
};

enum class BatchStatus { kCreated, kUpdated, kUnchanged, kSkipped, kError };
// "created", "updated", "unchanged", "skipped", "error"
std::string_view BatchStatusName(BatchStatus s);

struct BatchItemResult {
  size_t index = 0;
  BatchStatus status = BatchStatus::kError;
  Id id = 0;     // the contact, unless status is kError (0 for a skipped item matching none)
  Status error;  // when status is kError
  // With BatchOptions::report_changes, the fields an update changes (ContactDiff's names:
  // "first_name", "tags", "custom.industry", ...); empty for creations.
  std::vector<std::string> changed_fields;

  // {"index":3,"status":"created","id":"..."} or {"index":3,"status":"error","id":null,
  //  "error":{"code","message","details":[...]}}
  json::object ToJson() const;
};

// What Batch does with items. The defaults are the API's POST /contacts/batch; bulk callers
// (imports) choose the rest.
enum class BatchMode {
  kCreateOrUpdate,
  kCreateOnly,  // an item matching a contact is skipped (BatchStatus::kSkipped)
  kUpdateOnly,  // an item matching no contact is skipped
};

struct BatchOptions {
  BatchMode mode = BatchMode::kCreateOrUpdate;
  // Updates never move lifecycle_stage backwards: an item's lower stage is dropped, its other
  // fields still apply.
  bool keep_higher_stage = false;
  // Values applied beneath an item's own when the item creates a contact (an import's owner,
  // lifecycle stage, lead source). PATCH-shaped like an item, without email. Invalid defaults
  // fail the call (invalid_argument naming "defaults.<field>").
  ContactInput create_defaults;
  // Fill BatchItemResult::changed_fields for updates.
  bool report_changes = false;
  // Decide and report everything, then roll back: nothing is written, no event published.
  bool dry_run = false;
  // What matches an item to a contact: "" or "email" (primary and additional emails), or
  // "custom.<key>" (or the bare key) of a unique custom field. Matching by a field, an item
  // without a value for it is an error of that item (FieldError "custom.<key>", "required");
  // a matched update may change the email (checked for uniqueness like any change); a creation
  // still needs an email. Items sharing a match value merge as same-email items do. A field
  // that does not exist or is not unique fails the call (invalid_argument naming "match_on").
  std::string match_on;
  // Most items this call takes: the API's kMaxBatchItems unless a bulk caller raises it (capped
  // at kMaxBulkBatchItems).
  size_t max_items = kMaxBatchItems;
  // Called once, after the items are parsed and validated and right before the write
  // transaction starts: a pipelining caller (an import) waits here for its previous batch to
  // commit, so its batches commit in order while this one's parsing ran beside the previous
  // one's writes. Its error fails the call with nothing written.
  std::function<Status()> before_write;
  // Runs inside the batch's transaction after its writes, with the items' results: the
  // caller's own writes that must commit or roll back with the batch (an import's checkpoint
  // and rejected rows). Its error fails the whole batch. May run more than once (PostgreSQL
  // retries a transaction after a serialization failure). Not called in dry runs.
  std::function<Status(storage::Transaction&, std::span<const BatchItemResult>)> in_transaction;
  // For a caller whose batches follow one another (an import): the batch's transaction may stay
  // open for the next batches and commit with them (storage::Database::WriteDeferred), which
  // records it here. Batch then returns before the commit: its results say what the batch did,
  // its events are published after that commit, and the caller must pass this ticket to
  // Database::WaitCommitted before it reports the batches as done. Null: Batch returns once
  // committed.
  storage::CommitTicket* commit_ticket = nullptr;
};

class ContactService {
 public:
  ContactService(storage::Database& db, events::EventBus& events,
                 companies::CompanyService& companies)
      : db_(db), events_(events), companies_(companies), settings_(db) {}

  // Creates a contact from `input` (contact_input.h).
  // Errors: invalid_argument naming every bad field (email required/invalid, lead_score,
  // lifecycle_stage, custom.<key>, owner not found, ...); already_exists when the email (or an
  // additional email) is held by another contact, even a soft-deleted one: FieldError{"email",
  // "duplicate", existing_id}.
  Result<Contact> Create(Id workspace_id, const ContactInput& input, const timeline::Actor& actor);

  // PATCH semantics: absent keys are left alone, null clears. A patch that changes nothing
  // writes nothing (no timeline entry, updated_at kept) and returns the contact.
  // Errors: not_found (also for a deleted contact); those of Create.
  Result<Contact> Update(Id workspace_id, Id id, const ContactInput& patch,
                         const timeline::Actor& actor);

  // Soft delete: the contact disappears from reads and lists, keeps its emails reserved, and
  // can be restored for kRestoreWindow. Errors: not_found (also when already deleted).
  Status Delete(Id workspace_id, Id id, const timeline::Actor& actor);

  // Errors: not_found; failed_precondition when the contact is not deleted.
  Result<Contact> Restore(Id workspace_id, Id id, const timeline::Actor& actor);

  // Hard-deletes contacts (of every workspace) soft-deleted before `deleted_before`, with their
  // emails, tag assignments and timelines. Returns how many. Run periodically with
  // Now() - kRestoreWindow.
  Result<int64_t> PurgeDeleted(Micros deleted_before);

  // Errors: not_found (also for deleted contacts and other workspaces' ids).
  Result<Contact> Get(Id workspace_id, Id id);
  // Matches primary and additional emails after trimming and case folding.
  // Errors: invalid_argument naming "email" when it is not an email; not_found.
  Result<Contact> GetByEmail(Id workspace_id, std::string_view email);
  // (Lists, filters and sorts are ContactSearch's: contacts/contact_search.h.)

  // Create-or-update by email (or a unique custom field: BatchOptions::match_on), up to
  // options.max_items items in one transaction. Each item gets a
  // result; a bad item does not stop the others. Items sharing an email (after normalization)
  // are merged in order (later values win) and applied as one write; each of them reports that
  // write's outcome. An item's email matches primary and additional emails; it is the match key,
  // so an update never respells or replaces the matched contact's primary email. An item
  // matching a soft-deleted contact's email is an error (restore it first). Events of the whole batch are published as one batch.
  // `options` (above) choose the mode, stage rule, creation defaults, dry run and a hook for
  // the caller's writes in the same transaction.
  // Errors (of the call, not of items): too_large naming "items" past options.max_items;
  // invalid_argument for bad create_defaults or match_on; unavailable; the in_transaction
  // hook's error.
  Result<std::vector<BatchItemResult>> Batch(Id workspace_id, std::span<const ContactInput> items,
                                             const timeline::Actor& actor,
                                             const BatchOptions& options = {});

  // Adds a note, call or meeting to a contact's timeline and moves its last_activity_at forward.
  // Errors: not_found (no such contact, or deleted).
  Result<timeline::Activity> AddActivity(Id workspace_id, Id contact_id,
                                         const timeline::NewActivity& activity,
                                         const timeline::Actor& actor);

  // Deletes a custom field definition and removes its values from every contact, in one
  // transaction (see fields/custom_fields.h). Values vanishing with their definition are not
  // contact edits: no timeline entries; events CustomFieldDeleted and ContactUpdated
  // ("custom.<key>") per contact that held a value.
  // Errors: not_found.
  Status DeleteCustomField(Id workspace_id, Id field_id, const timeline::Actor& actor);

  // For other domain services' transactions (segments' tag merge and delete): applies `input`
  // to each existing contact of `ids` (soft-deleted ones included) with full timeline entries,
  // appending events to `events` for the caller to publish after commit.
  // Errors: invalid_argument for a bad input; storage errors. Unknown ids are skipped.
  Status UpdateManyInTx(storage::Transaction& tx, Id workspace_id, std::span<const Id> ids,
                        const ContactInput& input, const timeline::Actor& actor,
                        std::vector<events::Event>& events);

  // Bulk actions (segments/bulk_actions.h) over one batch of ids, inside the caller's
  // transaction, with the same timeline entries and events as the single-contact calls (events
  // appended to `events` for the caller to publish after commit). Ids that name no contact, or
  // a contact the action does not apply to (UpdateLiveManyInTx and DeleteManyInTx: deleted ones;
  // RestoreManyInTx: live ones), are skipped, so running a batch twice changes nothing the
  // second time. `input` is parsed once for the whole batch.
  // Errors: invalid_argument for a bad input (fields named as by Update); storage errors.
  struct ManyCounts {
    int64_t changed = 0;    // written (updated, deleted, restored)
    int64_t unchanged = 0;  // the update changed nothing
    int64_t skipped = 0;    // absent, or in the wrong state for the action
  };
  Result<ManyCounts> UpdateLiveManyInTx(storage::Transaction& tx, Id workspace_id,
                                        std::span<const Id> ids, const ContactInput& input,
                                        const timeline::Actor& actor,
                                        std::vector<events::Event>& events);
  Result<ManyCounts> DeleteManyInTx(storage::Transaction& tx, Id workspace_id,
                                    std::span<const Id> ids, const timeline::Actor& actor,
                                    std::vector<events::Event>& events);
  Result<ManyCounts> RestoreManyInTx(storage::Transaction& tx, Id workspace_id,
                                     std::span<const Id> ids, const timeline::Actor& actor,
                                     std::vector<events::Event>& events);

 private:
  // An input parsed and validated outside any transaction (so the single database writer only
  // does database work), with the field settings it was checked against: null when it needs
  // none (no custom values, no phone numbers).
  struct Prepared {
    ContactPatch patch;
    std::shared_ptr<const fields::FieldSettings> settings;
  };
  // Uses the cached field settings; a refusal is confirmed against the current ones.
  Result<Prepared> Prepare(Id workspace_id, const ContactInput& input, bool create);
  // In the write transaction: parses `input` again when the settings `p` used are no longer
  // the workspace's, so nothing commits validated against stale definitions.
  Status Recheck(storage::Transaction& tx, Id workspace_id, const ContactInput& input,
                 bool create, Prepared& p);
  // In the caller's transaction, against the definitions it sees: an update's patch with the
  // E.164 forms of its phones (the *ManyInTx calls).
  Result<ContactPatch> ParseUpdateInTx(storage::Transaction& tx, Id workspace_id,
                                       const ContactInput& input);

  storage::Database& db_;
  events::EventBus& events_;
  companies::CompanyService& companies_;
  fields::FieldSettingsCache settings_;
};

}  // namespace rally::contacts
