#include "contacts/unique_fields.h"

#include <algorithm>

#include "contacts/contact_writer.h"
#include "storage/dialect.h"

namespace rally::contacts {
namespace {

constexpr storage::RowColumn kNormColumn[] = {{"value_norm", storage::ColumnType::kText}};

std::optional<std::string> NormOf(const fields::CustomField& f, const json::object& custom) {
  const json::value* v = custom.if_contains(f.def.key);
  return v ? fields::UniqueValueNorm(f.def, *v) : std::nullopt;
}

}  // namespace

Result<std::unordered_map<std::string, EmailHolder>> FindUniqueHolders(
    storage::Connection& c, Id ws, Id field_id, std::span<const std::string> norms) {
  storage::Rows rows(kNormColumn);
  rows.Reserve(norms.size());
  for (const std::string& n : norms) rows.Push(n);
  storage::Value params[] = {ws, field_id};
  std::unordered_map<std::string, EmailHolder> out;
  RALLY_RETURN_IF_ERROR(storage::QueryRows(
      c,
      "SELECT u.value_norm, u.contact_id, c.deleted_at FROM custom_unique_values u JOIN contacts c"
      " ON c.workspace_id = u.workspace_id AND c.id = u.contact_id WHERE u.workspace_id = ? AND"
      " u.field_id = ? AND u.value_norm IN (SELECT v.value_norm FROM {rows})",
      params, rows, [&](const storage::Row& r) {
        out[std::string(r.Text(0))] = EmailHolder{r.Int(1), !r.IsNull(2)};
        return true;
      }));
  return out;
}

namespace {

Status NotAMatchField(std::string_view key, std::string_view why) {
  return FieldInvalid("match_on", "invalid",
                      "match_on \"custom." + std::string(key) + "\" " + std::string(why) +
                          "; match on email or on a unique custom field");
}

}  // namespace

bool BatchMatch::ByField(std::string_view match_on) {
  return !match_on.empty() && match_on != "email";
}

Result<BatchMatch> BatchMatch::Make(std::string_view match_on,
                                    std::span<const fields::CustomField> defs) {
  BatchMatch m;
  if (!ByField(match_on)) return m;
  std::string_view key = match_on;
  if (key.starts_with("custom.")) key.remove_prefix(7);
  auto it = std::find_if(defs.begin(), defs.end(),
                         [&](const fields::CustomField& f) { return f.def.key == key; });
  if (it == defs.end()) return NotAMatchField(key, "is not a custom field");
  if (!it->unique) return NotAMatchField(key, "is not a unique field");
  m.field_ = *it;
  return m;
}

Result<std::string> BatchMatch::KeyOf(const ContactPatch& patch) const {
  if (!field_) return patch.email->key;
  const json::value* v = patch.custom.if_contains(field_->def.key);
  std::optional<std::string> norm = v ? fields::UniqueValueNorm(field_->def, *v) : std::nullopt;
  if (!norm) {
    std::string path = field_->def.Path();
    return FieldInvalid(path, "required", path + " is required: items are matched on it");
  }
  return *norm;
}

Status BatchMatch::Load(ContactWriter& w, std::span<const std::string> keys) const {
  if (!field_) return w.LoadEmailHolders(keys);
  RALLY_ASSIGN_OR_RETURN(const std::vector<fields::CustomField>* unique,
                         w.unique().Fields(w.tx(), w.workspace_id()));
  bool still = std::any_of(unique->begin(), unique->end(),
                           [&](const fields::CustomField& f) { return f.id == field_->id; });
  if (!still) return NotAMatchField(field_->def.key, "is not a unique field");
  return w.unique().Preload(w.tx(), w.workspace_id(), field_->id, keys);
}

Result<std::optional<EmailHolder>> BatchMatch::Holder(ContactWriter& w,
                                                      const std::string& key) const {
  if (!field_) return w.Holder(key);
  return w.unique().Holder(w.tx(), w.workspace_id(), field_->id, key);
}

Result<const std::vector<fields::CustomField>*> UniqueValues::Fields(storage::Transaction& tx,
                                                                    Id ws) {
  if (!fields_) {
    // On PostgreSQL, the workspace row FOR SHARE (as FieldSettingsCache::Current reads it):
    // a field turned unique meanwhile (its transaction bumps that row's settings version) makes
    // this transaction run again and see it, and one being turned unique waits for this one and
    // then finds its values (it scans under READ COMMITTED). SQLite's single writer needs none.
    if (tx.dialect() == storage::Dialect::kPostgres) {
      storage::Value params[] = {ws};
      RALLY_RETURN_IF_ERROR(
          tx.QueryInt("SELECT settings_version FROM workspaces WHERE id = ? FOR SHARE", params)
              .status());
    }
    RALLY_ASSIGN_OR_RETURN(auto list, fields::ListUniqueCustomFields(tx, ws));
    fields_ = std::move(list);
  }
  return &*fields_;
}

Status UniqueValues::PreloadValues(storage::Transaction& tx, Id ws,
                                   std::span<const ContactPatch* const> patches) {
  bool any = std::any_of(patches.begin(), patches.end(),
                         [](const ContactPatch* p) { return !p->custom.empty(); });
  if (!any) return Status::Ok();
  RALLY_ASSIGN_OR_RETURN(const std::vector<fields::CustomField>* unique, Fields(tx, ws));
  for (const fields::CustomField& f : *unique) {
    std::vector<std::string> norms;
    for (const ContactPatch* p : patches)
      if (auto n = NormOf(f, p->custom)) norms.push_back(std::move(*n));
    RALLY_RETURN_IF_ERROR(Preload(tx, ws, f.id, norms));
  }
  return Status::Ok();
}

Status UniqueValues::Preload(storage::Transaction& tx, Id ws, Id field_id,
                             std::span<const std::string> norms) {
  std::vector<std::string> unknown;
  for (const std::string& n : norms)
    if (!holders_.contains({field_id, n})) unknown.push_back(n);
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  RALLY_ASSIGN_OR_RETURN(auto found, FindUniqueHolders(tx, ws, field_id, unknown));
  for (std::string& n : unknown) {
    auto it = found.find(n);
    holders_[{field_id, std::move(n)}] =
        it == found.end() ? std::nullopt : std::optional<EmailHolder>(it->second);
  }
  return Status::Ok();
}

Result<std::optional<EmailHolder>> UniqueValues::Holder(storage::Transaction& tx, Id ws,
                                                        Id field_id, const std::string& norm) {
  auto it = holders_.find({field_id, norm});
  if (it == holders_.end()) {
    std::string norms[] = {norm};
    RALLY_RETURN_IF_ERROR(Preload(tx, ws, field_id, norms));
    it = holders_.find({field_id, norm});
  }
  return it->second;
}

Result<std::vector<UniqueValues::Change>> UniqueValues::Check(storage::Transaction& tx, Id ws,
                                                              const Contact* before,
                                                              const Contact& after,
                                                              bool custom_touched) {
  std::vector<Change> changes;
  if (!custom_touched) return changes;
  RALLY_ASSIGN_OR_RETURN(const std::vector<fields::CustomField>* unique, Fields(tx, ws));
  std::vector<FieldError> dups;
  for (const fields::CustomField& f : *unique) {
    std::optional<std::string> old_norm;
    if (before) old_norm = NormOf(f, before->custom);
    std::optional<std::string> new_norm = NormOf(f, after.custom);
    if (old_norm == new_norm) continue;
    if (new_norm) {
      RALLY_ASSIGN_OR_RETURN(auto h, Holder(tx, ws, f.id, *new_norm));
      if (h && h->contact_id != after.id) {
        std::string shown = fields::FormatText(f.def, after.custom.at(f.def.key));
        std::string msg = "a contact with " + f.def.Path() + " \"" + shown +
                          "\" already exists (id " + IdToString(h->contact_id) + ")";
        if (h->deleted) {
          msg += "; it is deleted: restore it with POST /api/v1/contacts/" +
                 IdToString(h->contact_id) + "/restore";
        }
        dups.push_back({f.def.Path(), "duplicate", std::move(msg), IdToString(h->contact_id)});
        continue;
      }
    }
    changes.push_back({f.id, std::move(old_norm), std::move(new_norm)});
  }
  if (!dups.empty()) {
    std::string msg = dups[0].message;
    return AlreadyExists(std::move(msg), std::move(dups));
  }
  return changes;
}

Status UniqueValues::Write(storage::Transaction& tx, Id ws, Id contact_id, bool deleted,
                           std::span<const Change> changes, bool deferred) {
  for (const Change& c : changes) {
    if (c.old_norm) {
      Key key{c.field_id, *c.old_norm};
      if (!deferred) {
        RALLY_RETURN_IF_ERROR(tx.Execute("DELETE FROM custom_unique_values WHERE workspace_id = ?"
                                         " AND field_id = ? AND value_norm = ?",
                                         {ws, c.field_id, *c.old_norm})
                                  .status());
      } else if (inserts_.erase(key) == 0) {
        deletes_.push_back(key);
      }
      holders_[key] = std::nullopt;
    }
    if (c.new_norm) {
      Key key{c.field_id, *c.new_norm};
      if (!deferred) {
        RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO custom_unique_values (workspace_id,"
                                         " field_id, value_norm, contact_id) VALUES (?,?,?,?)",
                                         {ws, c.field_id, *c.new_norm, contact_id})
                                  .status());
      } else {
        inserts_[key] = contact_id;
      }
      holders_[key] = EmailHolder{contact_id, deleted};
    }
  }
  return Status::Ok();
}

