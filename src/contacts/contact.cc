#include "contacts/contact.h"

#include "fields/builtin_fields.h"

namespace rally::contacts {
namespace {

constexpr TextColumn kTextColumns[] = {
    {"first_name", &Contact::first_name}, {"last_name", &Contact::last_name},
    {"phone", &Contact::phone},           {"mobile", &Contact::mobile},
    {"title", &Contact::title},           {"department", &Contact::department},
    {"linkedin", &Contact::linkedin},     {"twitter", &Contact::twitter},
    {"street", &Contact::street},         {"city", &Contact::city},
    {"state", &Contact::state},           {"postal_code", &Contact::postal_code},
    {"country", &Contact::country},       {"lead_source", &Contact::lead_source},
};

json::value OptString(const std::optional<std::string>& s) {
  if (s) return json::value(*s);
  return json::value(nullptr);
}

}  // namespace

std::span<const TextColumn> TextColumns() { return kTextColumns; }

const TextColumn* FindTextColumn(std::string_view key) {
  for (const TextColumn& c : kTextColumns)
    if (c.key == key) return &c;
  return nullptr;
}

json::object ContactToJson(const Contact& c) {
  // Sized for every key below at once: growing the table key by key rehashes it four times.
  json::object out(json::object::size_type{34});
  out["id"] = IdToString(c.id);
  out["email"] = c.email;
  json::array additional;
  for (const std::string& e : c.additional_emails) additional.emplace_back(e);
  out["additional_emails"] = std::move(additional);
  out["first_name"] = OptString(c.first_name);
  out["last_name"] = OptString(c.last_name);
  out["phone"] = OptString(c.phone);
  out["phone_e164"] = OptString(c.phone_e164);
  out["mobile"] = OptString(c.mobile);
  out["mobile_e164"] = OptString(c.mobile_e164);
  out["title"] = OptString(c.title);
  out["department"] = OptString(c.department);
  out["linkedin"] = OptString(c.linkedin);
  out["twitter"] = OptString(c.twitter);
  out["street"] = OptString(c.street);
  out["city"] = OptString(c.city);
  out["state"] = OptString(c.state);
  out["postal_code"] = OptString(c.postal_code);
  out["country"] = OptString(c.country);
  if (c.company) {
    out["company"] = json::object{{"id", IdToString(c.company->id)}, {"name", c.company->name}};
  } else {
    out["company"] = nullptr;
  }
  if (c.owner) {
    out["owner"] = json::object{
        {"id", IdToString(c.owner->id)}, {"email", c.owner->email}, {"name", c.owner->name}};
  } else {
    out["owner"] = nullptr;
  }
  out["lifecycle_stage"] = fields::LifecycleStageName(c.lifecycle_stage);
  out["lead_score"] = c.lead_score;
  out["band"] = fields::ScoreBand(c.lead_score);
  out["lead_source"] = OptString(c.lead_source);
  json::array tags;
  for (const TagRef& t : c.tags) tags.emplace_back(t.name);
  out["tags"] = std::move(tags);
  out["custom"] = c.custom;
  out["created_at"] = FormatTimestamp(c.created_at);
  out["updated_at"] = FormatTimestamp(c.updated_at);
  if (c.last_activity_at) out["last_activity_at"] = FormatTimestamp(*c.last_activity_at);
  else out["last_activity_at"] = nullptr;
  if (c.deleted_at) out["deleted_at"] = FormatTimestamp(*c.deleted_at);
  return out;
}

}  // namespace rally::contacts
