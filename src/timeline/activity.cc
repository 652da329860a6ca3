#include "timeline/activity.h"

#include <cmath>
#include <vector>

#include "base/strings.h"

namespace rally::timeline {
namespace {

struct TypeName {
  ActivityType type;
  std::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {ActivityType::kEmailSent, "email_sent"},
    {ActivityType::kEmailReceived, "email_received"},
    {ActivityType::kEmailOpened, "email_opened"},
    {ActivityType::kLinkClicked, "link_clicked"},
    {ActivityType::kCall, "call"},
    {ActivityType::kMeeting, "meeting"},
    {ActivityType::kNote, "note"},
    {ActivityType::kFormSubmitted, "form_submitted"},
    {ActivityType::kDealStageChanged, "deal_stage_changed"},
    {ActivityType::kLifecycleChanged, "lifecycle_changed"},
    {ActivityType::kFieldUpdated, "field_updated"},
    {ActivityType::kTagAdded, "tag_added"},
    {ActivityType::kTagRemoved, "tag_removed"},
    {ActivityType::kContactCreated, "contact_created"},
    {ActivityType::kContactsMerged, "contacts_merged"},
    {ActivityType::kContactDeleted, "contact_deleted"},
    {ActivityType::kContactRestored, "contact_restored"},
};

constexpr std::string_view kCallDirections[] = {"inbound", "outbound"};
constexpr std::string_view kMeetingStatuses[] = {"scheduled", "completed", "canceled", "no_show"};
constexpr size_t kMaxShortText = 200;

// Collects every problem of one body, so a client sees them all in one answer.
class Errors {
 public:
  void Add(std::string field, std::string code, std::string message) {
    list_.push_back({std::move(field), std::move(code), std::move(message), {}});
  }
  bool empty() const { return list_.empty(); }
  Status ToStatus() {
    std::string msg = list_.size() == 1 ? list_[0].message
                                        : std::to_string(list_.size()) + " invalid fields";
    return InvalidArgument(std::move(msg), std::move(list_));
  }

 private:
  std::vector<FieldError> list_;
};

// An optional free-text member: trimmed, "" dropped. Returns false (with an error) when present
// but not a string or too long.
void TakeText(const json::object& body, std::string_view key, size_t max, bool required,
              json::object& payload, Errors& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) {
    if (required) errors.Add(std::string(key), "required", std::string(key) + " is required");
    return;
  }
  if (!it->value().is_string()) {
    errors.Add(std::string(key), "invalid", std::string(key) + " must be a string");
    return;
  }
  std::string_view text = Trim(std::string_view(it->value().get_string()));
  if (text.empty()) {
    if (required) errors.Add(std::string(key), "required", std::string(key) + " is required");
    return;
  }
  if (!IsValidUtf8(text)) {
    errors.Add(std::string(key), "invalid", std::string(key) + " is not valid UTF-8");
    return;
  }
  if (text.size() > max) {
    errors.Add(std::string(key), "too_long",
               std::string(key) + " is longer than " + std::to_string(max) + " bytes");
    return;
  }
  payload[key] = text;
}

template <size_t N>
void TakeChoice(const json::object& body, std::string_view key,
                const std::string_view (&choices)[N], bool required, json::object& payload,
                Errors& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) {
    if (required) errors.Add(std::string(key), "required", std::string(key) + " is required");
    return;
  }
  if (it->value().is_string()) {
    std::string v = AsciiLower(Trim(std::string_view(it->value().get_string())));
    for (std::string_view c : choices) {
      if (v == c) {
        payload[key] = c;
        return;
      }
    }
  }
  std::vector<std::string> names(std::begin(choices), std::end(choices));
  errors.Add(std::string(key), "not_an_option",
             std::string(key) + " must be one of " + Join(names, ", "));
}

}  // namespace

std::string_view ActivityTypeName(ActivityType t) {
  for (const TypeName& n : kTypeNames)
    if (n.type == t) return n.name;
  return "note";
}

std::optional<ActivityType> ParseActivityType(std::string_view name) {
  for (const TypeName& n : kTypeNames)
    if (n.name == name) return n.type;
  return std::nullopt;
}

