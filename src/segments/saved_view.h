// SavedView: a named contact filter with a sort and visible columns (issue 4 item 4), as stored
// in saved_views (migration 0004). A view holds no membership: running it runs its filter, so
// it is always live. Its filter is the canonical JSON of the filter language (query::ToJson).
//
// Thread safety: value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"

namespace rally::segments {

// private: only the owner sees it. shared: the whole workspace sees it; only its owner or an
// admin may change or delete it.
enum class Visibility { kPrivate, kShared };
std::string_view VisibilityName(Visibility v);  // "private", "shared"
std::optional<Visibility> ParseVisibility(std::string_view name);

struct SavedView {
  Id workspace_id = 0;
  Id id = 0;
  Id owner_id = 0;
  std::string name;
  Visibility visibility = Visibility::kPrivate;
  json::value filter;                // canonical filter JSON ({"and":[]} for every contact)
  std::string sort;                  // query::ParseSort text, "" = newest first
  std::vector<std::string> columns;  // field names in display order
  Micros created_at = 0;
  Micros updated_at = 0;
};

// {"id","name","visibility","owner_id","filter","q","sort","columns","created_at","updated_at"};
// q is the filter's canonical text, given by the caller (it needs the workspace's fields to
// print); null when the filter no longer parses (a custom field it names was deleted).
json::object SavedViewToJson(const SavedView& v, const std::optional<std::string>& q);

// Who is asking: views are per user, and admins may change any shared view.
struct Viewer {
  Id workspace_id = 0;
  Id user_id = 0;
  bool admin = false;
};

// A view to create, or a change to one (PATCH: absent members are left alone). The filter is
// given as JSON or as text (q), not both.
struct SavedViewInput {
  std::optional<std::string> name;
  std::optional<json::value> filter;
  std::optional<std::string> q;
  std::optional<std::string> sort;
  std::optional<std::vector<std::string>> columns;
  std::optional<Visibility> visibility;
};

// Parses a request body: {"name","filter"|"q","sort","columns","visibility"}.
// Errors: invalid_argument naming the member (unknown_field for any other key; invalid for a
// wrong type or an unknown visibility; conflict when both filter and q are given).
Result<SavedViewInput> ParseSavedViewInput(const json::object& body);

}  // namespace rally::segments
