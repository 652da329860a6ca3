#include "fields/custom_fields.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "base/clock.h"
#include "base/strings.h"
#include "fields/builtin_fields.h"
#include "fields/field_settings.h"
#include "storage/dialect.h"

namespace rally::fields {
namespace {

// Advisory lock key space of uniqueness scans (one per workspace), apart from migrations'.
constexpr int64_t kUniqueScanLockBase = 0x756e697100000000;  // "uniq"

constexpr std::string_view kSelectColumns =
    "SELECT id, key, label, type, options, position, created_at, updated_at, is_unique"
    " FROM custom_fields ";

// Keys a custom field may not take: the built-in contact fields, the contact's other JSON keys
// and the filter language's aliases, so `key:value` in a filter, an import column and a JSON
// key always mean one field.
bool ReservedKey(std::string_view key) {
  static const std::string_view kReserved[] = {
      "id", "email", "emails", "additional_emails", "company", "owner", "tags", "tag",
      "add_tags", "remove_tags", "custom", "band", "stage", "score", "source", "phone_e164",
      "mobile_e164", "created", "created_at", "updated", "updated_at", "last_activity",
      "last_activity_at", "deleted_at", "name", "me", "none"};
  for (std::string_view r : kReserved)
    if (r == key) return true;
  return FindBuiltinField(key) != nullptr;
}

bool ValidKey(std::string_view key) {
  if (key.empty() || key.size() > 63 || key[0] < 'a' || key[0] > 'z') return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string Humanize(std::string_view key) {
  std::string out(key);
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

CustomField FromRow(const storage::Row& r) {
  CustomField f;
  f.id = r.Int(0);
  f.def.key = std::string(r.Text(1));
  f.def.label = std::string(r.Text(2));
  f.def.type = ParseFieldType(r.Text(3)).value_or(FieldType::kText);
  f.def.custom = true;
  auto opts = ParseJson(r.Text(4));
  if (opts.ok() && opts->is_array())
    for (const auto& o : opts->get_array())
      if (o.is_string()) f.def.options.emplace_back(o.get_string());
  f.position = static_cast<int>(r.Int(5));
  f.created_at = r.Int(6);
  f.updated_at = r.Int(7);
  f.unique = r.Int(8) != 0;
  return f;
}

// Validates select options: trimmed, non-empty, at most 200 bytes, unique case-insensitively.
Result<std::vector<std::string>> CleanOptions(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& raw : in) {
    std::string o = CollapseSpaces(raw);
    if (o.empty()) return FieldInvalid("options", "invalid", "options may not be empty strings");
    if (o.size() > 200) return FieldInvalid("options", "too_long", "an option is longer than 200 bytes");
    if (!seen.insert(CaseFold(o)).second)
      return FieldInvalid("options", "duplicate", "option \"" + o + "\" appears twice");
    out.push_back(std::move(o));
  }
  if (out.empty()) return FieldInvalid("options", "required", "a select field needs at least one option");
  if (out.size() > 1000) return FieldInvalid("options", "too_long", "at most 1000 options");
  return out;
}

std::string OptionsJson(const std::vector<std::string>& options) {
  json::array a;
  for (const auto& o : options) a.emplace_back(json::string(o));
  return json::serialize(a);
}

Result<CustomField> Load(storage::Connection& conn, Id ws, Id id) {
  std::optional<CustomField> out;
  RALLY_RETURN_IF_ERROR(conn.Query(std::string(kSelectColumns) + "WHERE workspace_id = ? AND id = ?",
                                   {ws, id}, [&](const storage::Row& r) {
                                     out = FromRow(r);
                                     return false;
                                   }));
  if (!out) return NotFound("custom field " + IdToString(id) + " not found");
  return *out;
}

// Marks `f` unique: indexes every contact's value of it (deleted contacts too: they keep their
// values reserved until purged) in custom_unique_values, refusing when two share one.
Status IndexUniqueValues(storage::Transaction& tx, Id ws, const CustomField& f) {
  // The stored JSON always quotes its keys, so the LIKE finds a superset of the holders.
  std::string pattern = "%\"" + f.def.key + "\"%";
  std::unordered_map<std::string, Id> holder;  // value_norm -> contact
  Status refused;
  RALLY_RETURN_IF_ERROR(tx.Query(
      "SELECT id, custom FROM contacts WHERE workspace_id = ? AND CAST(custom AS TEXT) LIKE ?"
      " ORDER BY id",
      {ws, pattern}, [&](const storage::Row& r) {
        auto custom = ParseJson(r.Text(1));
        if (!custom.ok() || !custom->is_object()) return true;
        const json::value* v = custom->get_object().if_contains(f.def.key);
        if (!v) return true;
        std::optional<std::string> norm = UniqueValueNorm(f.def, *v);
        if (!norm) return true;
        auto [it, fresh] = holder.emplace(*norm, r.Int(0));
        if (!fresh) {
          std::string shown = FormatText(f.def, *v);
          refused = AlreadyExists(
              "custom field \"" + f.def.key + "\" cannot be unique: contacts " +
                  IdToString(it->second) + " and " + IdToString(r.Int(0)) + " share the value \"" +
                  shown + "\"",
              {{"unique", "duplicate_values",
                "custom." + f.def.key + " value \"" + shown + "\" is held by more than one contact",
                IdToString(it->second)}});
          return false;
        }
        return true;
      }));
  RALLY_RETURN_IF_ERROR(refused);
  for (const auto& [norm, contact] : holder) {
    RALLY_RETURN_IF_ERROR(tx.Execute("INSERT INTO custom_unique_values (workspace_id, field_id,"
                                     " value_norm, contact_id) VALUES (?,?,?,?)",
                                     {ws, f.id, norm, contact})
                              .status());
  }
  return Status::Ok();
}

Result<std::string> CleanLabel(const std::string& raw) {
  std::string label = CollapseSpaces(raw);
  if (label.empty()) return FieldInvalid("label", "required", "label may not be empty");
  if (label.size() > 200) return FieldInvalid("label", "too_long", "label is longer than 200 bytes");
  return label;
}

}  // namespace

bool CanBeUnique(FieldType type) { return type == FieldType::kText || type == FieldType::kNumber; }

std::optional<std::string> UniqueValueNorm(const FieldDef& def, const json::value& value) {
  if (value.is_null()) return std::nullopt;
  if (def.type == FieldType::kNumber && (value.is_number())) {
    double d = value.to_number<double>();
    // Whole numbers print without a fraction so that 42 and 42.0 meet; others round-trip.
    if (std::nearbyint(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return std::string(buf);
  }
  std::string text = value.is_string() ? std::string(value.get_string()) : json::serialize(value);
  std::string norm = CaseFold(CollapseSpaces(text));
  if (norm.empty()) return std::nullopt;
  return norm;
}

Result<std::vector<CustomField>> ListCustomFields(storage::Connection& conn, Id workspace_id) {
  std::vector<CustomField> out;
  RALLY_RETURN_IF_ERROR(conn.Query(
      std::string(kSelectColumns) + "WHERE workspace_id = ? ORDER BY position, id", {workspace_id},
      [&](const storage::Row& r) {
        out.push_back(FromRow(r));
        return true;
      }));
  return out;
}

Result<std::vector<CustomField>> ListUniqueCustomFields(storage::Connection& conn,
                                                        Id workspace_id) {
  // The contacts write path asks on every write that touches custom values; most workspaces
  // have no unique field, and then this reads no row.
  static const std::string sql = std::string(kSelectColumns) +
                                 "WHERE workspace_id = ? AND is_unique <> 0 ORDER BY position, id";
  std::vector<CustomField> out;
  RALLY_RETURN_IF_ERROR(conn.Query(sql, {workspace_id}, [&](const storage::Row& r) {
    out.push_back(FromRow(r));
    return true;
  }));
  return out;
}

Status DeleteCustomFieldDefinition(storage::Transaction& tx, Id workspace_id, Id id) {
  RALLY_ASSIGN_OR_RETURN(int64_t n, tx.Execute("DELETE FROM custom_fields WHERE workspace_id = ? AND id = ?",
                                               {workspace_id, id}));
  if (n == 0) return NotFound("custom field " + IdToString(id) + " not found");
  return BumpSettingsVersion(tx, workspace_id);
}

Result<std::vector<CustomField>> CustomFieldService::List(Id workspace_id) {
  std::vector<CustomField> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, ListCustomFields(c, workspace_id));
    return Status::Ok();
  }));
  return out;
}

