#include "segments/saved_view_repository.h"

namespace rally::segments {
namespace {

constexpr char kSelect[] =
    "SELECT workspace_id, id, owner_id, name, visibility, filter_json, sort_spec, visible_columns, "
    "created_at, updated_at FROM saved_views ";

SavedView ReadView(const storage::Row& r) {
  SavedView v;
  v.workspace_id = r.Int(0);
  v.id = r.Int(1);
  v.owner_id = r.Int(2);
  v.name = std::string(r.Text(3));
  v.visibility = ParseVisibility(r.Text(4)).value_or(Visibility::kPrivate);
  // Written by Insert/Update from values that serialize; a row edited by hand that no longer
  // parses reads as an empty AND (every contact), never as an error that hides the view.
  auto filter = ParseJson(r.Text(5));
  v.filter = filter.ok() ? std::move(*filter) : json::value(json::object{{"and", json::array{}}});
  v.sort = std::string(r.Text(6));
  auto columns = ParseJson(r.Text(7));
  if (columns.ok() && columns->is_array()) {
    for (const json::value& c : columns->get_array())
      if (c.is_string()) v.columns.emplace_back(c.get_string());
  }
  v.created_at = r.Int(8);
  v.updated_at = r.Int(9);
  return v;
}

std::string ColumnsJson(const SavedView& v) {
  json::array a;
  for (const std::string& c : v.columns) a.emplace_back(c);
  return json::serialize(a);
}

}  // namespace

Result<std::vector<SavedView>> SavedViewRepository::ListVisible(storage::Connection& c, Id ws,
                                                                Id user) {
  std::vector<SavedView> out;
  RALLY_RETURN_IF_ERROR(c.Query(std::string(kSelect) +
                                    "WHERE workspace_id = ? AND (visibility = 'shared' OR owner_id = ?) "
                                    "ORDER BY name_norm, id",
                                {ws, user}, [&](const storage::Row& r) {
                                  out.push_back(ReadView(r));
                                  return true;
                                }));
  return out;
}

Result<std::optional<SavedView>> SavedViewRepository::FindById(storage::Connection& c, Id ws, Id id) {
  std::optional<SavedView> out;
  RALLY_RETURN_IF_ERROR(c.Query(std::string(kSelect) + "WHERE workspace_id = ? AND id = ?", {ws, id},
                                [&](const storage::Row& r) {
                                  out = ReadView(r);
                                  return false;
                                }));
  return out;
}

Status SavedViewRepository::Insert(storage::Transaction& tx, const SavedView& v,
                                   std::string_view name_norm) {
  return tx
      .Execute("INSERT INTO saved_views (workspace_id, id, owner_id, name, name_norm, visibility, "
               "filter_json, sort_spec, visible_columns, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {v.workspace_id, v.id, v.owner_id, v.name, std::string(name_norm),
                std::string(VisibilityName(v.visibility)), json::serialize(v.filter), v.sort,
                ColumnsJson(v), v.created_at, v.updated_at})
      .status();
}

Status SavedViewRepository::Update(storage::Transaction& tx, const SavedView& v,
                                   std::string_view name_norm) {
  return tx
      .Execute("UPDATE saved_views SET name = ?, name_norm = ?, visibility = ?, filter_json = ?, "
               "sort_spec = ?, visible_columns = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
               {v.name, std::string(name_norm), std::string(VisibilityName(v.visibility)),
                json::serialize(v.filter), v.sort, ColumnsJson(v), v.updated_at, v.workspace_id,
                v.id})
      .status();
}

Status SavedViewRepository::Delete(storage::Transaction& tx, Id ws, Id id) {
  return tx.Execute("DELETE FROM saved_views WHERE workspace_id = ? AND id = ?", {ws, id}).status();
}

Result<std::optional<Id>> SavedViewRepository::FindNameHolder(storage::Connection& c, Id ws, Id owner,
                                                              std::string_view name_norm,
                                                              bool shared, Id except) {
  return c.QueryInt(
      "SELECT id FROM saved_views WHERE workspace_id = ? AND name_norm = ? AND id <> ? "
      "AND (owner_id = ? OR (? = 1 AND visibility = 'shared')) ORDER BY id LIMIT 1",
      {ws, std::string(name_norm), except, owner, int64_t{shared ? 1 : 0}});
}

}  // namespace rally::segments
