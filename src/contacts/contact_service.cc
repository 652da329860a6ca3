#include "contacts/contact_service.h"

#include <algorithm>
#include <unordered_map>

#include "contacts/contact_diff.h"
#include "contacts/contact_repository.h"
#include "contacts/contact_tagger.h"
#include "contacts/contact_writer.h"
#include "contacts/unique_fields.h"
#include "fields/custom_fields.h"
#include "storage/dialect.h"
#include "timeline/activity_repository.h"

namespace rally::contacts {
namespace {

constexpr int kPurgeChunk = 500;

Status DeletedNotFound(Id id) { return NotFound("no contact " + IdToString(id)); }

json::object StatusToJson(const Status& s) {
  json::array details;
  for (const FieldError& e : s.details()) {
    json::object d{{"field", e.field}, {"code", e.code}, {"message", e.message}};
    if (!e.existing_id.empty()) d["existing_id"] = e.existing_id;
    details.push_back(std::move(d));
  }
  return json::object{{"code", StatusCodeName(s.code())}, {"message", s.message()},
                      {"details", std::move(details)}};
}

// Custom field definitions and the phone region, read once for however many inputs need them.
struct InputContext {
  std::vector<fields::CustomField> custom_fields;
  std::string region = "US";
};

bool MentionsPhones(const ContactInput& input) {
  return input.contains("phone") || input.contains("mobile");
}

// ParseContactInput and the phones' E.164 forms with `settings` (null: no custom field
// definitions, region US; enough for inputs that neither MentionsPhones nor NeedsCustomFields).
Result<ContactPatch> ParseWithSettings(const ContactInput& input,
                                       const fields::FieldSettings* settings, bool create) {
  std::span<const fields::CustomField> defs;
  if (settings) defs = settings->custom_fields;
  RALLY_ASSIGN_OR_RETURN(ContactPatch patch, ParseContactInput(input, defs, create));
  if (SetsPhones(patch)) FillPhoneE164(patch, settings ? settings->default_region : "US");
  return patch;
}

// The status a dry-run batch returns from its transaction to roll it back.
constexpr std::string_view kDryRunMarker = "batch dry run: rolled back";
// The status a batch's first pass returns when it must create companies or tags first.
constexpr std::string_view kRelationsFirstMarker = "batch: create companies and tags first";

BatchStatus ToBatchStatus(ContactWriter::Outcome o) {
  switch (o) {
    case ContactWriter::Outcome::kCreated: return BatchStatus::kCreated;
    case ContactWriter::Outcome::kUpdated: return BatchStatus::kUpdated;
    case ContactWriter::Outcome::kUnchanged: return BatchStatus::kUnchanged;
  }
  return BatchStatus::kError;
}

// DeleteManyInTx and RestoreManyInTx: one loop, the direction chosen by `restore`. Contacts
// already in the target state are skipped, so a re-run batch changes nothing.
Result<ContactService::ManyCounts> SetDeletedMany(storage::Transaction& tx, Id workspace_id,
                                                  std::span<const Id> ids,
                                                  const timeline::Actor& actor,
                                                  std::vector<events::Event>& events,
                                                  bool restore) {
  ContactService::ManyCounts counts;
  Micros now = Now();
  std::vector<timeline::Activity> entries;
  RALLY_ASSIGN_OR_RETURN(auto contacts, ContactRepository::FindByIds(tx, workspace_id, ids));
  counts.skipped = static_cast<int64_t>(ids.size() - contacts.size());
  for (const Contact& c : contacts) {
    if (c.deleted_at.has_value() == !restore) {
      ++counts.skipped;
      continue;
    }
    std::optional<Micros> deleted_at;
    if (!restore) deleted_at = now;
    RALLY_RETURN_IF_ERROR(ContactRepository::SetDeletedAt(tx, workspace_id, c.id, deleted_at));
    entries.push_back(timeline::Activity{
        NewId(), workspace_id, c.id, now,
        restore ? timeline::ActivityType::kContactRestored : timeline::ActivityType::kContactDeleted,
        actor, {}});
    events.push_back(restore ? MakeEvent(workspace_id, actor, now, events::ContactRestored{c.id})
                             : MakeEvent(workspace_id, actor, now, events::ContactDeleted{c.id}));
    ++counts.changed;
  }
  if (!entries.empty()) RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx, entries));
  return counts;
}

}  // namespace

