#include "contacts/contact_diff.h"

#include <set>

#include "fields/builtin_fields.h"

namespace rally::contacts {
namespace {

json::value OptJson(const std::optional<std::string>& s) {
  if (s) return json::value(*s);
  return json::value(nullptr);
}

json::value Emails(const std::vector<std::string>& v) {
  json::array a;
  for (const std::string& e : v) a.emplace_back(e);
  return a;
}

void Changed(ContactDiff& d, std::string field, json::value from, json::value to) {
  d.changed_fields.push_back(field);
  d.field_updates.push_back(
      json::object{{"field", std::move(field)}, {"from", std::move(from)}, {"to", std::move(to)}});
}

timeline::Activity Entry(const Contact& c, const timeline::Actor& actor, Micros now,
                         timeline::ActivityType type, json::object payload) {
  return timeline::Activity{NewId(), c.workspace_id, c.id, now, type, actor, std::move(payload)};
}

}  // namespace

events::Event MakeEvent(Id workspace_id, const timeline::Actor& actor, Micros now,
                        events::Payload payload) {
  return events::Event{workspace_id, now, std::string(timeline::ActorTypeName(actor.type)),
                       actor.id, std::move(payload)};
}

ContactDiff DiffContacts(const Contact& before, const Contact& after) {
  ContactDiff d;
  if (before.email != after.email) Changed(d, "email", json::value(before.email), json::value(after.email));
  if (before.additional_emails != after.additional_emails) {
    Changed(d, "additional_emails", Emails(before.additional_emails), Emails(after.additional_emails));
  }
  for (const TextColumn& col : TextColumns()) {
    const auto& from = before.*col.member;
    const auto& to = after.*col.member;
    if (from != to) Changed(d, std::string(col.key), OptJson(from), OptJson(to));
  }
  std::optional<Id> company_from, company_to;
  if (before.company) company_from = before.company->id;
  if (after.company) company_to = after.company->id;
  if (company_from != company_to) {
    Changed(d, "company", before.company ? json::value(before.company->name) : json::value(nullptr),
            after.company ? json::value(after.company->name) : json::value(nullptr));
  }
  std::optional<Id> owner_from, owner_to;
  if (before.owner) owner_from = before.owner->id;
  if (after.owner) owner_to = after.owner->id;
  if (owner_from != owner_to) {
    Changed(d, "owner", before.owner ? json::value(before.owner->email) : json::value(nullptr),
            after.owner ? json::value(after.owner->email) : json::value(nullptr));
  }
  if (before.lifecycle_stage != after.lifecycle_stage) {
    d.changed_fields.push_back("lifecycle_stage");
    d.lifecycle.emplace(before.lifecycle_stage, after.lifecycle_stage);
  }
  if (before.lead_score != after.lead_score) {
    Changed(d, "lead_score", json::value(before.lead_score), json::value(after.lead_score));
    d.lead_score.emplace(before.lead_score, after.lead_score);
  }
  std::set<Id> from_tags, to_tags;
  for (const TagRef& t : before.tags) from_tags.insert(t.id);
  for (const TagRef& t : after.tags) to_tags.insert(t.id);
  for (const TagRef& t : after.tags)
    if (!from_tags.contains(t.id)) d.tags_added.push_back(t);
  for (const TagRef& t : before.tags)
    if (!to_tags.contains(t.id)) d.tags_removed.push_back(t);
  if (!d.tags_added.empty() || !d.tags_removed.empty()) d.changed_fields.push_back("tags");
  std::set<std::string> keys;
  for (const auto& kv : before.custom) keys.insert(std::string(kv.key()));
  for (const auto& kv : after.custom) keys.insert(std::string(kv.key()));
  for (const std::string& k : keys) {
    const json::value* from = before.custom.if_contains(k);
    const json::value* to = after.custom.if_contains(k);
    json::value f = from ? *from : json::value(nullptr);
    json::value t = to ? *to : json::value(nullptr);
    if (f != t) Changed(d, "custom." + k, std::move(f), std::move(t));
  }
  return d;
}

void RecordWrite(const Contact* before, const Contact& after, const ContactDiff& diff,
                 const timeline::Actor& actor, Micros now,
                 std::vector<timeline::Activity>& activities, std::vector<events::Event>& events) {
  const Id ws = after.workspace_id;
  using timeline::ActivityType;
  if (before == nullptr) {
    activities.push_back(Entry(after, actor, now, ActivityType::kContactCreated, {}));
    events.push_back(MakeEvent(ws, actor, now, events::ContactCreated{after.id}));
    for (const TagRef& t : after.tags) {
      events.push_back(MakeEvent(ws, actor, now, events::TagAdded{after.id, t.id, t.name}));
    }
    return;
  }
  for (const json::object& u : diff.field_updates) {
    activities.push_back(Entry(after, actor, now, ActivityType::kFieldUpdated, u));
  }
  if (diff.lifecycle) {
    activities.push_back(Entry(
        after, actor, now, ActivityType::kLifecycleChanged,
        json::object{{"from", fields::LifecycleStageName(diff.lifecycle->first)},
                     {"to", fields::LifecycleStageName(diff.lifecycle->second)}}));
  }
  for (const TagRef& t : diff.tags_added) {
    activities.push_back(Entry(after, actor, now, ActivityType::kTagAdded, {{"tag", t.name}}));
  }
  for (const TagRef& t : diff.tags_removed) {
    activities.push_back(Entry(after, actor, now, ActivityType::kTagRemoved, {{"tag", t.name}}));
  }
  events.push_back(MakeEvent(ws, actor, now, events::ContactUpdated{after.id, diff.changed_fields}));
  if (diff.lifecycle) {
    events.push_back(MakeEvent(
        ws, actor, now, events::LifecycleChanged{after.id, diff.lifecycle->first, diff.lifecycle->second}));
  }
  if (diff.lead_score) {
    events.push_back(MakeEvent(
        ws, actor, now, events::LeadScoreChanged{after.id, diff.lead_score->first, diff.lead_score->second}));
  }
  for (const TagRef& t : diff.tags_added) {
    events.push_back(MakeEvent(ws, actor, now, events::TagAdded{after.id, t.id, t.name}));
  }
  for (const TagRef& t : diff.tags_removed) {
    events.push_back(MakeEvent(ws, actor, now, events::TagRemoved{after.id, t.id, t.name}));
  }
}

}  // namespace rally::contacts
