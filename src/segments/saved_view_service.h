// SavedViewService: saved views (issue 4 item 4): CRUD with per-user visibility, and running a
// view as a live contact list (no stored membership: a view is its filter, run on demand).
//
// Rules (docs/decisions/0007-saved-views-and-bulk-actions.md):
//  - Everyone sees the workspace's shared views and their own private ones; another user's
//    private view is not_found, even for an admin.
//  - Only the owner may change or delete a view; an admin may also change or delete a shared
//    view of someone else (a member trying is permission_denied).
//  - A name (trimmed, 1..100 bytes, compared case-insensitively) is unique among the owner's
//    views and among the workspace's shared views.
//  - The filter is validated against the workspace's fields on save and stored as canonical
//    JSON (query::ToJson); the sort is validated by query::ParseSort; columns must name
//    built-in fields or existing custom fields.
//  - When a custom field the filter or sort names is deleted, the view stays (listed, shown,
//    editable, with "q": null) but running it fails with failed_precondition naming "filter"
//    (or "sort") and the missing field, until its filter is edited.
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "contacts/contact_search.h"
#include "segments/saved_view.h"
#include "storage/database.h"

namespace rally::segments {

inline constexpr size_t kMaxViewNameBytes = 100;
inline constexpr size_t kMaxViewColumns = 100;

// A view as shown: with the canonical text of its filter (nullopt when it no longer parses).
struct ShownView {
  SavedView view;
  std::optional<std::string> q;
  json::object ToJson() const { return SavedViewToJson(view, q); }
};

struct RunViewOptions {
  std::string sort;    // "" = the view's sort
  int limit = 50;      // 1..query::kMaxLimit
  std::string cursor;  // next_cursor of the previous page
};

class SavedViewService {
 public:
  SavedViewService(storage::Database& db, contacts::ContactSearch& search)
      : db_(db), search_(search) {}

  // The views `viewer` sees, by name.
  Result<std::vector<ShownView>> List(const Viewer& viewer);
  // Errors: not_found (no such view, another workspace's, or another user's private view).
  Result<ShownView> Get(const Viewer& viewer, Id id);

  // Errors: invalid_argument naming "name" (required, blank, too_long, invalid), "q" or the
  // JSON path under "filter" (the filter language's filter_* codes), "sort", "columns[i]"
  // (unknown_field, duplicate) or "columns" (too_many); already_exists naming "name"
  // (code duplicate, existing_id) when the name is taken.
  Result<ShownView> Create(const Viewer& viewer, const SavedViewInput& input);
  // PATCH: absent members are left alone. Errors: those of Create and Get; permission_denied
  // when the viewer may see but not change the view.
  Result<ShownView> Update(const Viewer& viewer, Id id, const SavedViewInput& input);
  // Errors: those of Get; permission_denied as Update.
  Status Delete(const Viewer& viewer, Id id);

  // A page of the live contacts matching the view, as of now.
  // Errors: those of Get; failed_precondition naming "filter" or "sort" when they name a field
  // that no longer exists (or no longer parse); invalid_argument naming "sort", "limit" or
  // "cursor" for bad options.
  Result<contacts::ContactPage> Run(const Viewer& viewer, Id id, const RunViewOptions& options);

  // The view's filter, checked to still parse (for bulk actions on a view).
  // Errors: those of Run for the filter.
  Result<json::value> RunnableFilter(const Viewer& viewer, Id id);

 private:
  Result<SavedView> FindVisible(storage::Connection& c, const Viewer& viewer, Id id);
  // Validates `input` over `view` (the stored view, or a new one) and applies it.
  Status Apply(storage::Connection& c, const Viewer& viewer, const SavedViewInput& input,
               SavedView& view, std::string& name_norm);

  storage::Database& db_;
  contacts::ContactSearch& search_;
};

}  // namespace rally::segments