std::string_view BatchStatusName(BatchStatus s) {
  switch (s) {
    case BatchStatus::kCreated: return "created";
    case BatchStatus::kUpdated: return "updated";
    case BatchStatus::kUnchanged: return "unchanged";
    case BatchStatus::kSkipped: return "skipped";
    case BatchStatus::kError: return "error";
  }
  return "error";
}

json::object BatchItemResult::ToJson() const {
  json::object out{{"index", index}, {"status", BatchStatusName(status)}};
  if (status == BatchStatus::kError) {
    out["id"] = nullptr;
    out["error"] = StatusToJson(error);
  } else {
    out["id"] = IdToString(id);
  }
  return out;
}

json::object ContactPage::ToJson() const {
  json::array items;
  items.reserve(data.size());
  for (const Contact& c : data) items.push_back(ContactToJson(c));
  json::object out{{"data", std::move(items)}};
  if (next_cursor.empty()) out["next_cursor"] = nullptr;
  else out["next_cursor"] = next_cursor;
  return out;
}

Result<ContactService::Prepared> ContactService::Prepare(Id workspace_id,
                                                        const ContactInput& input, bool create) {
  Prepared p;
  if (NeedsCustomFields(input) || MentionsPhones(input)) {
    RALLY_ASSIGN_OR_RETURN(p.settings, settings_.Get(workspace_id));
  }
  auto patch = ParseWithSettings(input, p.settings.get(), create);
  if (!patch.ok() && patch.status().code() == StatusCode::kInvalidArgument && p.settings) {
    // The cache may be behind another process's change (a new field, a new option): a refusal
    // must hold against the settings in force.
    RALLY_ASSIGN_OR_RETURN(auto fresh, settings_.Refresh(workspace_id, p.settings));
    if (fresh != p.settings) {
      p.settings = std::move(fresh);
      patch = ParseWithSettings(input, p.settings.get(), create);
    }
  }
  RALLY_RETURN_IF_ERROR(patch.status());
  p.patch = std::move(patch).value();
  return p;
}

Status ContactService::Recheck(storage::Transaction& tx, Id workspace_id,
                               const ContactInput& input, bool create, Prepared& p) {
  if (!p.settings) return Status::Ok();
  RALLY_ASSIGN_OR_RETURN(auto current, settings_.Current(tx, workspace_id, p.settings));
  if (current == p.settings) return Status::Ok();
  // Changed since Prepare (rare): validated again here, on the writer, against what commits.
  p.settings = std::move(current);
  RALLY_ASSIGN_OR_RETURN(p.patch, ParseWithSettings(input, p.settings.get(), create));
  return Status::Ok();
}

Result<Contact> ContactService::Create(Id workspace_id, const ContactInput& input,
                                       const timeline::Actor& actor) {
  RALLY_ASSIGN_OR_RETURN(Prepared p, Prepare(workspace_id, input, /*create=*/true));
  Contact after;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(Recheck(tx, workspace_id, input, /*create=*/true, p));
    ContactWriter w(tx, workspace_id, actor, Now(), companies_);
    RALLY_RETURN_IF_ERROR(w.Apply(nullptr, p.patch, after).status());
    events_.PublishAfterCommit(tx, std::move(w.events()));
    return Status::Ok();
  }));
  return after;
}

