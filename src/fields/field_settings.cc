#include "fields/field_settings.h"

namespace rally::fields {
namespace {

// The workspace's settings version, nullopt when there is no such workspace. `lock`: on
// PostgreSQL, FOR SHARE, so that a concurrent bump and this transaction cannot both commit
// unless one saw the other (REPEATABLE READ raises a serialization failure on a row changed
// after the snapshot; SQLite's single writer needs nothing).
Result<std::optional<int64_t>> ReadVersion(storage::Connection& c, Id ws, bool lock) {
  storage::Value params[] = {ws};
  if (lock && c.dialect() == storage::Dialect::kPostgres) {
    return c.QueryInt("SELECT settings_version FROM workspaces WHERE id = ? FOR SHARE", params);
  }
  return c.QueryInt("SELECT settings_version FROM workspaces WHERE id = ?", params);
}

}  // namespace

Status BumpSettingsVersion(storage::Transaction& tx, Id workspace_id) {
  return tx
      .Execute("UPDATE workspaces SET settings_version = settings_version + 1 WHERE id = ?",
               {workspace_id})
      .status();
}

Result<std::shared_ptr<const FieldSettings>> FieldSettingsCache::Load(storage::Connection& conn,
                                                                      Id workspace_id) {
  auto s = std::make_shared<FieldSettings>();
  bool found = false;
  RALLY_RETURN_IF_ERROR(
      conn.Query("SELECT settings_version, default_region FROM workspaces WHERE id = ?",
                 {workspace_id}, [&](const storage::Row& r) {
                   found = true;
                   s->version = r.Int(0);
                   s->default_region = std::string(r.Text(1));
                   return false;
                 }));
  RALLY_ASSIGN_OR_RETURN(s->custom_fields, ListCustomFields(conn, workspace_id));
  // A workspace that does not exist (yet) is not cached: it would start at version 0 too.
  if (found) {
    std::lock_guard lock(mu_);
    if (by_workspace_.size() >= kMaxWorkspaces && !by_workspace_.contains(workspace_id)) {
      by_workspace_.clear();
    }
    // Versions only grow, but a snapshot older than the cached entry may load an older one:
    // either is checked again before any write, so the latest loaded simply wins.
    by_workspace_[workspace_id] = s;
  }
  return std::shared_ptr<const FieldSettings>(std::move(s));
}

Result<std::shared_ptr<const FieldSettings>> FieldSettingsCache::Get(Id workspace_id) {
  {
    std::lock_guard lock(mu_);
    auto it = by_workspace_.find(workspace_id);
    if (it != by_workspace_.end()) return it->second;
  }
  std::shared_ptr<const FieldSettings> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(out, Load(conn, workspace_id));
    return Status::Ok();
  }));
  return out;
}

Result<std::shared_ptr<const FieldSettings>> FieldSettingsCache::Current(
    storage::Transaction& tx, Id workspace_id, std::shared_ptr<const FieldSettings> seen) {
  RALLY_ASSIGN_OR_RETURN(std::optional<int64_t> version, ReadVersion(tx, workspace_id, true));
  if (version && seen && seen->version == *version) return seen;
  if (version) {
    std::lock_guard lock(mu_);
    auto it = by_workspace_.find(workspace_id);
    if (it != by_workspace_.end() && it->second->version == *version) return it->second;
  }
  return Load(tx, workspace_id);
}

Result<std::shared_ptr<const FieldSettings>> FieldSettingsCache::Refresh(
    Id workspace_id, std::shared_ptr<const FieldSettings> seen) {
  std::shared_ptr<const FieldSettings> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& conn) -> Status {
    RALLY_ASSIGN_OR_RETURN(std::optional<int64_t> version, ReadVersion(conn, workspace_id, false));
    if (version && seen && seen->version == *version) {
      out = seen;
      return Status::Ok();
    }
    RALLY_ASSIGN_OR_RETURN(out, Load(conn, workspace_id));
    return Status::Ok();
  }));
  return out;
}

}  // namespace rally::fields
