#include "contacts/contact_writer.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "contacts/contact_diff.h"
#include "fields/field.h"
#include "timeline/activity_repository.h"

namespace rally::contacts {
namespace {

std::string DuplicateMessage(std::string_view email, const EmailHolder& h) {
  std::string msg = "a contact with email " + std::string(email) + " already exists (id " +
                    IdToString(h.contact_id) + ")";
  if (h.deleted) msg += "; it is deleted: restore it with POST /api/v1/contacts/" +
                        IdToString(h.contact_id) + "/restore";
  return msg;
}

}  // namespace

std::string EmailKey(std::string_view display) {
  auto e = fields::NormalizeEmail(display);
  return e.ok() ? e->key : CaseFold(Trim(display));
}

Status ContactWriter::LoadEmailHolders(std::span<const std::string> keys) {
  std::vector<std::string> unknown;
  for (const std::string& k : keys)
    if (!holders_.contains(k)) unknown.push_back(k);
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  RALLY_ASSIGN_OR_RETURN(auto found, ContactRepository::FindEmailHolders(tx_, ws_, unknown));
  for (const std::string& k : unknown) {
    auto it = found.find(k);
    holders_[k] = it == found.end() ? std::nullopt : std::optional<EmailHolder>(it->second);
  }
  return Status::Ok();
}

Status ContactWriter::LoadTags(std::span<const std::string> norms) {
  std::vector<std::string> unknown;
  for (const std::string& n : norms)
    if (!tags_.contains(n) && !tags_checked_.contains(n)) unknown.push_back(n);
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  RALLY_ASSIGN_OR_RETURN(auto found, ContactRepository::FindTagsByNorm(tx_, ws_, unknown));
  for (TagRef& t : found) tags_[t.norm] = std::move(t);
  for (const std::string& n : unknown)
    if (!tags_.contains(n)) tags_checked_.insert(n);
  return Status::Ok();
}

Result<std::optional<EmailHolder>> ContactWriter::Holder(const std::string& key) {
  if (!holders_.contains(key)) {
    std::string keys[] = {key};
    RALLY_RETURN_IF_ERROR(LoadEmailHolders(keys));
  }
  return holders_[key];
}

Result<std::optional<OwnerRef>> ContactWriter::ResolveOwner(const OwnerInput& in) {
  std::string cache_key;
  std::string email_key;
  if (in.id) {
    cache_key = "id:" + IdToString(*in.id);
  } else {
    // Users are stored under the same key (auth uses fields::NormalizeEmail too).
    email_key = EmailKey(in.email);
    cache_key = "email:" + email_key;
  }
  if (auto it = owners_.find(cache_key); it != owners_.end()) return it->second;
  std::optional<OwnerRef> found;
  if (in.id) {
    RALLY_ASSIGN_OR_RETURN(found, ContactRepository::FindUserById(tx_, ws_, *in.id));
  } else {
    RALLY_ASSIGN_OR_RETURN(found, ContactRepository::FindUserByEmailNorm(tx_, ws_, email_key));
  }
  owners_[cache_key] = found;
  return found;
}

Result<TagRef> ContactWriter::ResolveTag(const TagName& name) {
  if (auto it = tags_.find(name.norm); it != tags_.end()) return it->second;
  if (!tags_checked_.contains(name.norm)) {
    std::string norms[] = {name.norm};
    RALLY_RETURN_IF_ERROR(LoadTags(norms));
    if (auto it = tags_.find(name.norm); it != tags_.end()) return it->second;
  }
  TagRef t{NewId(), name.display, name.norm};
  if (deferred_) {
    // Written by Flush, before the tag assignments that refer to it.
    tags_checked_.erase(name.norm);
    tags_[name.norm] = t;
    new_relations_.tags.push_back(t);
    return t;
  }
  RALLY_ASSIGN_OR_RETURN(bool inserted, ContactRepository::InsertTagIfAbsent(tx_, ws_, t, now_));
  if (!inserted) {
    // Created by someone else since we looked (PostgreSQL, several writers): use theirs.
    tags_checked_.erase(name.norm);
    std::string norms[] = {name.norm};
    RALLY_RETURN_IF_ERROR(LoadTags(norms));
    auto it = tags_.find(name.norm);
    if (it == tags_.end()) return Internal("tag vanished while being created");
    return it->second;
  }
  tags_checked_.erase(name.norm);
  tags_[name.norm] = t;
  return t;
}

Result<ContactWriter::Outcome> ContactWriter::Apply(const Contact* before, const ContactPatch& p,
                                                    Contact& after) {
  wrote_ = false;
  after = before ? *before : Contact{};
  if (!before) {
    after.id = NewId();
    after.workspace_id = ws_;
    after.created_at = after.updated_at = now_;
  }

  // 1. Relations that must already exist: every unknown one is reported at once.
  std::vector<FieldError> errors;
  if (p.owner) {
    if (!*p.owner) {
      after.owner.reset();
    } else {
      RALLY_ASSIGN_OR_RETURN(auto owner, ResolveOwner(**p.owner));
      if (owner) {
        after.owner = std::move(*owner);
      } else {
        std::string shown = (*p.owner)->id ? IdToString(*(*p.owner)->id) : (*p.owner)->email;
        errors.push_back({"owner", "not_found", "no active user " + shown + " in this workspace", {}});
      }
    }
  }
  const CompanyInput* company_by_name = nullptr;
  if (p.company) {
    if (!*p.company) {
      after.company.reset();
    } else if ((*p.company)->id) {
      auto c = companies_.GetIn(tx_, ws_, *(*p.company)->id);
      if (c.ok()) {
        after.company = CompanyRef{c->id, c->name};
      } else if (c.status().code() == StatusCode::kNotFound) {
        errors.push_back({"company", "not_found",
                          "no company " + IdToString(*(*p.company)->id) + " in this workspace", {}});
      } else {
        return c.status();
      }
    } else {
      company_by_name = &**p.company;
    }
  }
  if (!errors.empty()) {
    std::string msg = errors.size() == 1 ? errors[0].message : "owner and company not found";
    return InvalidArgument(std::move(msg), std::move(errors));
  }

  // 2. Emails, and their uniqueness across the workspace, before anything is written.
  std::vector<EmailRow> old_rows, new_rows;
  bool emails_touched = !before || p.email || p.additional_emails;
  if (emails_touched) {
    if (before) {
      old_rows.push_back({EmailKey(before->email), before->email});
      for (const std::string& e : before->additional_emails) old_rows.push_back({EmailKey(e), e});
    }
    if (!p.email && old_rows.empty()) {
      return FieldInvalid("email", "required", "email is required");
    }
    if (p.email) {
      after.email = p.email->display;
      new_rows.push_back({p.email->key, p.email->display});
    } else {
      new_rows.push_back(old_rows.front());
    }
    std::vector<EmailRow> additional;
    if (p.additional_emails) {
      for (const auto& e : *p.additional_emails) additional.push_back({e.key, e.display});
    } else {
      additional.assign(old_rows.begin() + (old_rows.empty() ? 0 : 1), old_rows.end());
    }
    after.additional_emails.clear();
    for (EmailRow& r : additional) {
      // The primary email is not repeated among the additional ones.
      bool dup = std::any_of(new_rows.begin(), new_rows.end(),
                             [&](const EmailRow& x) { return x.key == r.key; });
      if (dup) continue;
      after.additional_emails.push_back(r.display);
      new_rows.push_back(std::move(r));
    }
    std::set<std::string> old_keys;
    for (const EmailRow& r : old_rows) old_keys.insert(r.key);
    std::vector<std::string> added;
    for (const EmailRow& r : new_rows)
      if (!old_keys.contains(r.key)) added.push_back(r.key);
    RALLY_RETURN_IF_ERROR(LoadEmailHolders(added));
    std::vector<FieldError> dups;
    for (size_t i = 0; i < new_rows.size(); ++i) {
      if (old_keys.contains(new_rows[i].key)) continue;
      const std::optional<EmailHolder>& h = holders_[new_rows[i].key];
      if (h && h->contact_id != after.id) {
        dups.push_back({i == 0 ? "email" : "additional_emails", "duplicate",
                        DuplicateMessage(new_rows[i].display, *h), IdToString(h->contact_id)});
      }
    }
    if (!dups.empty()) {
      std::string msg = dups[0].message;
      return AlreadyExists(std::move(msg), std::move(dups));
    }
  }

  // 3. Plain fields.
  for (const auto& [index, value] : p.text) {
    const TextColumn& col = TextColumns()[index];
    after.*col.member = value;
    if (col.key == "phone") after.phone_e164 = value ? p.phone_e164 : std::nullopt;
    if (col.key == "mobile") after.mobile_e164 = value ? p.mobile_e164 : std::nullopt;
  }
  if (p.lifecycle_stage) after.lifecycle_stage = *p.lifecycle_stage;
  if (p.lead_score) after.lead_score = *p.lead_score;
  if (p.clear_custom) after.custom.clear();
  for (const auto& kv : p.custom) {
    if (kv.value().is_null()) after.custom.erase(kv.key());
    else after.custom[kv.key()] = kv.value();
  }
  // Unique custom field values, checked like the emails before anything is written.
  RALLY_ASSIGN_OR_RETURN(
      std::vector<UniqueValues::Change> unique_changes,
      unique_.Check(tx_, ws_, before, after, p.clear_custom || !p.custom.empty()));

  // 4. Relations created on first use. A company or tag created here and then found to change
  // nothing stays (it is harmless, and rare: only an unchanged write naming a new one). From
  // here on nothing refuses the input: only storage errors can fail.
  wrote_ = true;
  if (company_by_name) {
    RALLY_ASSIGN_OR_RETURN(after.company, ResolveCompanyByName(*company_by_name));
  }
  if (p.tags || !p.add_tags.empty() || !p.remove_tags.empty()) {
    std::vector<TagName> names;
    if (p.tags) {
      names = *p.tags;
    } else {
      for (const TagRef& t : after.tags) names.push_back({t.name, t.norm});
    }
    for (const TagName& t : p.add_tags) {
      if (std::none_of(names.begin(), names.end(), [&](const TagName& n) { return n.norm == t.norm; }))
        names.push_back(t);
    }
    std::erase_if(names, [&](const TagName& n) {
      return std::any_of(p.remove_tags.begin(), p.remove_tags.end(),
                         [&](const TagName& r) { return r.norm == n.norm; });
    });
    std::vector<TagRef> resolved;
    for (const TagName& n : names) {
      auto kept = std::find_if(after.tags.begin(), after.tags.end(),
                               [&](const TagRef& t) { return t.norm == n.norm; });
      if (kept != after.tags.end()) {
        resolved.push_back(*kept);
      } else {
        RALLY_ASSIGN_OR_RETURN(TagRef t, ResolveTag(n));
        resolved.push_back(std::move(t));
      }
    }
    std::sort(resolved.begin(), resolved.end(),
              [](const TagRef& a, const TagRef& b) { return a.norm < b.norm; });
    after.tags = std::move(resolved);
  }

  // 5. Diff; nothing to write when nothing changed.
  ContactDiff diff;
  if (before) {
    diff = DiffContacts(*before, after);
    if (diff.empty()) {
      after = *before;
      return Outcome::kUnchanged;
    }
    after.updated_at = now_;
  }

  // 6. Write (in batch mode: queue for Flush).
  std::string primary_key = emails_touched ? new_rows.front().key : EmailKey(after.email);
  bool rows_differ = emails_touched && (old_rows.size() != new_rows.size() ||
                                        !std::equal(old_rows.begin(), old_rows.end(), new_rows.begin(),
                                                    [](const EmailRow& a, const EmailRow& b) {
                                                      return a.key == b.key && a.display == b.display;
                                                    }));
  if (deferred_) {
    std::vector<timeline::Activity> activities;
    RecordWrite(before, after, diff, actor_, now_, activities, events_);
    const bool row_changed =
        before == nullptr || std::any_of(diff.changed_fields.begin(), diff.changed_fields.end(),
                                         [](const std::string& f) { return f != "tags"; });
    Defer(before, after, std::move(primary_key), rows_differ,
          rows_differ ? new_rows : std::vector<EmailRow>{}, std::move(activities), row_changed);
  } else {
    RALLY_RETURN_IF_ERROR(WriteNow(before, after, diff, primary_key, rows_differ, new_rows));
  }
  RALLY_RETURN_IF_ERROR(unique_.Write(tx_, ws_, after.id, after.deleted_at.has_value(),
                                      unique_changes, deferred_));

  // 7. Only now, with every statement done (or queued), does the holder cache learn the new
  // state.
  if (rows_differ) {
    for (const EmailRow& r : old_rows) holders_[r.key] = std::nullopt;
    for (const EmailRow& r : new_rows) {
      holders_[r.key] = EmailHolder{after.id, after.deleted_at.has_value()};
    }
  }
  return before ? Outcome::kUpdated : Outcome::kCreated;
}

Status ContactWriter::WriteNow(const Contact* before, const Contact& after, const ContactDiff& diff,
                               const std::string& primary_key, bool rows_differ,
                               std::span<const EmailRow> new_rows) {
  if (before) {
    RALLY_RETURN_IF_ERROR(ContactRepository::Update(tx_, after, primary_key));
  } else {
    RALLY_RETURN_IF_ERROR(ContactRepository::Insert(tx_, after, primary_key));
  }
  if (rows_differ) {
    RALLY_RETURN_IF_ERROR(ContactRepository::ReplaceEmails(tx_, ws_, after.id, new_rows,
                                                           before != nullptr));
  }
  // One statement per kind of change, not one per tag.
  auto assignments = [&](std::span<const TagRef> tags) {
    std::vector<ContactRepository::TagAssignment> out;
    out.reserve(tags.size());
    for (const TagRef& t : tags) out.push_back({after.id, t.id});
    return out;
  };
  if (before) {
    if (!diff.tags_removed.empty())
      RALLY_RETURN_IF_ERROR(ContactRepository::RemoveTags(tx_, ws_, assignments(diff.tags_removed)));
    if (!diff.tags_added.empty())
      RALLY_RETURN_IF_ERROR(ContactRepository::AddTags(tx_, ws_, assignments(diff.tags_added)));
  } else if (!after.tags.empty()) {
    RALLY_RETURN_IF_ERROR(ContactRepository::AddTagsToNew(tx_, ws_, assignments(after.tags)));
  }
  std::vector<timeline::Activity> activities;
  RecordWrite(before, after, diff, actor_, now_, activities, events_);
  return timeline::ActivityRepository::Insert(tx_, activities);
}

Result<CompanyRef> ContactWriter::ResolveCompanyByName(const CompanyInput& in) {
  // A batch names the same few companies over and over: one lookup per name per transaction.
  RALLY_ASSIGN_OR_RETURN(companies::CompanyName name, companies::NormalizeCompanyName(in.name));
  if (auto it = companies_by_norm_.find(name.norm); it != companies_by_norm_.end()) {
    return it->second;
  }
  if (!deferred_) {
    RALLY_ASSIGN_OR_RETURN(companies::FoundCompany found,
                           companies_.FindOrCreate(tx_, ws_, in.name, in.domain));
    CompanyRef ref{found.company.id, found.company.name};
    companies_by_norm_.emplace(name.norm, ref);
    if (found.created) {
      events_.push_back(MakeEvent(ws_, actor_, now_, events::CompanyCreated{found.company.id}));
    }
    return ref;
  }
  if (!companies_checked_.contains(name.norm)) {
    std::string norms[] = {name.norm};
    RALLY_ASSIGN_OR_RETURN(auto found, companies_.FindManyIn(tx_, ws_, norms));
    if (!found.empty()) {
      CompanyRef ref{found.front().second.id, found.front().second.name};
      companies_by_norm_.emplace(name.norm, ref);
      return ref;
    }
  }
  // New: its id now, its row with Flush (before the contact rows that refer to it).
  RALLY_ASSIGN_OR_RETURN(companies::Company c,
                         companies::CompanyService::MakeNew(ws_, name, in.domain, now_));
  CompanyRef ref{c.id, c.name};
  companies_by_norm_.emplace(name.norm, ref);
  companies_checked_.erase(name.norm);
  events_.push_back(MakeEvent(ws_, actor_, now_, events::CompanyCreated{c.id}));
  new_relations_.companies.emplace_back(std::move(c), name.norm);
  return ref;
}

Status ContactWriter::LoadCompanies(std::span<const std::string> names) {
  std::vector<std::string> unknown;
  for (const std::string& n : names) {
    auto name = companies::NormalizeCompanyName(n);
    if (!name.ok()) continue;  // reported by the Apply that names it
    if (!companies_by_norm_.contains(name->norm) && !companies_checked_.contains(name->norm)) {
      unknown.push_back(std::move(name->norm));
    }
  }
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  RALLY_ASSIGN_OR_RETURN(auto found, companies_.FindManyIn(tx_, ws_, unknown));
  for (auto& [norm, company] : found) {
    companies_by_norm_.emplace(norm, CompanyRef{company.id, std::move(company.name)});
  }
  for (std::string& n : unknown)
    if (!companies_by_norm_.contains(n)) companies_checked_.insert(std::move(n));
  return Status::Ok();
}

void ContactWriter::Defer(const Contact* before, const Contact& after, std::string primary_key,
                          bool emails_changed, std::vector<EmailRow> emails,
                          std::vector<timeline::Activity> activities, bool row_changed) {
  auto [it, fresh] = pending_index_.emplace(after.id, pending_.size());
  if (fresh) {
    Pending p;
    p.existed = before != nullptr;
    if (before) p.stored_tags = before->tags;
    pending_.push_back(std::move(p));
  }
  // A later Apply to the same contact started from this one's `after`: its state replaces it.
  Pending& p = pending_[it->second];
  p.after = after;
  p.email_key = std::move(primary_key);
  p.row_changed = p.row_changed || row_changed;
  if (emails_changed) {
    p.emails_changed = true;
    p.emails = std::move(emails);
  }
  for (timeline::Activity& a : activities) pending_activities_.push_back(std::move(a));
}

Status ContactWriter::Flush() {
  // Companies and tags first, then contacts: the rows after them refer to them.
  if (!new_relations_.companies.empty()) {
    std::vector<companies::CompanyRepository::NewCompany> rows;
    rows.reserve(new_relations_.companies.size());
    for (const auto& [company, norm] : new_relations_.companies) rows.push_back({&company, norm});
    RALLY_RETURN_IF_ERROR(companies_.InsertNew(tx_, ws_, rows));
  }
  RALLY_RETURN_IF_ERROR(ContactRepository::InsertTags(tx_, ws_, new_relations_.tags, now_));
  std::vector<ContactRepository::ContactRow> inserts, updates, touches;
  std::vector<Id> replaced_emails;
  std::vector<ContactRepository::EmailAssignment> emails;
  // Tags of contacts this batch creates need no conflict check (AddTagsToNew).
  std::vector<ContactRepository::TagAssignment> tags_added, tags_of_new, tags_removed;
  auto has_tag = [](const std::vector<TagRef>& tags, Id id) {
    return std::any_of(tags.begin(), tags.end(), [&](const TagRef& t) { return t.id == id; });
  };
  for (const Pending& p : pending_) {
    Id id = p.after.id;
    (!p.existed ? inserts : p.row_changed ? updates : touches).push_back({&p.after, p.email_key});
    if (p.emails_changed) {
      if (p.existed) replaced_emails.push_back(id);
      for (size_t i = 0; i < p.emails.size(); ++i) {
        emails.push_back({id, &p.emails[i], static_cast<int64_t>(i)});
      }
    }
    for (const TagRef& t : p.after.tags) {
      if (has_tag(p.stored_tags, t.id)) continue;
      (p.existed ? tags_added : tags_of_new).push_back({id, t.id});
    }
    for (const TagRef& t : p.stored_tags)
      if (!has_tag(p.after.tags, t.id)) tags_removed.push_back({id, t.id});
  }
  RALLY_RETURN_IF_ERROR(ContactRepository::InsertMany(tx_, ws_, inserts));
  RALLY_RETURN_IF_ERROR(ContactRepository::UpdateMany(tx_, ws_, updates));
  RALLY_RETURN_IF_ERROR(ContactRepository::TouchMany(tx_, ws_, touches));
  // Every old email row goes before any new one is written, so an email moving between two
  // contacts of the batch never meets itself.
  RALLY_RETURN_IF_ERROR(ContactRepository::DeleteEmails(tx_, ws_, replaced_emails));
  RALLY_RETURN_IF_ERROR(ContactRepository::InsertEmails(tx_, ws_, emails));
  RALLY_RETURN_IF_ERROR(ContactRepository::RemoveTags(tx_, ws_, tags_removed));
  RALLY_RETURN_IF_ERROR(ContactRepository::AddTags(tx_, ws_, tags_added));
  RALLY_RETURN_IF_ERROR(ContactRepository::AddTagsToNew(tx_, ws_, tags_of_new));
  RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx_, pending_activities_));
  RALLY_RETURN_IF_ERROR(unique_.Flush(tx_, ws_));
  pending_.clear();
  pending_index_.clear();
  pending_activities_.clear();
  new_relations_ = {};
  return Status::Ok();
}

Result<std::vector<Id>> ContactWriter::CreateRelations(storage::Transaction& tx, Id ws,
                                                       const NewRelations& relations, Micros now,
                                                       companies::CompanyService& companies) {
  std::vector<companies::CompanyRepository::NewCompany> rows;
  rows.reserve(relations.companies.size());
  for (const auto& [company, norm] : relations.companies) rows.push_back({&company, norm});
  RALLY_ASSIGN_OR_RETURN(std::vector<Id> created, companies.InsertNewIfAbsent(tx, ws, rows));
  RALLY_RETURN_IF_ERROR(ContactRepository::InsertTags(tx, ws, relations.tags, now,
                                                      /*if_absent=*/true));
  return created;
}

}  // namespace rally::contacts