Result<Contact> ContactService::Update(Id workspace_id, Id id, const ContactInput& input,
                                       const timeline::Actor& actor) {
  RALLY_ASSIGN_OR_RETURN(Prepared p, Prepare(workspace_id, input, /*create=*/false));
  Contact after;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto before, ContactRepository::FindById(tx, workspace_id, id));
    if (!before || before->deleted_at) return DeletedNotFound(id);
    RALLY_RETURN_IF_ERROR(Recheck(tx, workspace_id, input, /*create=*/false, p));
    ContactWriter w(tx, workspace_id, actor, Now(), companies_);
    RALLY_RETURN_IF_ERROR(w.Apply(&*before, p.patch, after).status());
    events_.PublishAfterCommit(tx, std::move(w.events()));
    return Status::Ok();
  }));
  return after;
}

Status ContactService::Delete(Id workspace_id, Id id, const timeline::Actor& actor) {
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto state, ContactRepository::FindDeletedAt(tx, workspace_id, id));
    if (!state || *state) return DeletedNotFound(id);
    Micros now = Now();
    RALLY_RETURN_IF_ERROR(ContactRepository::SetDeletedAt(tx, workspace_id, id, now));
    timeline::Activity entry{NewId(), workspace_id, id, now,
                             timeline::ActivityType::kContactDeleted, actor, {}};
    RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx, {&entry, 1}));
    events_.PublishAfterCommit(tx, {MakeEvent(workspace_id, actor, now, events::ContactDeleted{id})});
    return Status::Ok();
  });
}

Result<Contact> ContactService::Restore(Id workspace_id, Id id, const timeline::Actor& actor) {
  std::optional<Contact> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto contact, ContactRepository::FindById(tx, workspace_id, id));
    if (!contact) return DeletedNotFound(id);
    if (!contact->deleted_at) return FailedPrecondition("contact " + IdToString(id) + " is not deleted");
    Micros now = Now();
    RALLY_RETURN_IF_ERROR(ContactRepository::SetDeletedAt(tx, workspace_id, id, std::nullopt));
    timeline::Activity entry{NewId(), workspace_id, id, now,
                             timeline::ActivityType::kContactRestored, actor, {}};
    RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx, {&entry, 1}));
    events_.PublishAfterCommit(tx, {MakeEvent(workspace_id, actor, now, events::ContactRestored{id})});
    contact->deleted_at.reset();
    out = std::move(*contact);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<int64_t> ContactService::PurgeDeleted(Micros deleted_before) {
  int64_t total = 0;
  // In chunks, each its own transaction, so a large purge never holds the writer for long.
  for (;;) {
    size_t found = 0;
    RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
      RALLY_ASSIGN_OR_RETURN(auto ids, ContactRepository::FindPurgeable(tx, deleted_before, kPurgeChunk));
      found = ids.size();
      std::vector<events::Event> events;
      Micros now = Now();
      for (const auto& [ws, id] : ids) {
        RALLY_RETURN_IF_ERROR(ContactRepository::Purge(tx, ws, id));
        events.push_back(MakeEvent(ws, timeline::SystemActor(), now, events::ContactPurged{id}));
      }
      events_.PublishAfterCommit(tx, std::move(events));
      return Status::Ok();
    }));
    total += static_cast<int64_t>(found);
    if (found < static_cast<size_t>(kPurgeChunk)) break;
  }
  return total;
}

