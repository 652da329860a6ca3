// ActivityRepository: the SQL of the activities table, nothing else. Every query filters by
// workspace_id. Writers pass the Transaction of their write so timeline entries commit (or roll
// back) with the change they describe.
//
// Thread safety: stateless; the connection passed in belongs to the calling thread.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/database.h"
#include "timeline/activity.h"

namespace rally::timeline {

struct ActivityQuery {
  int limit = 50;                     // 1..1000
  std::string cursor;                 // next_cursor of the previous page, "" for the first
  std::optional<ActivityType> type;   // only this type
};

struct ActivityPage {
  std::vector<Activity> data;  // newest first: occurred_at DESC, id DESC
  std::string next_cursor;     // "" on the last page
};

class ActivityRepository {
 public:
  // Inserts the activities (ids must be set, see NewId()), many with one multi-row statement.
  // Errors: those of storage (failed_precondition when the contact row does not exist).
  static Status Insert(storage::Transaction& tx, std::span<const Activity> activities);

  // One page of a contact's timeline. Does not check that the contact exists.
  // Errors: invalid_argument naming "cursor" for a cursor this list did not hand out.
  static Result<ActivityPage> ListByContact(storage::Connection& conn, Id workspace_id,
                                            Id contact_id, const ActivityQuery& query);

  // Every activity of the workspace with id >= `from_id` (ids are time-ordered, so: written
  // since then), in id order, streamed to `fn` (false stops). For undoing an import (the
  // import's own entries and the later changes that block undoing them). A range scan of the
  // primary key: no index on the actor, so the timeline's writes pay nothing for it.
  static Status ScanFrom(storage::Connection& conn, Id workspace_id, Id from_id,
                         const std::function<bool(const Activity&)>& fn);
};

}  // namespace rally::timeline