Status UniqueValues::Flush(storage::Transaction& tx, Id ws) {
  static constexpr storage::RowColumn kDeleteColumns[] = {
      {"field_id", storage::ColumnType::kInt}, {"value_norm", storage::ColumnType::kText}};
  static constexpr storage::RowColumn kInsertColumns[] = {
      {"field_id", storage::ColumnType::kInt},
      {"value_norm", storage::ColumnType::kText},
      {"contact_id", storage::ColumnType::kInt}};
  storage::Value params[] = {ws};
  if (!deletes_.empty()) {
    storage::Rows rows(kDeleteColumns);
    for (const Key& k : deletes_) {
      rows.Push(k.first);
      rows.Push(k.second);
    }
    RALLY_RETURN_IF_ERROR(storage::ExecuteRows(
                              tx,
                              "DELETE FROM custom_unique_values WHERE workspace_id = ? AND"
                              " EXISTS (SELECT 1 FROM {rows} WHERE v.field_id ="
                              " custom_unique_values.field_id AND v.value_norm ="
                              " custom_unique_values.value_norm)",
                              params, rows)
                              .status());
  }
  if (!inserts_.empty()) {
    storage::Rows rows(kInsertColumns);
    for (const auto& [k, contact] : inserts_) {
      rows.Push(k.first);
      rows.Push(k.second);
      rows.Push(contact);
    }
    RALLY_RETURN_IF_ERROR(storage::ExecuteRows(tx,
                                               "INSERT INTO custom_unique_values (workspace_id,"
                                               " field_id, value_norm, contact_id) SELECT ?,"
                                               " v.field_id, v.value_norm, v.contact_id FROM"
                                               " {rows} WHERE true",
                                               params, rows)
                              .status());
  }
  deletes_.clear();
  inserts_.clear();
  return Status::Ok();
}

}  // namespace rally::contacts