Result<Contact> ContactService::Get(Id workspace_id, Id id) {
  std::optional<Contact> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, ContactRepository::FindById(conn, workspace_id, id));
    if (!out || out->deleted_at) return DeletedNotFound(id);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<Contact> ContactService::GetByEmail(Id workspace_id, std::string_view email) {
  RALLY_ASSIGN_OR_RETURN(fields::NormalizedEmail e, fields::NormalizeEmail(email, "email"));
  std::optional<Contact> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    std::string keys[] = {e.key};
    RALLY_ASSIGN_OR_RETURN(auto holders, ContactRepository::FindEmailHolders(conn, workspace_id, keys));
    auto it = holders.find(e.key);
    if (it == holders.end() || it->second.deleted) return NotFound("no contact with email " + e.display);
    RALLY_ASSIGN_OR_RETURN(out, ContactRepository::FindById(conn, workspace_id, it->second.contact_id));
    if (!out) return NotFound("no contact with email " + e.display);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<BatchItemResult>> ContactService::Batch(Id workspace_id,
                                                           std::span<const ContactInput> items,
                                                           const timeline::Actor& actor,
                                                           const BatchOptions& options) {
  const size_t max_items = std::min(options.max_items, kMaxBulkBatchItems);
  if (items.size() > max_items) {
    return Status(StatusCode::kTooLarge,
                  "a batch holds at most " + std::to_string(max_items) + " items",
                  {FieldError{"items", "too_many",
                              std::to_string(items.size()) + " items; at most " +
                                  std::to_string(max_items),
                              {}}});
  }
  std::vector<BatchItemResult> results(items.size());
  for (size_t i = 0; i < items.size(); ++i) results[i].index = i;

  // 1. Outside the transaction: one read for what validation needs, then parse every item.
  InputContext ctx;
  bool need_fields = std::any_of(items.begin(), items.end(), NeedsCustomFields) ||
                     NeedsCustomFields(options.create_defaults) ||
                     BatchMatch::ByField(options.match_on);
  bool need_region = std::any_of(items.begin(), items.end(), MentionsPhones) ||
                     MentionsPhones(options.create_defaults);
  if (need_fields || need_region) {
    RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
      if (need_fields) {
        RALLY_ASSIGN_OR_RETURN(ctx.custom_fields, fields::ListCustomFields(conn, workspace_id));
      }
      if (need_region) {
        RALLY_ASSIGN_OR_RETURN(ctx.region, ContactRepository::DefaultRegion(conn, workspace_id));
      }
      return Status::Ok();
    }));
  }
  RALLY_ASSIGN_OR_RETURN(const BatchMatch match, BatchMatch::Make(options.match_on, ctx.custom_fields));
  // Creation defaults, parsed once; applied beneath an item's own values (BatchOptions).
  std::optional<ContactPatch> defaults;
  if (!options.create_defaults.empty()) {
    auto d = ParseContactInput(options.create_defaults, ctx.custom_fields, /*create=*/false);
    if (!d.ok()) {
      std::vector<FieldError> details = d.status().details();
      for (FieldError& e : details) e.field = "defaults." + e.field;
      return Status(StatusCode::kInvalidArgument, "invalid defaults: " + d.status().message(),
                    std::move(details));
    }
    if (d->email) return InvalidArgument("defaults cannot set email");
    if (SetsPhones(*d)) FillPhoneE164(*d, ctx.region);
    defaults = std::move(d).value();
  }
  struct Group {
    std::string key;  // the primary email's match key (or the match field's value: BatchMatch)
    std::vector<size_t> items;
    ContactPatch patch;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> group_of;
  for (size_t i = 0; i < items.size(); ++i) {
    // Matching by a field, an update needs no email: a creation's is checked when it creates.
    auto patch = ParseContactInput(items[i], ctx.custom_fields, /*create=*/!match.field());
    auto key = patch.ok() ? match.KeyOf(*patch) : Result<std::string>(patch.status());
    if (!key.ok()) {
      results[i].error = key.status();
      continue;
    }
    auto [it, fresh] = group_of.emplace(*key, groups.size());
    if (fresh) groups.push_back(Group{*key, {}, std::move(patch).value()});
    else groups[it->second].patch.MergeFrom(*patch);
    groups[it->second].items.push_back(i);
  }
  for (Group& g : groups)
    if (SetsPhones(g.patch)) FillPhoneE164(g.patch, ctx.region);

  // 2. One transaction. No savepoint per item: every check runs before an item's first write,
  // so a refused item leaves nothing behind (and SQLite savepoints nested in a large
  // transaction cost more than all the item's writes).
  //
  // Where batches run side by side (PostgreSQL), two that both create a company or tag would
  // conflict on its name, and the later one wait for the earlier's whole transaction before
  // failing and running again: concurrent batches would take turns. So there, a first pass that
  // finds new companies or tags (of items that pass every check) stops before writing; they are
  // created in a short transaction of their own, and the batch runs again and finds them.
  const bool relations_first = storage::ConcurrentWriters(db_.dialect()) && !options.dry_run;
  bool first_pass = true;
  ContactWriter::NewRelations pending_relations;  // found by the first pass
  Micros pending_relations_at = 0;
  std::vector<events::Event> relation_events;  // CompanyCreated of the short transaction
  auto write = [&](storage::Transaction& tx) -> Status {
    for (Group& g : groups) {
      for (size_t i : g.items) {  // a rerun decides anew
        results[i] = BatchItemResult();
        results[i].index = i;
      }
    }
    ContactWriter w(tx, workspace_id, actor, Now(), companies_);
    // Writes go out at the end, one multi-row statement per table (Flush below).
    w.DeferWrites();
    // Everything the batch will look up, looked up at once.
    std::vector<std::string> keys, norms, company_names;
    for (const Group& g : groups) {
      if (g.patch.email) keys.push_back(g.patch.email->key);
      if (g.patch.additional_emails)
        for (const auto& e : *g.patch.additional_emails) keys.push_back(e.key);
      if (g.patch.tags)
        for (const TagName& t : *g.patch.tags) norms.push_back(t.norm);
      for (const TagName& t : g.patch.add_tags) norms.push_back(t.norm);
      if (g.patch.company && *g.patch.company && !(*g.patch.company)->id) {
        company_names.push_back((*g.patch.company)->name);
      }
    }
    RALLY_RETURN_IF_ERROR(w.LoadEmailHolders(keys));
    if (match.field()) {
      std::vector<std::string> match_keys;
      for (const Group& g : groups) match_keys.push_back(g.key);
      RALLY_RETURN_IF_ERROR(match.Load(w, match_keys));
    }
    std::vector<const ContactPatch*> patches;
    for (const Group& g : groups) patches.push_back(&g.patch);
    RALLY_RETURN_IF_ERROR(w.unique().PreloadValues(tx, workspace_id, patches));
    RALLY_RETURN_IF_ERROR(w.LoadTags(norms));
    RALLY_RETURN_IF_ERROR(w.LoadCompanies(company_names));
    std::vector<Id> matched;
    for (const Group& g : groups) {
      RALLY_ASSIGN_OR_RETURN(auto h, match.Holder(w, g.key));
      if (h && !h->deleted) matched.push_back(h->contact_id);
    }
    std::sort(matched.begin(), matched.end());
    matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    std::unordered_map<Id, Contact> loaded;
    RALLY_ASSIGN_OR_RETURN(auto existing, ContactRepository::FindByIds(tx, workspace_id, matched));
    for (Contact& c : existing) loaded.emplace(c.id, std::move(c));

    for (Group& g : groups) {
      Contact after;
      std::optional<ContactWriter::Outcome> outcome;
      size_t event_mark = w.events().size();
      bool applied = false;
      std::optional<Id> skipped;  // by the mode: the matched contact, or 0
      std::vector<std::string> changed;
      Status s = [&]() -> Status {
        RALLY_ASSIGN_OR_RETURN(auto holder, match.Holder(w, g.key));
        const Contact* before = nullptr;
        ContactPatch patch = g.patch;
        if (holder) {
          if (holder->deleted) {
            std::string field = match.field() ? match.field()->def.Path() : "email";
            std::string shown = match.field() ? "\"" + g.key + "\"" : patch.email->display;
            return AlreadyExists(
                "a deleted contact (id " + IdToString(holder->contact_id) + ") holds " + field +
                    " " + shown + "; restore it first",
                {FieldError{field, "duplicate", "held by a deleted contact",
                            IdToString(holder->contact_id)}});
          }
          auto it = loaded.find(holder->contact_id);
          if (it == loaded.end()) {
            RALLY_ASSIGN_OR_RETURN(auto c, ContactRepository::FindById(tx, workspace_id,
                                                                       holder->contact_id));
            if (!c) return Internal("email holder vanished");
            it = loaded.emplace(c->id, std::move(*c)).first;
          }
          before = &it->second;
          // The email is the match key here, not a change: a batch never respells or replaces
          // the primary email of the contact it matched (PATCH does that). Matched by a field,
          // that field's value is the key instead, and the email an ordinary value that may
          // change.
          if (!match.field()) patch.email.reset();
          else patch.custom.erase(match.field()->def.key);
          if (options.mode == BatchMode::kCreateOnly) {
            skipped = before->id;
            return Status::Ok();
          }
          if (options.keep_higher_stage && patch.lifecycle_stage &&
              *patch.lifecycle_stage < before->lifecycle_stage) {
            patch.lifecycle_stage.reset();
          }
        } else {
          if (options.mode == BatchMode::kUpdateOnly) {
            skipped = 0;
            return Status::Ok();
          }
          if (!patch.email) return FieldInvalid("email", "required", "email is required to create a contact");
          if (defaults) {
            // MergeFrom leaves the derived E.164 forms alone: carry the item's over.
            ContactPatch merged = *defaults;
            merged.MergeFrom(patch);
            if (patch.phone_e164 || SetsPhones(patch)) merged.phone_e164 = patch.phone_e164;
            if (patch.mobile_e164 || SetsPhones(patch)) merged.mobile_e164 = patch.mobile_e164;
            patch = std::move(merged);
          }
        }
        applied = true;
        RALLY_ASSIGN_OR_RETURN(outcome, w.Apply(before, patch, after));
        if (options.report_changes && before) changed = DiffContacts(*before, after).changed_fields;
        return Status::Ok();
      }();
      if (!s.ok()) {
        // Refused before writing: this item fails alone. Anything else (the storage failing,
        // perhaps after the item wrote) fails the whole batch, undone with the transaction.
        bool refused = s.code() == StatusCode::kInvalidArgument ||
                       s.code() == StatusCode::kAlreadyExists;
        if (!refused || (applied && w.wrote())) return s;
        w.events().resize(event_mark);
        for (size_t i : g.items) results[i].error = s;
        continue;
      }
      if (skipped) {
        for (size_t i : g.items) {
          results[i].status = BatchStatus::kSkipped;
          results[i].id = *skipped;
        }
        continue;
      }
      for (size_t i : g.items) {
        results[i].status = ToBatchStatus(*outcome);
        results[i].id = after.id;
        results[i].changed_fields = changed;
      }
      loaded[after.id] = std::move(after);
    }
    if (relations_first && first_pass && !w.new_relations().empty()) {
      pending_relations = w.new_relations();
      pending_relations_at = w.now();
      return Status(StatusCode::kCanceled, std::string(kRelationsFirstMarker));
    }
    RALLY_RETURN_IF_ERROR(w.Flush());
    // A dry run ends here: the marker status rolls everything back (events included).
    if (options.dry_run) return Status(StatusCode::kCanceled, std::string(kDryRunMarker));
    if (options.in_transaction) RALLY_RETURN_IF_ERROR(options.in_transaction(tx, results));
    std::vector<events::Event> events = relation_events;
    for (events::Event& e : w.events()) events.push_back(std::move(e));
    events_.PublishAfterCommit(tx, std::move(events));
    return Status::Ok();
  };
  if (options.before_write) RALLY_RETURN_IF_ERROR(options.before_write());
  Status written = db_.WriteMaybeDeferred(write, options.commit_ticket);
  if (first_pass && written.code() == StatusCode::kCanceled &&
      written.message() == kRelationsFirstMarker) {
    first_pass = false;
    RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
      RALLY_ASSIGN_OR_RETURN(std::vector<Id> created,
                             ContactWriter::CreateRelations(tx, workspace_id, pending_relations,
                                                            pending_relations_at, companies_));
      relation_events.clear();
      for (Id id : created) {
        relation_events.push_back(
            MakeEvent(workspace_id, actor, pending_relations_at, events::CompanyCreated{id}));
      }
      return Status::Ok();
    }));
    written = db_.WriteMaybeDeferred(write, options.commit_ticket);
    // The companies exist whatever became of the batch: announce them anyway.
    if (!written.ok() && !relation_events.empty()) events_.Publish(relation_events);
  }
  if (!written.ok() && !(options.dry_run && written.code() == StatusCode::kCanceled &&
                         written.message() == kDryRunMarker)) {
    return written;
  }
  return results;
}

