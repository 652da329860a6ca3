#include "app/rally_server.h"
#include "cli/cli_context.h"
#include "storage/migrations.h"

namespace rally::cli {

void AddServeCommand(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<app::ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the server (REST API and web UI)");
  cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--workers", opts->worker_threads, "Threads that run requests")->capture_default_str();
  cmd->add_option("--io-threads", opts->io_threads, "Threads that do network I/O")->capture_default_str();
  cmd->add_option("--access-log", opts->access_log, "One JSON line per request on stderr (true/false)")
      ->capture_default_str();
  cmd->callback([&ctx, &exit_code, opts] {
    opts->database = ctx.DatabaseConfig();
    Status s = app::Serve(*opts);
    if (!s.ok()) exit_code = Fail(s);
  });
}

void AddMigrateCommand(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("migrate", "Apply schema migrations and exit");
  cmd->callback([&ctx, &exit_code] {
    storage::OpenOptions open;
    open.url = ctx.DatabaseConfig().url;
    auto db = storage::Open(open);
    if (!db.ok()) {
      exit_code = Fail(db.status());
      return;
    }
    auto applied = storage::Migrate(**db);
    if (!applied.ok()) {
      exit_code = Fail(applied.status());
      return;
    }
    auto version = storage::SchemaVersion(**db);
    (*db)->Close();
    if (ctx.options().json) {
      ctx.PrintJson(json::object{{"applied", *applied}, {"version", version.value_or(0)}});
    } else {
      std::printf("applied %d migration(s); schema version %d\n", *applied, version.value_or(0));
    }
  });
}

}  // namespace rally::cli
