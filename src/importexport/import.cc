#include "importexport/import.h"

#include "base/strings.h"
#include "importexport/row_reader.h"

namespace rally::importexport {
namespace {

constexpr std::string_view kStates[] = {"uploaded",  "queued",   "running", "succeeded",
                                        "failed",    "canceled", "reverted"};

json::value OptMicros(const std::optional<Micros>& t) {
  return t ? json::value(FormatTimestamp(*t)) : json::value(nullptr);
}

int64_t IntAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return 0;
}

std::string_view ModeName(contacts::BatchMode m) {
  switch (m) {
    case contacts::BatchMode::kCreateOnly: return "create_only";
    case contacts::BatchMode::kUpdateOnly: return "update_only";
    case contacts::BatchMode::kCreateOrUpdate: break;
  }
  return "create_and_update";
}

}  // namespace

std::string_view ImportStateName(ImportState s) { return kStates[static_cast<int>(s)]; }

std::optional<ImportState> ParseImportState(std::string_view s) {
  for (int i = 0; i < 7; ++i)
    if (kStates[i] == s) return static_cast<ImportState>(i);
  return std::nullopt;
}

json::object ImportCounts::ToJson() const {
  return {{"rows_read", rows_read}, {"created", created}, {"updated", updated},
          {"skipped", skipped},     {"merged", merged},   {"rejected", rejected}};
}

ImportCounts ImportCounts::FromJson(const json::value& v) {
  ImportCounts c;
  if (!v.is_object()) return c;
  const json::object& o = v.as_object();
  c.rows_read = IntAt(o, "rows_read");
  c.created = IntAt(o, "created");
  c.updated = IntAt(o, "updated");
  c.skipped = IntAt(o, "skipped");
  c.merged = IntAt(o, "merged");
  c.rejected = IntAt(o, "rejected");
  return c;
}

void ImportCounts::Add(const ImportCounts& o) {
  rows_read += o.rows_read;
  created += o.created;
  updated += o.updated;
  skipped += o.skipped;
  merged += o.merged;
  rejected += o.rejected;
}

json::object ImportOptions::ToJson() const {
  json::array t;
  for (const auto& s : tags) t.emplace_back(s);
  json::object o{{"mapping", mapping},
                 {"mode", ModeName(mode)},
                 {"match_on", match_on},
                 {"clear_empty", clear_empty},
                 {"allow_stage_regression", allow_stage_regression},
                 {"tags", std::move(t)},
                 {"owner", owner.empty() ? json::value(nullptr) : json::value(owner)},
                 {"lifecycle_stage",
                  lifecycle_stage.empty() ? json::value(nullptr) : json::value(lifecycle_stage)},
                 {"lead_source", lead_source},
                 {"sheet", sheet.empty() ? json::value(nullptr) : json::value(sheet)},
                 {"header_row", header_row},
                 {"delimiter", delimiter.empty() ? json::value(nullptr) : json::value(delimiter)},
                 {"encoding", encoding.empty() ? json::value(nullptr) : json::value(encoding)}};
  return o;
}

Result<ImportOptions> ImportOptions::FromJson(const json::value& v) {
  ImportOptions o;
  if (v.is_null()) return o;
  if (!v.is_object()) return InvalidArgument("import options are a JSON object");
  RALLY_RETURN_IF_ERROR(o.Merge(v.as_object()));
  return o;
}