Result<ContactPatch> ContactService::ParseUpdateInTx(storage::Transaction& tx, Id workspace_id,
                                                     const ContactInput& input) {
  std::vector<fields::CustomField> custom;
  if (NeedsCustomFields(input)) {
    RALLY_ASSIGN_OR_RETURN(custom, fields::ListCustomFields(tx, workspace_id));
  }
  RALLY_ASSIGN_OR_RETURN(ContactPatch patch, ParseContactInput(input, custom, /*create=*/false));
  if (SetsPhones(patch)) {
    RALLY_ASSIGN_OR_RETURN(std::string region, ContactRepository::DefaultRegion(tx, workspace_id));
    FillPhoneE164(patch, region);
  }
  return patch;
}

Status ContactService::UpdateManyInTx(storage::Transaction& tx, Id workspace_id,
                                      std::span<const Id> ids, const ContactInput& input,
                                      const timeline::Actor& actor,
                                      std::vector<events::Event>& events) {
  RALLY_ASSIGN_OR_RETURN(ContactPatch patch, ParseUpdateInTx(tx, workspace_id, input));
  ContactWriter w(tx, workspace_id, actor, Now(), companies_);
  RALLY_ASSIGN_OR_RETURN(auto contacts, ContactRepository::FindByIds(tx, workspace_id, ids));
  for (const Contact& before : contacts) {
    Contact after;
    RALLY_RETURN_IF_ERROR(w.Apply(&before, patch, after).status());
  }
  for (events::Event& e : w.events()) events.push_back(std::move(e));
  return Status::Ok();
}

