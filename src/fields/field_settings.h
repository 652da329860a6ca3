// Field settings: what parsing a workspace's field values depends on besides the values
// themselves, i.e. its custom field definitions and its default phone region, cached per
// workspace and checked against the database inside the caller's write transaction.
//
// Correctness across processes rests on workspaces.settings_version (migration 0007): every
// transaction that changes a definition or the default region bumps it (BumpSettingsVersion
// here; auth's workspace update does the same in its own SQL). A writer reads the version inside
// its transaction (Current), so a write never commits values validated against other settings
// than those in force when it commits. On PostgreSQL that read takes FOR SHARE on the workspace
// row: a bump committed after the writer's snapshot makes it retry, a bump not yet committed waits
// for it. Reads outside a transaction (Get) may be stale: callers use them to validate early and
// re-check with Current before writing, or with Refresh before reporting a validation error.
//
// Thread safety: FieldSettingsCache is safe from any thread; FieldSettings are immutable and
// shared.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "fields/custom_fields.h"
#include "storage/database.h"

namespace rally::fields {

struct FieldSettings {
  int64_t version = 0;                     // workspaces.settings_version when read
  std::vector<CustomField> custom_fields;  // ListCustomFields order
  std::string default_region = "US";       // ISO 3166 alpha-2
};

// Marks the workspace's field settings changed. Call in every transaction that creates, changes
// or deletes a custom field definition or changes default_region. Errors: storage errors.
Status BumpSettingsVersion(storage::Transaction& tx, Id workspace_id);

class FieldSettingsCache {
 public:
  explicit FieldSettingsCache(storage::Database& db) : db_(db) {}

  // The cached settings, read in a read transaction on first use. May be stale (see above).
  // Errors: storage errors.
  Result<std::shared_ptr<const FieldSettings>> Get(Id workspace_id);

  // The settings in force in `tx`: `seen` itself when its version is current (one primary-key
  // read), else read in `tx` (and cached). Errors: storage errors; on PostgreSQL a serialization
  // failure that the backend retries.
  Result<std::shared_ptr<const FieldSettings>> Current(storage::Transaction& tx, Id workspace_id,
                                                       std::shared_ptr<const FieldSettings> seen);

  // Like Current, in a read transaction of its own: whether a validation failure against `seen`
  // still holds. Errors: storage errors.
  Result<std::shared_ptr<const FieldSettings>> Refresh(Id workspace_id,
                                                       std::shared_ptr<const FieldSettings> seen);

 private:
  // Reads version, definitions and region in `conn` (one snapshot); caches them unless the
  // workspace does not exist or a newer version is cached already.
  Result<std::shared_ptr<const FieldSettings>> Load(storage::Connection& conn, Id workspace_id);

  static constexpr size_t kMaxWorkspaces = 10000;  // past this the cache starts over

  storage::Database& db_;
  std::mutex mu_;
  std::unordered_map<Id, std::shared_ptr<const FieldSettings>> by_workspace_;  // guarded by mu_
};

}  // namespace rally::fields
