#include "segments/bulk_action.h"

#include <algorithm>
#include <set>

namespace rally::segments {
namespace {

Status Invalid(std::string field, std::string code, std::string message) {
  return FieldInvalid(std::move(field), std::move(code), std::move(message));
}

// A set key as a contact input key (aliases resolved); "" when a bulk action may not set it.
std::string InputKey(std::string_view key) {
  static const std::set<std::string_view> kRefused = {"email", "additional_emails", "tags",
                                                      "add_tags", "remove_tags", "custom", "id"};
  if (kRefused.contains(key)) return "";
  if (key == "stage") return "lifecycle_stage";
  if (key == "score") return "lead_score";
  if (key == "source") return "lead_source";
  return std::string(key);
}

Status AddSet(json::object& change, std::string_view key, const json::value& value,
              const std::string& field) {
  if (key.starts_with("custom.")) {
    if (key.size() == 7) return Invalid(field, "invalid", "custom.<key> needs a key");
    json::value& custom = change["custom"];
    if (!custom.is_object()) custom = json::object{};
    custom.as_object()[key.substr(7)] = value;
    return Status::Ok();
  }
  std::string input_key = InputKey(key);
  if (input_key.empty()) {
    return Invalid(field, "not_bulk_settable",
                   "a bulk action cannot set \"" + std::string(key) +
                       "\" (emails are unique per contact; tags go through add_tags and "
                       "remove_tags; custom fields as custom.<key>)");
  }
  change[input_key] = value;
  return Status::Ok();
}

// An array of tag names (or one comma-separated string, as the contact input takes).
Status TagList(const json::object& action, std::string_view key, const std::string& field,
               json::value& out) {
  const json::value* v = action.if_contains(key);
  if (v == nullptr || v->is_null()) return Invalid(field, "required", field + " is required");
  if (v->is_string()) {
    out = *v;
    return Status::Ok();
  }
  if (!v->is_array() || v->get_array().empty()) {
    return Invalid(field, "invalid", field + " must be a non-empty array of tag names");
  }
  for (const json::value& t : v->get_array())
    if (!t.is_string()) return Invalid(field, "invalid", field + " must hold tag names (strings)");
  out = *v;
  return Status::Ok();
}

Status CheckOnly(const json::object& action, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : action) {
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || kv.key() == a;
    if (!ok) {
      return Invalid("action." + std::string(kv.key()), "unknown_field",
                     "this action type takes no \"" + std::string(kv.key()) + "\"");
    }
  }
  return Status::Ok();
}

Result<BulkAction> ParseAction(const json::value& v) {
  if (!v.is_object()) return Invalid("action", "invalid", "action must be an object with a type");
  const json::object& a = v.get_object();
  const json::value* type = a.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return Invalid("action.type", "required",
                   "action.type is required: update, add_tags, remove_tags, set_stage, set_owner, "
                   "set_field, delete or restore");
  }
  std::string_view t = type->get_string();
  BulkAction out;
  if (t == "delete" || t == "restore") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type"}));
    out.type = t == "delete" ? BulkActionType::kDelete : BulkActionType::kRestore;
    return out;
  }
  json::object& change = out.change;
  if (t == "update") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type", "set", "add_tags", "remove_tags"}));
    if (const json::value* set = a.if_contains("set"); set && !set->is_null()) {
      if (!set->is_object()) return Invalid("action.set", "invalid", "action.set must be an object");
      for (const auto& kv : set->get_object()) {
        RALLY_RETURN_IF_ERROR(AddSet(change, kv.key(), kv.value(), "action.set." + std::string(kv.key())));
      }
    }
    for (std::string_view key : {"add_tags", "remove_tags"}) {
      if (const json::value* tags = a.if_contains(key); tags && !tags->is_null()) {
        json::value list;
        RALLY_RETURN_IF_ERROR(TagList(a, key, "action." + std::string(key), list));
        change[key] = std::move(list);
      }
    }
  } else if (t == "add_tags" || t == "remove_tags") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type", "tags"}));
    json::value list;
    RALLY_RETURN_IF_ERROR(TagList(a, "tags", "action.tags", list));
    change[t] = std::move(list);
  } else if (t == "set_stage") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type", "stage"}));
    const json::value* s = a.if_contains("stage");
    if (s == nullptr || s->is_null()) return Invalid("action.stage", "required", "action.stage is required");
    change["lifecycle_stage"] = *s;
  } else if (t == "set_owner") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type", "owner"}));
    const json::value* o = a.if_contains("owner");
    if (o == nullptr) return Invalid("action.owner", "required", "action.owner is required (null clears it)");
    change["owner"] = *o;
  } else if (t == "set_field") {
    RALLY_RETURN_IF_ERROR(CheckOnly(a, {"type", "field", "value"}));
    const json::value* f = a.if_contains("field");
    if (f == nullptr || !f->is_string()) return Invalid("action.field", "required", "action.field is required");
    const json::value* value = a.if_contains("value");
    if (value == nullptr) return Invalid("action.value", "required", "action.value is required (null clears)");
    RALLY_RETURN_IF_ERROR(AddSet(change, f->get_string(), *value, "action.field"));
  } else {
    return Invalid("action.type", "invalid",
                   "unknown action type \"" + std::string(t) +
                       "\": update, add_tags, remove_tags, set_stage, set_owner, set_field, "
                       "delete or restore");
  }
  if (change.empty()) return Invalid("action", "empty", "the update changes nothing");
  return out;
}

