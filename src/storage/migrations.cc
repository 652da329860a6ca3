#include "storage/migrations.h"

#include "base/clock.h"
#include "base/log.h"

namespace rally::storage {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

}  // namespace

Result<int> SchemaVersion(Database& db) {
  int version = 0;
  Status s = db.Write([&](Transaction& tx) -> Status {
    RALLY_RETURN_IF_ERROR(tx.ExecScript(kCreateTable));
    RALLY_ASSIGN_OR_RETURN(auto v, tx.QueryInt("SELECT MAX(version) FROM schema_migrations"));
    version = static_cast<int>(v.value_or(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Result<int> Migrate(Database& db) {
  RALLY_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  const auto& all = EmbeddedMigrations(db.dialect());
  if (!all.empty() && current > all.back().version) {
    return FailedPrecondition("database schema version " + std::to_string(current) +
                              " is newer than this binary's " +
                              std::to_string(all.back().version) + "; upgrade rally");
  }
  int applied = 0;
  for (const Migration& m : all) {
    if (m.version <= current) continue;
    Status s = db.Write([&](Transaction& tx) -> Status {
      RALLY_RETURN_IF_ERROR(tx.ExecScript(m.sql));
      return tx.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)",
                        {int64_t{m.version}, m.name, Now()})
          .status();
    });
    if (!s.ok()) {
      return Status(s.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                  ") failed: " + s.message());
    }
    log::Info("applied migration " + std::to_string(m.version) + " " + m.name);
    ++applied;
  }
  return applied;
}

}  // namespace rally::storage