Result<ContactService::ManyCounts> ContactService::UpdateLiveManyInTx(
    storage::Transaction& tx, Id workspace_id, std::span<const Id> ids, const ContactInput& input,
    const timeline::Actor& actor, std::vector<events::Event>& events) {
  RALLY_ASSIGN_OR_RETURN(ContactPatch patch, ParseUpdateInTx(tx, workspace_id, input));
  // Bulk tagging reads ids and the named tags' assignments, not whole contacts to diff
  // (contact_tagger.h); it writes the same rows, entries and events as the writer below.
  if (OnlyAddsOrRemovesTags(patch)) {
    RALLY_ASSIGN_OR_RETURN(std::optional<TagManyCounts> tagged,
                           AddRemoveTagsMany(tx, workspace_id, ids, patch, actor, Now(), events));
    if (tagged) return ManyCounts{tagged->changed, tagged->unchanged, tagged->skipped};
  }
  ManyCounts counts;
  ContactWriter w(tx, workspace_id, actor, Now(), companies_);
  // Writes go out at the end, one multi-row statement per table (Flush below).
  w.DeferWrites();
  // The tags the patch names, looked up once for the batch rather than once per contact.
  std::vector<std::string> norms;
  if (patch.tags)
    for (const TagName& t : *patch.tags) norms.push_back(t.norm);
  for (const TagName& t : patch.add_tags) norms.push_back(t.norm);
  RALLY_RETURN_IF_ERROR(w.LoadTags(norms));
  RALLY_ASSIGN_OR_RETURN(auto contacts, ContactRepository::FindByIds(tx, workspace_id, ids));
  counts.skipped = static_cast<int64_t>(ids.size() - contacts.size());
  for (const Contact& before : contacts) {
    if (before.deleted_at) {
      ++counts.skipped;
      continue;
    }
    Contact after;
    RALLY_ASSIGN_OR_RETURN(ContactWriter::Outcome o, w.Apply(&before, patch, after));
    ++(o == ContactWriter::Outcome::kUnchanged ? counts.unchanged : counts.changed);
  }
  RALLY_RETURN_IF_ERROR(w.Flush());
  for (events::Event& e : w.events()) events.push_back(std::move(e));
  return counts;
}

