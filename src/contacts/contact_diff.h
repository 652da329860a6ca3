// What changed between two versions of a contact, and the timeline entries and domain events
// that record it. Timeline entries come from this diff, never from callers (DESIGN.md §3).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "contacts/contact.h"
#include "events/event.h"
#include "timeline/activity.h"

namespace rally::contacts {

struct ContactDiff {
  // Every changed field by name: "email", "additional_emails", the text keys, "company",
  // "owner", "lifecycle_stage", "lead_score", "tags", "custom.<key>". In that order.
  std::vector<std::string> changed_fields;
  // One {"field","from","to"} per changed field except lifecycle_stage and tags.
  std::vector<json::object> field_updates;
  std::optional<std::pair<int, int>> lifecycle;   // (from, to)
  std::optional<std::pair<int, int>> lead_score;  // (from, to)
  std::vector<TagRef> tags_added, tags_removed;

  bool empty() const { return changed_fields.empty(); }
};

ContactDiff DiffContacts(const Contact& before, const Contact& after);

// Appends the timeline entries and events of a write: a creation when `before` is null
// (contact_created; events ContactCreated and TagAdded per tag), else the entries of `diff`
// (field_updated, lifecycle_changed, tag_added, tag_removed; events ContactUpdated,
// LifecycleChanged, LeadScoreChanged, TagAdded, TagRemoved).
void RecordWrite(const Contact* before, const Contact& after, const ContactDiff& diff,
                 const timeline::Actor& actor, Micros now,
                 std::vector<timeline::Activity>& activities, std::vector<events::Event>& events);

// An event stamped with the workspace, time and actor.
events::Event MakeEvent(Id workspace_id, const timeline::Actor& actor, Micros now,
                        events::Payload payload);

}  // namespace rally::contacts