Result<Id> IdOf(const json::value& v, const std::string& field) {
  std::optional<Id> id;
  if (v.is_string()) id = ParseId(v.get_string());
  else if (v.is_int64() && v.get_int64() > 0) id = v.get_int64();
  if (!id) return Invalid(field, "invalid", field + " must be a contact id");
  return *id;
}

}  // namespace

std::string_view BulkActionTypeName(BulkActionType t) {
  switch (t) {
    case BulkActionType::kUpdate: return "update";
    case BulkActionType::kDelete: return "delete";
    case BulkActionType::kRestore: return "restore";
  }
  return "update";
}

Result<BulkRequest> ParseBulkRequest(const json::object& body) {
  BulkRequest req;
  int selections = 0;
  std::string first;
  for (const auto& kv : body) {
    std::string key(kv.key());
    const json::value& v = kv.value();
    if (key == "q" || key == "filter" || key == "view" || key == "ids") {
      if (++selections > 1) {
        return Invalid(key, "conflict", "give one of q, filter, view or ids, not both " + first + " and " + key);
      }
      first = key;
    }
    if (key == "q") {
      if (!v.is_string()) return Invalid("q", "invalid", "q must be filter text");
      req.selection.q = std::string(v.get_string());
    } else if (key == "filter") {
      if (!v.is_object()) return Invalid("filter", "invalid", "filter must be a JSON filter object");
      req.selection.filter = v;
    } else if (key == "view") {
      auto id = v.is_string() ? ParseId(v.get_string()) : std::nullopt;
      if (!id) return Invalid("view", "invalid", "view must be a saved view id");
      req.selection.view = *id;
    } else if (key == "ids") {
      if (!v.is_array() || v.get_array().empty()) {
        return Invalid("ids", "invalid", "ids must be a non-empty array of contact ids");
      }
      if (v.get_array().size() > kMaxBulkIds) {
        return Invalid("ids", "too_many", "at most 10000 ids per request; use a filter for more");
      }
      std::vector<Id> ids;
      for (size_t i = 0; i < v.get_array().size(); ++i) {
        RALLY_ASSIGN_OR_RETURN(Id id, IdOf(v.get_array()[i], "ids[" + std::to_string(i) + "]"));
        ids.push_back(id);
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      req.selection.ids = std::move(ids);
    } else if (key == "action") {
      RALLY_ASSIGN_OR_RETURN(req.action, ParseAction(v));
    } else {
      return Invalid(key, "unknown_field", "a bulk request has q, filter, view or ids, and action");
    }
  }
  if (selections == 0) {
    return Invalid("q", "selection_required",
                   "say which contacts: q, filter, view or ids (q \"\" selects every contact)");
  }
  if (!body.contains("action")) return Invalid("action", "required", "action is required");
  return req;
}

json::object BulkActionToJson(const BulkAction& a) {
  json::object out{{"type", BulkActionTypeName(a.type)}};
  if (a.type == BulkActionType::kUpdate) out["change"] = a.change;
  return out;
}

Result<BulkAction> BulkActionFromJson(const json::value& v) {
  if (!v.is_object()) return Invalid("action", "invalid", "stored action is not an object");
  const json::object& o = v.get_object();
  const json::value* type = o.if_contains("type");
  BulkAction out;
  std::string_view t = type && type->is_string() ? std::string_view(type->get_string()) : "";
  if (t == "delete") out.type = BulkActionType::kDelete;
  else if (t == "restore") out.type = BulkActionType::kRestore;
  else if (t == "update") {
    const json::value* change = o.if_contains("change");
    if (!change || !change->is_object()) return Invalid("action.change", "invalid", "stored change is not an object");
    out.change = change->get_object();
  } else {
    return Invalid("action.type", "invalid", "stored action has no known type");
  }
  return out;
}

}  // namespace rally::segments
