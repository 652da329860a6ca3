// The `rally` command line (DESIGN.md §4 "CLI"). Scripts depend on these forms:
//   rally serve --listen 127.0.0.1:8080
//   rally migrate
//   rally user add --email E --password P --role admin|member
//   rally token create --user E --json            -> {"token":"..."}
//   rally contacts add|get|list|delete ... [--json]
//   rally fields list|add|rename|delete ...
//   rally copy --from sqlite:PATH|postgres://... --to ... [--workspace ID|NAME]
// Every command takes --db PATH (SQLite, default ./data/rally.db, or RALLY_DB) or
// --database-url postgres://... (or RALLY_DATABASE_URL), --workspace ID|NAME (default: the
// first) and --json. Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
#pragma once

namespace rally::cli {

int RunCli(int argc, char** argv);

}  // namespace rally::cli
