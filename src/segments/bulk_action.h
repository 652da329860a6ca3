// Bulk actions on contacts (issue 4 item 5): what to act on (a filter as text or JSON, a saved
// view, or a list of ids) and what to do (update: set fields, add and remove tags; delete;
// restore), parsed from the body of POST /api/v1/contacts/bulk or from CLI flags. Running them
// is BulkActionService's (segments/bulk_action_service.h).
//
// Body: {"q":"tag:x stage:lead"} | {"filter":{...}} | {"view":"<id>"} | {"ids":["<id>",...]},
// plus "action", one of
//   {"type":"update","set":{"lifecycle_stage":"customer","owner":"bob@x.io",
//                           "custom.industry":"Software"},"add_tags":["x"],"remove_tags":["y"]}
//   {"type":"add_tags","tags":["x"]}          {"type":"remove_tags","tags":["y"]}
//   {"type":"set_stage","stage":"customer"}   {"type":"set_owner","owner":"bob@x.io"|null}
//   {"type":"set_field","field":"custom.industry","value":"Software"}
//   {"type":"delete"}                          {"type":"restore"}
// The shorthand types are spellings of "update". set keys are contact fields as in a PATCH
// (aliases stage, score, source; custom.<key>), except email, additional_emails and tags, which
// a bulk action cannot set (emails are unique; tags go through add_tags/remove_tags).
// A filter selects live contacts, except for restore, where it selects deleted ones (undo of a
// bulk delete: the same filter, or the ids the delete answered with).
//
// Thread safety: value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"

namespace rally::segments {

inline constexpr size_t kMaxBulkIds = 10'000;

struct BulkSelection {
  std::optional<std::string> q;        // text filter
  std::optional<json::value> filter;   // JSON filter
  std::optional<Id> view;              // a saved view's filter
  std::optional<std::vector<Id>> ids;  // explicit contacts (at most kMaxBulkIds)
};

enum class BulkActionType { kUpdate, kDelete, kRestore };
std::string_view BulkActionTypeName(BulkActionType t);  // "update", "delete", "restore"

struct BulkAction {
  BulkActionType type = BulkActionType::kUpdate;
  // kUpdate: the change as a contact PATCH input (contacts/contact_input.h): fields, "custom",
  // "add_tags", "remove_tags".
  json::object change;
};

struct BulkRequest {
  BulkSelection selection;
  BulkAction action;
};

// Parses a request body as above. Errors: invalid_argument naming the member: "q", "filter",
// "view", "ids" or "ids[i]" (exactly one selection: selection_required / conflict / invalid /
// too_many), "action" (required), "action.type" (invalid), "action.set.<key>"
// (not_bulk_settable, invalid), "action.tags" etc. (invalid), "action" (empty: an update that
// changes nothing), unknown members (unknown_field). Field values themselves (a bad stage, an
// unknown custom field) are checked later against the workspace (BulkActionService).
Result<BulkRequest> ParseBulkRequest(const json::object& body);

// The action as stored in a job's payload and parsed back (round trip).
json::object BulkActionToJson(const BulkAction& a);
Result<BulkAction> BulkActionFromJson(const json::value& v);

}  // namespace rally::segments
