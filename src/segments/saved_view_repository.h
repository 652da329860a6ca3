// SavedViewRepository: the SQL of saved views (the saved_views table, migration 0004). Every
// statement filters by workspace_id; visibility rules are the service's.
//
// Thread safety: stateless; the connection belongs to the calling thread.
#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "segments/saved_view.h"
#include "storage/database.h"

namespace rally::segments {

class SavedViewRepository {
 public:
  // The views `user` may see: every shared view and the user's own, by name.
  static Result<std::vector<SavedView>> ListVisible(storage::Connection& c, Id ws, Id user);
  static Result<std::optional<SavedView>> FindById(storage::Connection& c, Id ws, Id id);
  // Errors: already_exists naming the index when the name is taken (saved_views_owner_name or
  // saved_views_shared_name).
  static Status Insert(storage::Transaction& tx, const SavedView& v, std::string_view name_norm);
  static Status Update(storage::Transaction& tx, const SavedView& v, std::string_view name_norm);
  static Status Delete(storage::Transaction& tx, Id ws, Id id);
  // A view of `owner` named `name_norm`, or a shared view of that name when `shared`, other
  // than `except`: who holds the name.
  static Result<std::optional<Id>> FindNameHolder(storage::Connection& c, Id ws, Id owner,
                                                  std::string_view name_norm, bool shared,
                                                  Id except);
};

}  // namespace rally::segments
