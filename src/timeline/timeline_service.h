// TimelineService: reading a contact's timeline, with each entry's actor rendered for people.
//
// Writing is not here: every timeline entry describes a change to a contact (its fields, or its
// last_activity_at for notes, calls and meetings), so entries are written by
// contacts::ContactService in the transaction of that change (ContactService::AddActivity for
// POST /contacts/{id}/activities).
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <span>
#include <vector>

#include "base/result.h"
#include "storage/database.h"
#include "timeline/activity.h"
#include "timeline/activity_repository.h"

namespace rally::timeline {

struct TimelinePage {
  std::vector<Activity> data;      // newest first
  std::vector<ActorView> actors;   // actors[i] is who did data[i]
  std::string next_cursor;         // "" on the last page

  // {"data":[ActivityToJson...],"next_cursor":"..."|null}
  json::object ToJson() const;
};

class TimelineService {
 public:
  explicit TimelineService(storage::Database& db) : db_(db) {}

  // One page of the timeline of a contact that exists (and is not deleted) in the workspace.
  // Errors: not_found (no such contact in this workspace, or deleted); invalid_argument naming
  // "cursor"; unavailable.
  Result<TimelinePage> List(Id workspace_id, Id contact_id, const ActivityQuery& query);

  // The same on a connection of its own (for an activity just written).
  Result<std::vector<ActorView>> DescribeActors(Id workspace_id,
                                                std::span<const Activity> activities);

  // Display names for the actors of `activities`: a user's name (or email), an API token's name,
  // "system", "import", "workflow", "email sync". One query per distinct user or token.
  static Result<std::vector<ActorView>> RenderActors(storage::Connection& conn, Id workspace_id,
                                                     std::span<const Activity> activities);

 private:
  storage::Database& db_;
};

}  // namespace rally::timeline
