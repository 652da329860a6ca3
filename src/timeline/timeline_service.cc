#include "timeline/timeline_service.h"

#include <map>

namespace rally::timeline {
namespace {

constexpr std::string_view kContactExists =
    "SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL";
constexpr std::string_view kUserName =
    "SELECT name, email FROM users WHERE workspace_id = ? AND id = ?";
constexpr std::string_view kTokenName =
    "SELECT name FROM api_tokens WHERE workspace_id = ? AND id = ?";

}  // namespace

json::object TimelinePage::ToJson() const {
  json::array items;
  items.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    items.push_back(ActivityToJson(data[i], i < actors.size() ? actors[i] : ActorView{}));
  }
  json::object out;
  out["data"] = std::move(items);
  if (next_cursor.empty()) out["next_cursor"] = nullptr;
  else out["next_cursor"] = next_cursor;
  return out;
}

Result<TimelinePage> TimelineService::List(Id workspace_id, Id contact_id,
                                           const ActivityQuery& query) {
  TimelinePage page;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto exists, conn.QueryInt(kContactExists, {workspace_id, contact_id}));
    if (!exists) return NotFound("no contact " + IdToString(contact_id));
    RALLY_ASSIGN_OR_RETURN(ActivityPage p,
                           ActivityRepository::ListByContact(conn, workspace_id, contact_id, query));
    RALLY_ASSIGN_OR_RETURN(page.actors, RenderActors(conn, workspace_id, p.data));
    page.data = std::move(p.data);
    page.next_cursor = std::move(p.next_cursor);
    return Status::Ok();
  }));
  return page;
}

Result<std::vector<ActorView>> TimelineService::DescribeActors(Id workspace_id,
                                                               std::span<const Activity> activities) {
  std::vector<ActorView> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, RenderActors(conn, workspace_id, activities));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ActorView>> TimelineService::RenderActors(storage::Connection& conn,
                                                             Id workspace_id,
                                                             std::span<const Activity> activities) {
  std::map<std::pair<ActorType, Id>, std::string> names;
  for (const Activity& a : activities) {
    auto key = std::make_pair(a.actor.type, a.actor.id);
    if (names.contains(key)) continue;
    std::string name;
    switch (a.actor.type) {
      case ActorType::kUser: {
        Status s = conn.Query(kUserName, {workspace_id, a.actor.id}, [&](const storage::Row& r) {
          name = std::string(r.Text(0).empty() ? r.Text(1) : r.Text(0));
          return false;
        });
        RALLY_RETURN_IF_ERROR(s);
        if (name.empty()) name = "deleted user";
        break;
      }
      case ActorType::kApiToken: {
        storage::Value params[] = {workspace_id, a.actor.id};
        RALLY_ASSIGN_OR_RETURN(auto token, conn.QueryText(kTokenName, params));
        name = token && !token->empty() ? *token : "API token";
        break;
      }
      case ActorType::kSystem: name = "system"; break;
      // "by import #12": the import record the entry came from (importexport/).
      case ActorType::kImport: name = a.actor.id ? "import #" + IdToString(a.actor.id) : "import"; break;
      case ActorType::kWorkflow: name = "workflow"; break;
      case ActorType::kEmailSync: name = "email sync"; break;
    }
    names.emplace(key, std::move(name));
  }
  std::vector<ActorView> out;
  out.reserve(activities.size());
  for (const Activity& a : activities) {
    out.push_back(ActorView{a.actor, names[{a.actor.type, a.actor.id}]});
  }
  return out;
}

}  // namespace rally::timeline
