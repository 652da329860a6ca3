#include "contacts/contact_tagger.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "contacts/contact_diff.h"
#include "contacts/contact_repository.h"
#include "storage/dialect.h"
#include "timeline/activity_repository.h"

namespace rally::contacts {
namespace {

constexpr storage::RowColumn kIdColumn[] = {{"id", storage::ColumnType::kInt}};

// A contact of the batch: whether it is live, and which of the patch's tags it holds (bit i:
// tags[i] below).
struct State {
  bool live = false;
  uint64_t held = 0;
};

}  // namespace

bool OnlyAddsOrRemovesTags(const ContactPatch& p) {
  return !p.email && !p.additional_emails && p.text.empty() && !p.lifecycle_stage &&
         !p.lead_score && !p.company && !p.owner && !p.tags && !p.clear_custom &&
         p.custom.empty() && (!p.add_tags.empty() || !p.remove_tags.empty());
}

Result<std::optional<TagManyCounts>> AddRemoveTagsMany(storage::Transaction& tx, Id ws,
                                                       std::span<const Id> ids,
                                                       const ContactPatch& patch,
                                                       const timeline::Actor& actor, Micros now,
                                                       std::vector<events::Event>& events) {
  // The patch's tags as stored, sorted by norm (the order a contact's tags are kept and diffed
  // in). A name both added and removed is removed, as ContactWriter decides.
  auto removed_norm = [&](const std::string& norm) {
    return std::any_of(patch.remove_tags.begin(), patch.remove_tags.end(),
                       [&](const TagName& r) { return r.norm == norm; });
  };
  std::vector<std::string> norms;
  for (const TagName& t : patch.add_tags) norms.push_back(t.norm);
  for (const TagName& t : patch.remove_tags) norms.push_back(t.norm);
  std::sort(norms.begin(), norms.end());
  norms.erase(std::unique(norms.begin(), norms.end()), norms.end());
  RALLY_ASSIGN_OR_RETURN(std::vector<TagRef> tags,
                         ContactRepository::FindTagsByNorm(tx, ws, norms));
  std::sort(tags.begin(), tags.end(),
            [](const TagRef& a, const TagRef& b) { return a.norm < b.norm; });
  if (tags.size() > 64) return std::optional<TagManyCounts>();  // beyond the bit set: rare
  std::vector<bool> adds(tags.size()), removes(tags.size());
  for (size_t i = 0; i < tags.size(); ++i) {
    removes[i] = removed_norm(tags[i].norm);
    adds[i] = !removes[i] && std::any_of(patch.add_tags.begin(), patch.add_tags.end(),
                                         [&](const TagName& a) { return a.norm == tags[i].norm; });
  }
  for (const TagName& a : patch.add_tags) {
    bool exists =
        std::any_of(tags.begin(), tags.end(), [&](const TagRef& t) { return t.norm == a.norm; });
    if (!exists && !removed_norm(a.norm)) return std::optional<TagManyCounts>();  // to create
  }

  // Which contacts exist, are live, and hold which of these tags: one pass, no contact loaded.
  std::unordered_map<Id, State> states;
  states.reserve(ids.size());
  if (!tags.empty()) {
    std::string in = "(";
    std::vector<storage::Value> params;
    for (size_t i = 0; i < tags.size(); ++i) {
      in += i ? ", ?" : "?";
      params.emplace_back(tags[i].id);
    }
    in += ")";
    params.emplace_back(ws);
    storage::Rows rows(kIdColumn);
    rows.Reserve(ids.size());
    for (Id id : ids) rows.Push(id);
    std::unordered_map<Id, size_t> bit;
    for (size_t i = 0; i < tags.size(); ++i) bit[tags[i].id] = i;
    RALLY_RETURN_IF_ERROR(storage::QueryRows(
        tx,
        "SELECT c.id, c.deleted_at, ct.tag_id FROM contacts c LEFT JOIN contact_tags ct ON "
        "ct.workspace_id = c.workspace_id AND ct.contact_id = c.id AND ct.tag_id IN " +
            in + " WHERE c.workspace_id = ? AND c.id IN (SELECT v.id FROM {rows})",
        params, rows, [&](const storage::Row& r) {
          State& s = states[r.Int(0)];
          s.live = r.IsNull(1);
          if (!r.IsNull(2)) s.held |= uint64_t{1} << bit.at(r.Int(2));
          return true;
        }));
  } else {
    // Only removals of tags that do not exist: nothing can change; still count as the writer.
    RALLY_ASSIGN_OR_RETURN(auto found, ContactRepository::FindByIds(tx, ws, ids));
    for (const Contact& c : found) states[c.id].live = !c.deleted_at;
  }

  TagManyCounts counts;
  counts.skipped = static_cast<int64_t>(ids.size() - states.size());
  std::vector<Contact> touched;  // id and updated_at: what TouchMany writes
  std::vector<ContactRepository::TagAssignment> added, removed;
  std::vector<timeline::Activity> activities;
  // In the order ContactWriter would meet them (FindByIds: by id).
  std::vector<Id> order;
  order.reserve(states.size());
  for (const auto& [id, s] : states) order.push_back(id);
  std::sort(order.begin(), order.end());
  for (Id id : order) {
    const State& s = states[id];
    if (!s.live) {
      ++counts.skipped;
      continue;
    }
    std::vector<const TagRef*> plus, minus;
    for (size_t i = 0; i < tags.size(); ++i) {
      bool held = (s.held >> i) & 1;
      if (adds[i] && !held) plus.push_back(&tags[i]);
      if (removes[i] && held) minus.push_back(&tags[i]);
    }
    if (plus.empty() && minus.empty()) {
      ++counts.unchanged;
      continue;
    }
    ++counts.changed;
    Contact c;
    c.workspace_id = ws;
    c.id = id;
    c.updated_at = now;
    touched.push_back(std::move(c));
    // As RecordWrite for a diff of tags alone: entries added then removed, each in norm order;
    // events ContactUpdated, then TagAdded, then TagRemoved.
    for (const TagRef* t : plus) {
      added.push_back({id, t->id});
      activities.push_back(timeline::Activity{NewId(), ws, id, now,
                                              timeline::ActivityType::kTagAdded, actor,
                                              json::object{{"tag", t->name}}});
    }
    for (const TagRef* t : minus) {
      removed.push_back({id, t->id});
      activities.push_back(timeline::Activity{NewId(), ws, id, now,
                                              timeline::ActivityType::kTagRemoved, actor,
                                              json::object{{"tag", t->name}}});
    }
    events.push_back(MakeEvent(ws, actor, now, events::ContactUpdated{id, {"tags"}}));
    for (const TagRef* t : plus)
      events.push_back(MakeEvent(ws, actor, now, events::TagAdded{id, t->id, t->name}));
    for (const TagRef* t : minus)
      events.push_back(MakeEvent(ws, actor, now, events::TagRemoved{id, t->id, t->name}));
  }

  std::vector<ContactRepository::ContactRow> touches;
  touches.reserve(touched.size());
  for (const Contact& c : touched) touches.push_back({&c, std::string()});
  RALLY_RETURN_IF_ERROR(ContactRepository::TouchMany(tx, ws, touches));
  RALLY_RETURN_IF_ERROR(ContactRepository::RemoveTags(tx, ws, removed));
  RALLY_RETURN_IF_ERROR(ContactRepository::AddTags(tx, ws, added));
  RALLY_RETURN_IF_ERROR(timeline::ActivityRepository::Insert(tx, activities));
  return std::optional<TagManyCounts>(counts);
}

}  // namespace rally::contacts
