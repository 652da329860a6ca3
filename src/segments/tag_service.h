// Tags (DESIGN.md §2): free-form labels on contacts, matched case-insensitively, shown in the
// spelling of their first use. Assigning tags is part of the contact write path
// (ContactService: "tags", "add_tags", "remove_tags"); this service manages the tags
// themselves: list with usage counts, rename, merge, delete. Merge and delete change contacts,
// so they go through ContactService (UpdateManyInTx) in the same transaction, which records
// tag_removed / tag_added on each contact's timeline.
//
// Saved views join this module with the filter language (issue 4).
//
// Thread safety: safe from any thread (state lives in the database).
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "contacts/contact_service.h"
#include "events/event_bus.h"
#include "storage/database.h"
#include "timeline/actor.h"

namespace rally::segments {

struct Tag {
  Id id = 0;
  std::string name;
  int64_t contact_count = 0;  // non-deleted contacts carrying it
  Micros created_at = 0;
};

// {"id","name","contact_count","created_at"}
json::object TagToJson(const Tag& t);

class TagService {
 public:
  TagService(storage::Database& db, events::EventBus& events, contacts::ContactService& contacts)
      : db_(db), events_(events), contacts_(contacts) {}

  // Every tag of the workspace by name (case-insensitive), with usage counts.
  Result<std::vector<Tag>> List(Id workspace_id);
  // Errors: not_found.
  Result<Tag> Get(Id workspace_id, Id id);

  // Renames (a new spelling of the same name is allowed). Contacts keep the tag.
  // Errors: invalid_argument naming "name" (blank, too long); not_found; already_exists when
  // another tag has that name in any case (FieldError "name"/"duplicate" with existing_id).
  Result<Tag> Rename(Id workspace_id, Id id, std::string_view name, const timeline::Actor& actor);

  // Moves every contact of `source` to `target` (timeline entries on each), then deletes
  // `source`. Returns the target with its new count.
  // Errors: not_found (either tag); invalid_argument naming "into" when source == target.
  Result<Tag> Merge(Id workspace_id, Id source, Id target, const timeline::Actor& actor);

  // Removes the tag from every contact (with timeline entries), then deletes it.
  // Errors: not_found.
  Status Delete(Id workspace_id, Id id, const timeline::Actor& actor);

 private:
  storage::Database& db_;
  events::EventBus& events_;
  contacts::ContactService& contacts_;
};

}  // namespace rally::segments