json::object ActivityToJson(const Activity& a, const ActorView& actor) {
  json::object actor_json;
  actor_json["type"] = ActorTypeName(a.actor.type);
  if (a.actor.id != 0) actor_json["id"] = IdToString(a.actor.id);
  else actor_json["id"] = nullptr;
  actor_json["name"] = actor.name;
  json::object out;
  out["id"] = IdToString(a.id);
  out["contact_id"] = IdToString(a.contact_id);
  out["type"] = ActivityTypeName(a.type);
  out["occurred_at"] = FormatTimestamp(a.occurred_at);
  out["actor"] = std::move(actor_json);
  out["payload"] = a.payload;
  return out;
}

Result<NewActivity> ParseNewActivity(const json::object& body) {
  Errors errors;
  NewActivity out;
  std::vector<std::string_view> allowed = {"type", "occurred_at"};

  const json::string* type = GetString(body, "type");
  std::optional<ActivityType> parsed;
  if (type == nullptr) {
    errors.Add("type", "required", "type is required (note, call or meeting)");
  } else {
    parsed = ParseActivityType(AsciiLower(Trim(std::string_view(*type))));
    if (parsed != ActivityType::kNote && parsed != ActivityType::kCall &&
        parsed != ActivityType::kMeeting) {
      errors.Add("type", "unsupported",
                 "type must be note, call or meeting; other entries are recorded by Rally itself");
      parsed.reset();
    }
  }
  if (parsed) {
    out.type = *parsed;
    switch (*parsed) {
      case ActivityType::kNote:
        TakeText(body, "body", kMaxNoteBytes, /*required=*/true, out.payload, errors);
        allowed.push_back("body");
        break;
      case ActivityType::kCall: {
        TakeChoice(body, "direction", kCallDirections, /*required=*/true, out.payload, errors);
        TakeText(body, "outcome", kMaxShortText, false, out.payload, errors);
        TakeText(body, "body", kMaxNoteBytes, false, out.payload, errors);
        auto it = body.find("duration_s");
        if (it != body.end() && !it->value().is_null()) {
          const json::value& d = it->value();
          bool whole = d.is_int64() || d.is_uint64() ||
                       (d.is_double() && std::floor(d.get_double()) == d.get_double());
          double secs = d.is_int64()    ? double(d.get_int64())
                        : d.is_uint64() ? double(d.get_uint64())
                        : d.is_double() ? d.get_double()
                                        : -1;
          if (!whole || secs < 0 || secs > 7 * 86400) {
            errors.Add("duration_s", "out_of_range",
                       "duration_s must be a whole number of seconds, at most a week");
          } else {
            out.payload["duration_s"] = int64_t(secs);
          }
        }
        allowed.insert(allowed.end(), {"direction", "outcome", "body", "duration_s"});
        break;
      }
      case ActivityType::kMeeting:
        TakeChoice(body, "status", kMeetingStatuses, /*required=*/true, out.payload, errors);
        TakeText(body, "title", kMaxShortText, false, out.payload, errors);
        TakeText(body, "body", kMaxNoteBytes, false, out.payload, errors);
        allowed.insert(allowed.end(), {"status", "title", "body"});
        break;
      default:
        break;
    }
  }
  if (auto it = body.find("occurred_at"); it != body.end() && !it->value().is_null()) {
    std::optional<Micros> t;
    if (it->value().is_string()) t = ParseTimestamp(std::string_view(it->value().get_string()));
    if (!t) errors.Add("occurred_at", "invalid", "occurred_at must be an ISO 8601 timestamp");
    else out.occurred_at = *t;
  }
  if (parsed) {
    for (const auto& kv : body) {
      bool known = false;
      for (std::string_view k : allowed) known = known || kv.key() == k;
      if (!known) {
        errors.Add(std::string(kv.key()), "unknown_field",
                   "unknown field " + std::string(kv.key()) + " for a " +
                       std::string(ActivityTypeName(*parsed)));
      }
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  return out;
}

}  // namespace rally::timeline
