#include "storage/migrations.h"

#include "base/clock.h"
#include "base/log.h"
#include "storage/dialect.h"

namespace rally::storage {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
// Several processes may start on one PostgreSQL database at once: each migration step takes
// this lock, so one process applies a migration and the others then see it applied.
constexpr int64_t kMigrationLock = 0x72616c6c79;  // "rally"

Result<int> CurrentVersion(Transaction& tx) {
  RALLY_RETURN_IF_ERROR(SerializeTransaction(tx, kMigrationLock));
  RALLY_RETURN_IF_ERROR(tx.ExecScript(kCreateTable));
  RALLY_ASSIGN_OR_RETURN(auto v, tx.QueryInt("SELECT MAX(version) FROM schema_migrations"));
  return static_cast<int>(v.value_or(0));
}

}  // namespace

Result<int> SchemaVersion(Database& db) {
  int version = 0;
  Status s = db.Write([&](Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(version, CurrentVersion(tx));
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
    bool done_elsewhere = false;
    Status s = db.Write([&](Transaction& tx) -> Status {
      RALLY_ASSIGN_OR_RETURN(int now_at, CurrentVersion(tx));
      done_elsewhere = now_at >= m.version;
      if (done_elsewhere) return Status::Ok();
      RALLY_RETURN_IF_ERROR(tx.ExecScript(m.sql));
      return tx.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)",
                        {int64_t{m.version}, m.name, Now()})
          .status();
    });
    if (!s.ok()) {
      return Status(s.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                  ") failed: " + s.message());
    }
    if (done_elsewhere) continue;
    log::Info("applied migration " + std::to_string(m.version) + " " + m.name);
    ++applied;
  }
  return applied;
}

}  // namespace rally::storage
