// Domain events: what happened to which record, recorded by services inside their write
// transaction and delivered to listeners (scoring, workflows, webhooks, search) after commit.
//
// Events are typed: the payload is a std::variant of one struct per kind. They carry ids, not
// whole records, so a listener reads what it needs from the services (the record may have
// changed again by the time the listener runs).
//
// The actor is carried as its stable name and id (timeline::ActorTypeName(), e.g. "user"),
// because events/ sits beside timeline/ in the layering and may not depend on it. A listener
// uses it to ignore its own changes (a workflow must not re-trigger itself).
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"

namespace rally::events {

// --- Contacts ---
struct ContactCreated {
  Id contact_id = 0;
};
// Built-in field keys, "custom.<key>", "tags", "company", "owner", "additional_emails".
struct ContactUpdated {
  Id contact_id = 0;
  std::vector<std::string> changed_fields;
};
struct ContactDeleted {  // soft delete
  Id contact_id = 0;
};
struct ContactRestored {
  Id contact_id = 0;
};
struct ContactPurged {  // hard delete after the restore window
  Id contact_id = 0;
};
struct TagAdded {
  Id contact_id = 0;
  Id tag_id = 0;
  std::string tag;  // display name
};
struct TagRemoved {
  Id contact_id = 0;
  Id tag_id = 0;
  std::string tag;
};
struct LifecycleChanged {  // stages as their index 0..4 (fields::kLifecycleStages)
  Id contact_id = 0;
  int from = 0;
  int to = 0;
};
struct LeadScoreChanged {
  Id contact_id = 0;
  int from = 0;
  int to = 0;
};
struct ActivityAdded {  // a note, call, meeting, email... (not the change entries above)
  Id contact_id = 0;
  Id activity_id = 0;
  std::string type;  // timeline::ActivityTypeName
};

// --- Companies, tags, fields ---
struct CompanyCreated {
  Id company_id = 0;
};
struct TagRenamed {
  Id tag_id = 0;
  std::string from, to;
};
struct TagMerged {
  Id source_tag_id = 0;  // gone after the merge
  Id target_tag_id = 0;
};
struct TagDeleted {
  Id tag_id = 0;
  std::string tag;
};
struct CustomFieldDeleted {
  Id field_id = 0;
  std::string key;
};

using Payload =
    std::variant<ContactCreated, ContactUpdated, ContactDeleted, ContactRestored, ContactPurged,
                 TagAdded, TagRemoved, LifecycleChanged, LeadScoreChanged, ActivityAdded,
                 CompanyCreated, TagRenamed, TagMerged, TagDeleted, CustomFieldDeleted>;

struct Event {
  Id workspace_id = 0;
  Micros occurred_at = 0;
  std::string actor_type = "system";  // timeline::ActorTypeName of who caused it
  Id actor_id = 0;
  Payload payload;

  // "contact.created", "contact.updated", ..., "custom_field.deleted": the stable name used by
  // webhooks and logs.
  std::string_view Name() const;
  // The contact the event is about, 0 for company/tag/field events.
  Id ContactId() const;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&payload);
  }
};

}  // namespace rally::events