Status ImportOptions::Merge(const json::object& patch) {
  auto str = [&](std::string_view key, std::string& out) -> Status {
    const json::value* v = patch.if_contains(key);
    if (!v) return Status::Ok();
    if (v->is_null()) {
      out.clear();
      return Status::Ok();
    }
    if (!v->is_string()) return FieldInvalid(std::string(key), "invalid", std::string(key) + " is a string");
    out = std::string(Trim(std::string_view(v->as_string())));
    return Status::Ok();
  };
  auto flag = [&](std::string_view key, bool& out) -> Status {
    const json::value* v = patch.if_contains(key);
    if (!v) return Status::Ok();
    if (!v->is_bool()) return FieldInvalid(std::string(key), "invalid", std::string(key) + " is true or false");
    out = v->as_bool();
    return Status::Ok();
  };
  for (const auto& kv : patch) {
    static const std::vector<std::string_view> kKeys = {
        "mapping", "mode", "match_on", "clear_empty", "allow_stage_regression", "tags", "owner",
        "lifecycle_stage", "lead_source", "sheet", "header_row", "delimiter", "encoding",
        "file_name"};
    if (std::find(kKeys.begin(), kKeys.end(), std::string_view(kv.key())) == kKeys.end()) {
      return FieldInvalid(std::string(kv.key()), "unknown_field", "unknown import option");
    }
  }
  if (const json::value* m = patch.if_contains("mapping")) {
    if (!m->is_null() && !m->is_object() && !m->is_array()) {
      return FieldInvalid("mapping", "invalid", "mapping is an object (header -> field) or an array");
    }
    mapping = *m;
  }
  std::string mode_name;
  RALLY_RETURN_IF_ERROR(str("mode", mode_name));
  if (!mode_name.empty()) {
    std::string m = AsciiLower(mode_name);
    std::replace(m.begin(), m.end(), '-', '_');
    if (m == "create_and_update" || m == "upsert") mode = contacts::BatchMode::kCreateOrUpdate;
    else if (m == "create_only" || m == "create") mode = contacts::BatchMode::kCreateOnly;
    else if (m == "update_only" || m == "update") mode = contacts::BatchMode::kUpdateOnly;
    else {
      return FieldInvalid("mode", "not_an_option",
                          "mode is one of create_and_update, create_only, update_only");
    }
  }
  if (patch.contains("match_on")) {
    std::string m;
    RALLY_RETURN_IF_ERROR(str("match_on", m));
    if (m.empty() || AsciiLower(m) == "email") {
      match_on = "email";
    } else if (m.starts_with("custom.") && m.size() > 7) {
      match_on = m;
    } else {
      return FieldInvalid("match_on", "not_an_option",
                          "match_on is \"email\" or \"custom.<key>\" of a unique custom field");
    }
  }
  RALLY_RETURN_IF_ERROR(flag("clear_empty", clear_empty));
  RALLY_RETURN_IF_ERROR(flag("allow_stage_regression", allow_stage_regression));
  if (const json::value* t = patch.if_contains("tags")) {
    tags.clear();
    if (t->is_string()) {
      for (std::string_view s : Split(std::string_view(t->as_string()), ','))
        if (!Trim(s).empty()) tags.emplace_back(Trim(s));
    } else if (t->is_array()) {
      for (const json::value& e : t->as_array()) {
        if (!e.is_string()) return FieldInvalid("tags", "invalid", "tags are strings");
        tags.emplace_back(Trim(std::string_view(e.as_string())));
      }
    } else if (!t->is_null()) {
      return FieldInvalid("tags", "invalid", "tags is an array of strings");
    }
  }
  RALLY_RETURN_IF_ERROR(str("owner", owner));
  RALLY_RETURN_IF_ERROR(str("lifecycle_stage", lifecycle_stage));
  if (patch.contains("lead_source")) {
    RALLY_RETURN_IF_ERROR(str("lead_source", lead_source));
  }
  RALLY_RETURN_IF_ERROR(str("sheet", sheet));
  if (const json::value* h = patch.if_contains("header_row")) {
    if (h->is_null()) header_row = 0;
    else if (h->is_int64() && h->as_int64() >= 0) header_row = h->as_int64();
    else return FieldInvalid("header_row", "invalid", "header_row is a row number (1-based; 0 = detect)");
  }
  RALLY_RETURN_IF_ERROR(str("delimiter", delimiter));
  if (delimiter == "\\t" || AsciiLower(delimiter) == "tab") delimiter = "\t";
  if (!delimiter.empty() && (delimiter.size() != 1 || std::string_view(",;\t|").find(delimiter[0]) ==
                                                          std::string_view::npos)) {
    return FieldInvalid("delimiter", "not_an_option", "delimiter is one of , ; | or tab");
  }
  RALLY_RETURN_IF_ERROR(str("encoding", encoding));
  if (!encoding.empty() && !ParseTextEncoding(encoding)) {
    return FieldInvalid("encoding", "not_an_option",
                        "encoding is one of utf-8, utf-16le, utf-16be, windows-1252");
  }
  return Status::Ok();
}

Status CheckMatchOn(const ImportOptions& options, std::span<const std::string> mapping,
                    std::span<const fields::CustomField> custom) {
  auto mapped = [&](std::string_view key) {
    return std::find(mapping.begin(), mapping.end(), key) != mapping.end();
  };
  if (options.match_on == "email") {
    if (!mapped("email")) {
      return FieldInvalid("mapping", "required", "no column maps to email; map the email column");
    }
    return Status::Ok();
  }
  std::string_view key = std::string_view(options.match_on).substr(7);
  auto f = std::find_if(custom.begin(), custom.end(),
                        [&](const fields::CustomField& c) { return c.def.key == key; });
  if (f == custom.end()) {
    return FieldInvalid("match_on", "not_found", "match_on " + options.match_on + " is not a custom field");
  }
  if (!f->unique) {
    return FieldInvalid("match_on", "not_unique",
                        "match_on " + options.match_on + " is not a unique field; mark it unique first");
  }
  if (!mapped(options.match_on)) {
    return FieldInvalid("match_on", "not_mapped",
                        "no column maps to " + options.match_on + ", the field rows are matched on");
  }
  return Status::Ok();
}

json::object ImportToJson(const Import& imp) {
  json::object o{{"id", IdToString(imp.id)},
                 {"state", ImportStateName(imp.state)},
                 {"file", json::object{{"name", imp.file_name},
                                       {"size", imp.file_size},
                                       {"format", imp.format}}},
                 {"detected", imp.detected},
                 {"header_hash", imp.header_hash},
                 {"options", imp.options.ToJson()},
                 {"job_id", imp.job_id ? json::value(IdToString(imp.job_id)) : json::value(nullptr)},
                 {"checkpoint_row", imp.checkpoint_row},
                 {"counts", imp.counts.ToJson()},
                 {"dry_run", imp.dry_run},
                 {"revert", imp.revert},
                 {"error", imp.error.empty() ? json::value(nullptr) : json::value(imp.error)},
                 {"created_by",
                  imp.created_by ? json::value(IdToString(imp.created_by)) : json::value(nullptr)},
                 {"created_at", FormatTimestamp(imp.created_at)},
                 {"updated_at", FormatTimestamp(imp.updated_at)},
                 {"started_at", OptMicros(imp.started_at)},
                 {"finished_at", OptMicros(imp.finished_at)}};
  return o;
}

}  // namespace rally::importexport