Result<ContactService::ManyCounts> ContactService::DeleteManyInTx(
    storage::Transaction& tx, Id workspace_id, std::span<const Id> ids,
    const timeline::Actor& actor, std::vector<events::Event>& events) {
  return SetDeletedMany(tx, workspace_id, ids, actor, events, /*restore=*/false);
}

Result<ContactService::ManyCounts> ContactService::RestoreManyInTx(
    storage::Transaction& tx, Id workspace_id, std::span<const Id> ids,
    const timeline::Actor& actor, std::vector<events::Event>& events) {
  return SetDeletedMany(tx, workspace_id, ids, actor, events, /*restore=*/true);
}

Result<timeline::Activity> ContactService::AddActivity(Id workspace_id, Id contact_id,
                                                       const timeline::NewActivity& activity,
                                                       const timeline::Actor& actor) {
  timeline::Activity a{NewId(), workspace_id, contact_id, 0, activity.type, actor, activity.payload};
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto state, ContactRepository::FindDeletedAt(tx, workspace_id, contact_id));
    if (!state || *state) return DeletedNotFound(contact_id);
    Micros now = Now();
    a.occurred_at = activity.occurred_at.value_or(now);
    RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx, {&a, 1}));
    RALLY_RETURN_IF_ERROR(ContactRepository::SetLastActivity(tx, workspace_id, contact_id,
                                                             std::min(a.occurred_at, now)));
    events_.PublishAfterCommit(
        tx, {MakeEvent(workspace_id, actor, now,
                       events::ActivityAdded{contact_id, a.id,
                                             std::string(timeline::ActivityTypeName(a.type))})});
    return Status::Ok();
  }));
  return a;
}

