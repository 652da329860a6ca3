#include "timeline/activity_repository.h"

#include "storage/dialect.h"
#include "timeline/cursor.h"

namespace rally::timeline {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO activities (workspace_id, id, contact_id, occurred_at, type, actor_type, "
    "actor_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

// Four fixed statements (with/without cursor, with/without type) so each stays in the
// connection's statement cache.
constexpr std::string_view kSelect =
    "SELECT id, contact_id, occurred_at, type, actor_type, actor_id, payload FROM activities "
    "WHERE workspace_id = ? AND contact_id = ? ";
constexpr std::string_view kAfter = "AND (occurred_at < ? OR (occurred_at = ? AND id < ?)) ";
constexpr std::string_view kOfType = "AND type = ? ";
constexpr std::string_view kOrder = "ORDER BY occurred_at DESC, id DESC LIMIT ?";

const std::string& ListSql(bool after, bool of_type) {
  static const std::string kSql[4] = {
      std::string(kSelect) + std::string(kOrder),
      std::string(kSelect) + std::string(kOfType) + std::string(kOrder),
      std::string(kSelect) + std::string(kAfter) + std::string(kOrder),
      std::string(kSelect) + std::string(kAfter) + std::string(kOfType) + std::string(kOrder),
  };
  return kSql[(after ? 2 : 0) + (of_type ? 1 : 0)];
}

Result<std::pair<Micros, Id>> ParseActivityCursor(std::string_view cursor) {
  RALLY_ASSIGN_OR_RETURN(json::value v, DecodeCursor(cursor));
  if (v.is_array() && v.as_array().size() == 2 && v.as_array()[0].is_int64() &&
      v.as_array()[1].is_int64()) {
    return std::pair<Micros, Id>(v.as_array()[0].get_int64(), v.as_array()[1].get_int64());
  }
  return FieldInvalid("cursor", "invalid", "cursor is not valid for this list");
}

// A row of "id, contact_id, occurred_at, type, actor_type, actor_id, payload".
Activity ReadActivity(const storage::Row& row, Id workspace_id) {
  Activity a;
  a.workspace_id = workspace_id;
  a.id = row.Int(0);
  a.contact_id = row.Int(1);
  a.occurred_at = row.Int(2);
  a.type = ParseActivityType(row.Text(3)).value_or(ActivityType::kNote);
  a.actor.type = ParseActorType(row.Text(4)).value_or(ActorType::kSystem);
  a.actor.id = row.Int(5);
  auto payload = ParseJson(row.Text(6));
  if (payload.ok() && payload->is_object()) a.payload = std::move(payload->as_object());
  return a;
}

}  // namespace

Status ActivityRepository::Insert(storage::Transaction& tx, std::span<const Activity> activities) {
  if (activities.size() == 1) {
    const Activity& a = activities.front();
    storage::Value params[] = {
        a.workspace_id,
        a.id,
        a.contact_id,
        a.occurred_at,
        std::string(ActivityTypeName(a.type)),
        std::string(ActorTypeName(a.actor.type)),
        a.actor.id != 0 ? storage::Value(a.actor.id) : storage::Null(),
        json::serialize(a.payload),
    };
    return tx.Execute(kInsert, params).status();
  }
  // Many (a batch, an update of several fields): one statement for all of them.
  static constexpr storage::RowColumn kColumns[] = {
      {"workspace_id", storage::ColumnType::kInt}, {"id", storage::ColumnType::kInt},
      {"contact_id", storage::ColumnType::kInt},   {"occurred_at", storage::ColumnType::kInt},
      {"type", storage::ColumnType::kText},        {"actor_type", storage::ColumnType::kText},
      {"actor_id", storage::ColumnType::kInt},     {"payload", storage::ColumnType::kJson}};
  storage::Rows rows(kColumns);
  rows.Reserve(activities.size());
  for (const Activity& a : activities) {
    rows.Push(a.workspace_id);
    rows.Push(a.id);
    rows.Push(a.contact_id);
    rows.Push(a.occurred_at);
    rows.Push(std::string(ActivityTypeName(a.type)));
    rows.Push(std::string(ActorTypeName(a.actor.type)));
    rows.Push(a.actor.id != 0 ? storage::Value(a.actor.id) : storage::Null());
    rows.Push(json::serialize(a.payload));
  }
  return storage::ExecuteRows(tx,
                              "INSERT INTO activities (workspace_id, id, contact_id, occurred_at, "
                              "type, actor_type, actor_id, payload) SELECT v.workspace_id, v.id, "
                              "v.contact_id, v.occurred_at, v.type, v.actor_type, v.actor_id, "
                              "v.payload FROM {rows} WHERE true",
                              {}, rows)
      .status();
}

Result<ActivityPage> ActivityRepository::ListByContact(storage::Connection& conn, Id workspace_id,
                                                      Id contact_id, const ActivityQuery& query) {
  std::vector<storage::Value> params = {workspace_id, contact_id};
  bool after = !query.cursor.empty();
  if (after) {
    RALLY_ASSIGN_OR_RETURN(auto key, ParseActivityCursor(query.cursor));
    params.insert(params.end(), {key.first, key.first, key.second});
  }
  if (query.type) params.emplace_back(std::string(ActivityTypeName(*query.type)));
  int limit = std::clamp(query.limit, 1, 1000);
  params.emplace_back(int64_t{limit} + 1);  // one more tells whether a next page exists

  ActivityPage page;
  Status parse_error;
  RALLY_RETURN_IF_ERROR(conn.Query(ListSql(after, query.type.has_value()), params,
                                   [&](const storage::Row& row) {
    page.data.push_back(ReadActivity(row, workspace_id));
    return true;
  }));
  if (page.data.size() > static_cast<size_t>(limit)) {
    page.data.pop_back();
    const Activity& last = page.data.back();
    page.next_cursor = EncodeCursor(json::array{last.occurred_at, last.id});
  }
  return page;
}

Status ActivityRepository::ScanFrom(storage::Connection& conn, Id workspace_id, Id from_id,
                                    const std::function<bool(const Activity&)>& fn) {
  return conn.Query(
      "SELECT id, contact_id, occurred_at, type, actor_type, actor_id, payload FROM activities "
      "WHERE workspace_id = ? AND id >= ? ORDER BY id",
      {workspace_id, from_id}, [&](const storage::Row& row) {
        return fn(ReadActivity(row, workspace_id));
      });
}

}  // namespace rally::timeline