Result<CustomField> CustomFieldService::Get(Id workspace_id, Id id) {
  std::optional<CustomField> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(CustomField f, Load(c, workspace_id, id));
    out = std::move(f);
    return Status::Ok();
  }));
  return *out;
}

Result<CustomField> CustomFieldService::GetByKey(Id workspace_id, std::string_view key) {
  RALLY_ASSIGN_OR_RETURN(auto all, List(workspace_id));
  for (auto& f : all)
    if (f.def.key == key) return f;
  return NotFound("custom field \"" + std::string(key) + "\" not found");
}

Result<CustomField> CustomFieldService::Create(Id workspace_id, const CustomFieldInput& in) {
  std::vector<FieldError> errors;
  std::string key = in.key ? std::string(Trim(*in.key)) : "";
  if (key.empty()) {
    errors.push_back({"key", "required", "key is required", {}});
  } else if (!ValidKey(key)) {
    errors.push_back({"key", "invalid",
                      "key must start with a-z and hold only a-z, 0-9 and _ (at most 63)", {}});
  } else if (ReservedKey(key)) {
    errors.push_back({"key", "reserved", "\"" + key + "\" is a built-in field name; choose another key", {}});
  }
  std::optional<FieldType> type = in.type ? ParseFieldType(*in.type) : std::nullopt;
  if (!in.type) {
    errors.push_back({"type", "required", "type is required", {}});
  } else if (!type || !IsCustomFieldType(*type)) {
    errors.push_back({"type", "invalid", "type must be text, number, date, boolean or select", {}});
  }
  std::vector<std::string> options;
  if (type == FieldType::kSelect) {
    auto cleaned = CleanOptions(in.options.value_or(std::vector<std::string>{}));
    if (!cleaned.ok()) errors.push_back(cleaned.status().details().at(0));
    else options = std::move(*cleaned);
  } else if (in.options && !in.options->empty()) {
    errors.push_back({"options", "invalid", "only select fields have options", {}});
  }
  if (in.unique.value_or(false) && type && !CanBeUnique(*type)) {
    errors.push_back({"unique", "invalid", "only text and number fields can be unique", {}});
  }
  std::string label = Humanize(key);
  if (in.label) {
    auto l = CleanLabel(*in.label);
    if (!l.ok()) errors.push_back(l.status().details().at(0));
    else label = *l;
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }

  CustomField f;
  f.id = NewId();
  f.def.key = key;
  f.def.label = label;
  f.def.type = *type;
  f.def.custom = true;
  f.def.options = options;
  f.unique = in.unique.value_or(false);
  f.created_at = f.updated_at = Now();
  Status s = db_.Write([&](storage::Transaction& tx) -> Status {
    if (in.position) {
      f.position = *in.position;
    } else {
      RALLY_ASSIGN_OR_RETURN(auto max, tx.QueryInt("SELECT MAX(position) FROM custom_fields WHERE workspace_id = ?",
                                                   {workspace_id}));
      f.position = max ? static_cast<int>(*max) + 1 : 0;
    }
    RALLY_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO custom_fields (workspace_id, id, key, label, type, options,"
                   " position, created_at, updated_at, is_unique) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   {workspace_id, f.id, key, label, std::string(FieldTypeName(*type)),
                    OptionsJson(options), int64_t{f.position}, f.created_at, f.updated_at,
                    int64_t{f.unique ? 1 : 0}})
            .status());
    return BumpSettingsVersion(tx, workspace_id);
  });
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("a custom field with key \"" + key + "\" already exists",
                         {{"key", "duplicate", "key \"" + key + "\" is taken", {}}});
  }
  RALLY_RETURN_IF_ERROR(s);
  return f;
}

