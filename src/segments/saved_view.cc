#include "segments/saved_view.h"

namespace rally::segments {

std::string_view VisibilityName(Visibility v) {
  return v == Visibility::kShared ? "shared" : "private";
}

std::optional<Visibility> ParseVisibility(std::string_view name) {
  if (name == "private") return Visibility::kPrivate;
  if (name == "shared") return Visibility::kShared;
  return std::nullopt;
}

json::object SavedViewToJson(const SavedView& v, const std::optional<std::string>& q) {
  json::array columns;
  for (const std::string& c : v.columns) columns.emplace_back(c);
  json::object out{{"id", IdToString(v.id)},
                   {"name", v.name},
                   {"visibility", VisibilityName(v.visibility)},
                   {"owner_id", IdToString(v.owner_id)},
                   {"filter", v.filter},
                   {"sort", v.sort},
                   {"columns", std::move(columns)},
                   {"created_at", FormatTimestamp(v.created_at)},
                   {"updated_at", FormatTimestamp(v.updated_at)}};
  if (q) out["q"] = *q;
  else out["q"] = nullptr;
  return out;
}

Result<SavedViewInput> ParseSavedViewInput(const json::object& body) {
  SavedViewInput in;
  std::vector<FieldError> errors;
  auto string_member = [&](std::string_view key, const json::value& v,
                           std::optional<std::string>& out) {
    if (v.is_string()) out = std::string(v.get_string());
    else errors.push_back(FieldError{std::string(key), "invalid", std::string(key) + " must be a string", ""});
  };
  for (const auto& kv : body) {
    std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (key == "name") {
      string_member(key, v, in.name);
    } else if (key == "q") {
      string_member(key, v, in.q);
    } else if (key == "sort") {
      if (v.is_null()) in.sort = "";
      else string_member(key, v, in.sort);
    } else if (key == "filter") {
      if (!v.is_object()) errors.push_back(FieldError{"filter", "invalid", "filter must be a JSON filter object", ""});
      else in.filter = v;
    } else if (key == "columns") {
      if (!v.is_array()) {
        errors.push_back(FieldError{"columns", "invalid", "columns must be an array of field names", ""});
        continue;
      }
      std::vector<std::string> cols;
      for (size_t i = 0; i < v.get_array().size(); ++i) {
        const json::value& c = v.get_array()[i];
        if (!c.is_string()) {
          errors.push_back(FieldError{"columns[" + std::to_string(i) + "]", "invalid", "a column is a field name", ""});
          continue;
        }
        cols.emplace_back(c.get_string());
      }
      in.columns = std::move(cols);
    } else if (key == "visibility") {
      std::optional<Visibility> vis;
      if (v.is_string()) vis = ParseVisibility(v.get_string());
      if (!vis) errors.push_back(FieldError{"visibility", "invalid", "visibility must be \"private\" or \"shared\"", ""});
      else in.visibility = *vis;
    } else {
      errors.push_back(FieldError{std::string(key), "unknown_field",
                        "a view has name, filter or q, sort, columns and visibility", ""});
    }
  }
  if (in.filter && in.q) {
    errors.push_back(FieldError{"q", "conflict", "give the filter as JSON (filter) or as text (q), not both", ""});
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  return in;
}

}  // namespace rally::segments
