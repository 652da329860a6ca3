// ContactWriter: applies validated patches to contacts inside one write transaction. Internal to
// contacts/ (ContactService is the public write path); one writer per transaction.
//
// It resolves relations (owner, company, tags) with per-transaction caches, enforces email
// uniqueness across primary and additional emails, writes the row, its emails and tags,
// appends the timeline entries from the before/after diff and collects the domain events. Batch
// callers preload email holders and tags for all items at once (no query per item for them).
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
#include "contacts/contact_input.h"
#include "contacts/contact_repository.h"
#include "events/event.h"
#include "storage/database.h"
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
  // existing_id set; the message says when that contact is deleted); storage errors.
  Result<Outcome> Apply(const Contact* before, const ContactPatch& patch, Contact& after);

  // Whether the last Apply wrote anything. Every check of an input (relations, email
  // uniqueness) runs before the first write, so a failed Apply that wrote nothing left the
  // transaction clean and a batch can carry on with the next item; one that failed after
  // writing (a storage error) must fail the whole transaction.
  bool wrote() const { return wrote_; }

  std::vector<events::Event>& events() { return events_; }
  storage::Transaction& tx() { return tx_; }
  Micros now() const { return now_; }

 private:
  Result<std::optional<OwnerRef>> ResolveOwner(const OwnerInput& in);
  Result<TagRef> ResolveTag(const TagName& name);

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
  std::vector<events::Event> events_;
  bool wrote_ = false;
};

}  // namespace rally::contacts
