// ContactWriter: applies validated patches to contacts inside one write transaction. Internal to
// contacts/ (ContactService is the public write path); one writer per transaction.
//
// It resolves relations (owner, company, tags) with per-transaction caches, enforces email
// uniqueness across primary and additional emails, writes the row, its emails and tags,
// appends the timeline entries from the before/after diff and collects the domain events. Batch
// callers preload email holders, tags and companies for all items at once (no query per item
// for them) and defer the writes to one multi-row statement per table (DeferWrites, Flush).
//
// Thread safety: none; lives inside one Database::Write callback.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "companies/company_service.h"
#include "contacts/contact.h"
#include "contacts/contact_diff.h"
#include "contacts/contact_input.h"
#include "contacts/contact_repository.h"
#include "contacts/unique_fields.h"
#include "events/event.h"
#include "storage/database.h"
#include "timeline/activity.h"
#include "timeline/actor.h"

namespace rally::contacts {

// The match key of a stored email (display form): fields::NormalizeEmail's key.
std::string EmailKey(std::string_view display);

class ContactWriter {
 public:
  ContactWriter(storage::Transaction& tx, Id workspace_id, const timeline::Actor& actor, Micros now,
                companies::CompanyService& companies)
      : tx_(tx), ws_(workspace_id), actor_(actor), now_(now), companies_(companies) {}

  // Preloads which contacts hold `keys` and which of `norms` exist as tags.
  Status LoadEmailHolders(std::span<const std::string> keys);
  Status LoadTags(std::span<const std::string> norms);

  // Who holds `key` given the writes so far; loads it when not preloaded.
  Result<std::optional<EmailHolder>> Holder(const std::string& key);

  enum class Outcome { kCreated, kUpdated, kUnchanged };

  // Creates a contact (before == nullptr) or changes `before`, writing row, emails, tags,
  // timeline entries, and collecting events. `after` receives the resulting contact. Validation
  // failures are returned before anything is written (see wrote()).
  // Errors: invalid_argument (owner or company id unknown; every such field named);
  // already_exists with a "duplicate" FieldError per email held by another contact (its
  // existing_id set; the message says when that contact is deleted), or per unique custom
  // field value ("custom.<key>") held by another; storage errors.
  Result<Outcome> Apply(const Contact* before, const ContactPatch& patch, Contact& after);

  // Whether the last Apply wrote anything. Every check of an input (relations, email
  // uniqueness) runs before the first write, so a failed Apply that wrote nothing left the
  // transaction clean and a batch can carry on with the next item; one that failed after
  // writing (a storage error) must fail the whole transaction.
  bool wrote() const { return wrote_; }

  // Batch mode. After DeferWrites, Apply checks and decides exactly as before but queues its
  // writes (contact rows, emails, tag assignments, timeline entries, new companies) instead of
  // running them, coalescing several Applies to one contact; Flush then writes the queue with
  // one statement per table. New companies and tags get their ids at Apply and are inserted by
  // Flush (new_relations()).
  // REQUIRES: Flush() returns OK before the transaction commits.
  // Errors (Flush): already_exists when an email, company or tag name was taken by a concurrent
  // writer after the checks (PostgreSQL runs the transaction again); storage errors.
  void DeferWrites() { deferred_ = true; }
  Status Flush();

  // Preloads which of these company names exist (one statement), for a batch's Applies.
  Status LoadCompanies(std::span<const std::string> names);

  // The companies and tags that Applies in batch mode decided to create (ids given, rows not
  // written yet; Flush writes them first).
  struct NewRelations {
    std::vector<std::pair<companies::Company, std::string>> companies;  // (row, name_norm)
    std::vector<TagRef> tags;
    bool empty() const { return companies.empty() && tags.empty(); }
  };
  const NewRelations& new_relations() const { return new_relations_; }

  // Writes `relations` in a transaction of their own, skipping names that exist by then, so
  // that concurrent batches wait on each other only for this short insert (not for a whole
  // batch's transaction). Returns the ids of the companies it created (for CompanyCreated).
  // Errors: storage errors.
  static Result<std::vector<Id>> CreateRelations(storage::Transaction& tx, Id ws,
                                                 const NewRelations& relations, Micros now,
                                                 companies::CompanyService& companies);

  // The unique custom fields' values as this writer sees them (contacts/unique_fields.h): Apply
  // checks and writes them; batch callers preload and match by them.
  UniqueValues& unique() { return unique_; }

  std::vector<events::Event>& events() { return events_; }
  storage::Transaction& tx() { return tx_; }
  Id workspace_id() const { return ws_; }
  Micros now() const { return now_; }

 private:
  Result<std::optional<OwnerRef>> ResolveOwner(const OwnerInput& in);
  Result<TagRef> ResolveTag(const TagName& name);
  Result<CompanyRef> ResolveCompanyByName(const CompanyInput& in);
  // Runs the writes of one Apply at once (outside batch mode).
  Status WriteNow(const Contact* before, const Contact& after, const ContactDiff& diff,
                  const std::string& primary_key, bool rows_differ,
                  std::span<const EmailRow> new_rows);
  // Queues the writes of one Apply (batch mode).
  // `row_changed`: a column of the contacts row other than updated_at changes (not only tags).
  void Defer(const Contact* before, const Contact& after, std::string primary_key,
             bool emails_changed, std::vector<EmailRow> emails,
             std::vector<timeline::Activity> activities, bool row_changed);

  // A contact with writes queued: its row as stored before this writer (existed) and as it
  // must be written.
  struct Pending {
    bool existed = false;
    Contact after;
    std::string email_key;
    std::vector<TagRef> stored_tags;  // before this writer's first change
    bool emails_changed = false;
    std::vector<EmailRow> emails;  // when emails_changed
    // Only updated_at differs from the stored row (a tag change, as bulk tagging makes): Flush
    // writes that one column, so the row's other indexes are left alone.
    bool row_changed = false;
  };

  storage::Transaction& tx_;
  Id ws_;
  timeline::Actor actor_;
  Micros now_;
  companies::CompanyService& companies_;
  std::unordered_map<std::string, std::optional<EmailHolder>> holders_;  // nullopt: free
  std::unordered_map<std::string, TagRef> tags_;                         // by norm
  std::unordered_set<std::string> tags_checked_;  // norms looked up and found absent
  std::unordered_map<std::string, std::optional<OwnerRef>> owners_;
  std::unordered_map<std::string, CompanyRef> companies_by_norm_;
  std::unordered_set<std::string> companies_checked_;  // norms looked up and found absent
  std::vector<events::Event> events_;
  bool wrote_ = false;
  bool deferred_ = false;
  std::vector<Pending> pending_;
  std::unordered_map<Id, size_t> pending_index_;  // contact id -> pending_ index
  std::vector<timeline::Activity> pending_activities_;
  NewRelations new_relations_;
  UniqueValues unique_;
};

}  // namespace rally::contacts
