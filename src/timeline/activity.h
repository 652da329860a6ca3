// Activity: one entry of a contact's timeline (DESIGN.md §2). The payload is a JSON object whose
// shape depends on the type:
//   contact_created      {}                              (and contact_deleted, contact_restored)
//   field_updated        {"field":"title","from":...,"to":...}   (values in field JSON form)
//   lifecycle_changed    {"from":"lead","to":"qualified"}
//   tag_added/removed    {"tag":"Inbound"}
//   note                 {"body":"..."}
//   call                 {"direction":"inbound|outbound","outcome":"...","duration_s":N,"body"?}
//   meeting              {"status":"scheduled|completed|canceled|no_show","title"?,"body"?}
//   email_*, link_clicked, form_submitted, deal_stage_changed, contacts_merged: defined by the
//   modules that record them (emailsync, tracking, deals, contacts merge).
//
// Change entries (field_updated, tag_*, lifecycle_changed, contact_*) are written only by
// ContactService from its before/after diff; clients may post note, call and meeting.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"
#include "timeline/actor.h"

namespace rally::timeline {

enum class ActivityType {
  kEmailSent,
  kEmailReceived,
  kEmailOpened,
  kLinkClicked,
  kCall,
  kMeeting,
  kNote,
  kFormSubmitted,
  kDealStageChanged,
  kLifecycleChanged,
  kFieldUpdated,
  kTagAdded,
  kTagRemoved,
  kContactCreated,
  kContactsMerged,
  kContactDeleted,
  kContactRestored,
};

std::string_view ActivityTypeName(ActivityType t);  // "email_sent", ...
std::optional<ActivityType> ParseActivityType(std::string_view name);

struct Activity {
  Id id = 0;
  Id workspace_id = 0;
  Id contact_id = 0;
  Micros occurred_at = 0;
  ActivityType type = ActivityType::kNote;
  Actor actor;
  json::object payload;
};

// Who an actor is, for people: "Ada Lovelace" (or her email when she has no name), the API
// token's name, "system", "import", "workflow", "email sync".
struct ActorView {
  Actor actor;
  std::string name;
};

// {"id","contact_id","type","occurred_at","actor":{"type","id","name"},"payload":{...}};
// "id" of a system actor is null.
json::object ActivityToJson(const Activity& a, const ActorView& actor);

// What a client may add to a timeline (POST /contacts/{id}/activities).
struct NewActivity {
  ActivityType type = ActivityType::kNote;
  std::optional<Micros> occurred_at;  // defaults to now
  json::object payload;               // validated and normalized for `type`
};

constexpr size_t kMaxNoteBytes = 64 * 1024;

// Parses {"type":"note","body":"..."} (and call, meeting; see the payload shapes above), with an
// optional "occurred_at" ISO timestamp.
// Errors: invalid_argument with one FieldError per problem, all of them at once: "type"
// (required, or "unsupported" for types clients may not post), "body" (required for notes,
// too_long past kMaxNoteBytes), "direction", "status", "duration_s", "occurred_at", and
// "unknown_field" for any other key.
Result<NewActivity> ParseNewActivity(const json::object& body);

}  // namespace rally::timeline