Status ContactService::DeleteCustomField(Id workspace_id, Id field_id,
                                         const timeline::Actor& actor) {
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto defs, fields::ListCustomFields(tx, workspace_id));
    auto def = std::find_if(defs.begin(), defs.end(),
                            [&](const fields::CustomField& f) { return f.id == field_id; });
    if (def == defs.end()) return NotFound("no custom field " + IdToString(field_id));
    const std::string key = def->def.key;
    Micros now = Now();
    std::vector<events::Event> events;
    RALLY_ASSIGN_OR_RETURN(auto holders, ContactRepository::FindWithCustomKey(tx, workspace_id, key));
    for (auto& [id, custom] : holders) {
      if (custom.erase(key) == 0) continue;  // the LIKE matched a value, not the key
      RALLY_RETURN_IF_ERROR(ContactRepository::SetCustom(tx, workspace_id, id, custom));
      events.push_back(MakeEvent(workspace_id, actor, now, events::ContactUpdated{id, {"custom." + key}}));
    }
    RALLY_RETURN_IF_ERROR(fields::DeleteCustomFieldDefinition(tx, workspace_id, field_id));
    events.push_back(MakeEvent(workspace_id, actor, now, events::CustomFieldDeleted{field_id, key}));
    events_.PublishAfterCommit(tx, std::move(events));
    return Status::Ok();
  });
}

}  // namespace rally::contacts
