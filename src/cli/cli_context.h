// What every CLI command shares: the global options, opening the services they name, choosing
// the workspace, and printing results as text or JSON.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "app/services.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"

namespace rally::cli {

struct GlobalOptions {
  std::string db;            // SQLite path
  std::string database_url;  // postgres://...
  std::string workspace;     // id or name; empty: the first workspace
  bool json = false;
};

class CliContext {
 public:
  explicit CliContext(GlobalOptions& options) : options_(options) {}

  GlobalOptions& options() { return options_; }
  app::DatabaseConfig DatabaseConfig() const;

  // Opens (once) the database named by the options, migrated, with every service wired.
  Result<app::Services*> Services();
  // The workspace named by --workspace, or the first one. Errors: not_found.
  Result<Id> WorkspaceId();

  // Prints `v` as JSON (one line) on stdout.
  void PrintJson(const json::value& v) const;

 private:
  GlobalOptions& options_;
  std::unique_ptr<app::Services> services_;
};

// Prints "error: <status>" on stderr and returns the exit code for a failure (1).
int Fail(const Status& status);

// Adds the global options to a (sub)command so they may come before or after it.
void AddGlobalOptions(CLI::App& cmd, GlobalOptions& options);

// Each adds its subcommand(s) to `app`; the callbacks set `exit_code`.
void AddServeCommand(CLI::App& app, CliContext& ctx, int& exit_code);
void AddMigrateCommand(CLI::App& app, CliContext& ctx, int& exit_code);
void AddUserCommands(CLI::App& app, CliContext& ctx, int& exit_code);
void AddTokenCommands(CLI::App& app, CliContext& ctx, int& exit_code);
void AddContactsCommands(CLI::App& app, CliContext& ctx, int& exit_code);
// `contacts update --filter ...` (views_commands.cc). REQUIRES: AddContactsCommands first.
void AddBulkContactsCommands(CLI::App& app, CliContext& ctx, int& exit_code);
void AddViewsCommands(CLI::App& app, CliContext& ctx, int& exit_code);
// `contacts delete --filter F`: deletes every match in batches; returns the exit code.
int RunBulkDelete(CliContext& ctx, const std::string& filter);
void AddFieldsCommands(CLI::App& app, CliContext& ctx, int& exit_code);
void AddCopyCommand(CLI::App& app, CliContext& ctx, int& exit_code);
void AddImportCommand(CLI::App& app, CliContext& ctx, int& exit_code);
void AddExportCommand(CLI::App& app, CliContext& ctx, int& exit_code);

}  // namespace rally::cli