Result<CustomField> CustomFieldService::Update(Id workspace_id, Id id, const CustomFieldInput& in) {
  std::vector<FieldError> errors;
  std::optional<std::string> label;
  if (in.label) {
    auto l = CleanLabel(*in.label);
    if (!l.ok()) errors.push_back(l.status().details().at(0));
    else label = *l;
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }

  std::optional<CustomField> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    if (in.unique.value_or(false)) {
      // Turning uniqueness on scans every value: under READ COMMITTED (PostgreSQL), after the
      // settings bump below has waited for writers holding the workspace row (they read it
      // FOR SHARE: contacts/unique_fields.h), so the scan sees what they committed.
      RALLY_RETURN_IF_ERROR(storage::SerializeTransaction(tx, kUniqueScanLockBase ^ workspace_id));
    }
    RALLY_ASSIGN_OR_RETURN(CustomField f, Load(tx, workspace_id, id));
    // Key and type are fixed; sending them back unchanged (a GET body edited and PATCHed) is fine.
    std::vector<FieldError> fixed;
    if (in.key && Trim(*in.key) != f.def.key)
      fixed.push_back({"key", "immutable", "a custom field's key cannot change; change its label", {}});
    if (in.type && ParseFieldType(*in.type) != f.def.type)
      fixed.push_back({"type", "immutable", "a custom field's type cannot change", {}});
    if (!fixed.empty()) {
      std::string message = fixed.front().message;
      return InvalidArgument(std::move(message), std::move(fixed));
    }
    if (label) f.def.label = *label;
    if (in.position) f.position = *in.position;
    if (in.options) {
      if (f.def.type != FieldType::kSelect)
        return FieldInvalid("options", "invalid", "only select fields have options");
      RALLY_ASSIGN_OR_RETURN(auto cleaned, CleanOptions(*in.options));
      // An option still held by a contact may not disappear: its value would no longer validate.
      std::set<std::string> kept;
      for (const auto& o : cleaned) kept.insert(o);
      for (const auto& old : f.def.options) {
        if (kept.count(old)) continue;
        std::string sql = "SELECT COUNT(*) FROM contacts WHERE workspace_id = ? AND " +
                          storage::JsonField(tx.dialect(), "custom") + " = ?";
        RALLY_ASSIGN_OR_RETURN(auto used, tx.QueryInt(sql, {workspace_id, f.def.key, old}));
        if (used.value_or(0) > 0) {
          return Status(StatusCode::kFailedPrecondition,
                        "option \"" + old + "\" is used by " + std::to_string(*used) +
                            " contacts; change their value first",
                        {{"options", "in_use", "option \"" + old + "\" is in use", {}}});
        }
      }
      f.def.options = std::move(cleaned);
    }
    if (in.unique && *in.unique != f.unique) {
      if (*in.unique && !CanBeUnique(f.def.type))
        return FieldInvalid("unique", "invalid", "only text and number fields can be unique");
      f.unique = *in.unique;
      // The settings version goes first: on PostgreSQL that row lock orders this change after
      // writers that validated against the old settings (fields/field_settings.h).
      RALLY_RETURN_IF_ERROR(BumpSettingsVersion(tx, workspace_id));
      if (f.unique) {
        RALLY_RETURN_IF_ERROR(IndexUniqueValues(tx, workspace_id, f));
      } else {
        RALLY_RETURN_IF_ERROR(tx.Execute("DELETE FROM custom_unique_values WHERE workspace_id = ?"
                                         " AND field_id = ?",
                                         {workspace_id, id})
                                  .status());
      }
    }
    f.updated_at = Now();
    RALLY_RETURN_IF_ERROR(tx.Execute("UPDATE custom_fields SET label = ?, options = ?, position = ?,"
                                     " updated_at = ?, is_unique = ? WHERE workspace_id = ? AND id = ?",
                                     {f.def.label, OptionsJson(f.def.options), int64_t{f.position},
                                      f.updated_at, int64_t{f.unique ? 1 : 0}, workspace_id, id})
                              .status());
    RALLY_RETURN_IF_ERROR(BumpSettingsVersion(tx, workspace_id));
    out = std::move(f);
    return Status::Ok();
  }));
  return *out;
}

json::object CustomFieldToJson(const CustomField& f) {
  json::object o;
  o["id"] = IdToString(f.id);
  o["key"] = f.def.key;
  o["label"] = f.def.label;
  o["type"] = FieldTypeName(f.def.type);
  json::array opts;
  for (const auto& opt : f.def.options) opts.emplace_back(json::string(opt));
  o["options"] = std::move(opts);
  o["position"] = f.position;
  o["unique"] = f.unique;
  o["created_at"] = FormatTimestamp(f.created_at);
  o["updated_at"] = FormatTimestamp(f.updated_at);
  return o;
}

}  // namespace rally::fields
