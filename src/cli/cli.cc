#include "cli/cli.h"

#include <cstdio>
#include <cstdlib>

#include "auth/auth_service.h"
#include "cli/cli_context.h"
#include "storage/migrations.h"

namespace rally::cli {

app::DatabaseConfig CliContext::DatabaseConfig() const {
  app::DatabaseConfig c;
  if (!options_.database_url.empty()) c.url = options_.database_url;
  else if (!options_.db.empty()) c.url = "sqlite:" + options_.db;
  else if (const char* url = std::getenv("RALLY_DATABASE_URL"); url && *url) c.url = url;
  else if (const char* db = std::getenv("RALLY_DB"); db && *db) c.url = std::string("sqlite:") + db;
  else c.url = "sqlite:./data/rally.db";
  return c;
}

Result<app::Services*> CliContext::Services() {
  if (!services_) {
    RALLY_ASSIGN_OR_RETURN(services_, app::OpenServices(DatabaseConfig()));
  }
  return services_.get();
}

Result<Id> CliContext::WorkspaceId() {
  RALLY_ASSIGN_OR_RETURN(app::Services * s, Services());
  RALLY_ASSIGN_OR_RETURN(auto all, s->auth->ListWorkspaces());
  if (all.empty()) return NotFound("no workspace yet: run `rally serve` once, or `rally user add`");
  if (options_.workspace.empty()) return all.front().id;
  auto id = ParseId(options_.workspace);
  for (const auto& w : all)
    if ((id && w.id == *id) || w.name == options_.workspace) return w.id;
  return NotFound("no workspace \"" + options_.workspace + "\"");
}

void CliContext::PrintJson(const json::value& v) const {
  std::string text = json::serialize(v);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

int Fail(const Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

void AddGlobalOptions(CLI::App& cmd, GlobalOptions& o) {
  cmd.add_option("--db", o.db, "SQLite database file (default ./data/rally.db, or $RALLY_DB)");
  cmd.add_option("--database-url", o.database_url, "postgres://... (or $RALLY_DATABASE_URL)");
  cmd.add_option("--workspace", o.workspace, "Workspace id or name (default: the first)");
  cmd.add_flag("--json", o.json, "Machine-readable JSON output");
}

int RunCli(int argc, char** argv) {
  CLI::App app{"Rally: contact management in one binary", "rally"};
  app.require_subcommand(1);
  GlobalOptions options;
  CliContext ctx(options);
  int exit_code = 0;
  AddServeCommand(app, ctx, exit_code);
  AddMigrateCommand(app, ctx, exit_code);
  AddUserCommands(app, ctx, exit_code);
  AddTokenCommands(app, ctx, exit_code);
  AddContactsCommands(app, ctx, exit_code);
  AddBulkContactsCommands(app, ctx, exit_code);  // after contacts: adds to it
  AddViewsCommands(app, ctx, exit_code);
  AddFieldsCommands(app, ctx, exit_code);
  AddCopyCommand(app, ctx, exit_code);
  AddImportCommand(app, ctx, exit_code);
  AddExportCommand(app, ctx, exit_code);
  // Global options are accepted on every (sub)command.
  std::vector<CLI::App*> stack = {&app};
  while (!stack.empty()) {
    CLI::App* cmd = stack.back();
    stack.pop_back();
    AddGlobalOptions(*cmd, options);
    for (CLI::App* sub : cmd->get_subcommands({})) stack.push_back(sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks "a subcommand is required" before it reports words it did not use, so a
    // mistyped command (`rally contacts lsit`) would only hear that one is required.
    if (dynamic_cast<const CLI::RequiredError*>(&e)) {
      CLI::App* cmd = &app;
      std::string path = app.get_name();
      while (!cmd->get_subcommands().empty()) {
        cmd = cmd->get_subcommands().front();
        path += " " + cmd->get_name();
      }
      std::vector<std::string> left = cmd->remaining();
      if (cmd->get_require_subcommand_min() > 0 && !left.empty()) {
        std::string names;
        for (const CLI::App* sub : cmd->get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
        std::fprintf(stderr, "%s: unknown command \"%s\" (commands: %s)\nRun with --help for more information.\n",
                     path.c_str(), left.front().c_str(), names.c_str());
        return 2;
      }
    }
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace rally::cli
