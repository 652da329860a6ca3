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
  cmd->add_option("--web-dir", opts->web_dir,
                  "Serve the web UI from this folder (a `vite build` of web/) instead of the copy "
                  "built into the binary; for UI development");
  cmd->add_option("--access-log", opts->access_log, "One JSON line per request on stderr (true/false)")
      ->capture_default_str();
  auto lease_ms = std::make_shared<int64_t>(opts->jobs.lease / 1000);
  auto heartbeat_ms = std::make_shared<int64_t>(opts->jobs.heartbeat.count());
  auto poll_ms = std::make_shared<int64_t>(opts->jobs.idle_poll.count());
  cmd->add_option("--job-workers", opts->jobs.workers, "Threads that run background jobs")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--job-lease-ms", *lease_ms,
                  "How long a claimed job stays this process's without renewal; a job whose "
                  "process died is retried by another after this")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{100}, int64_t{3'600'000}));
  cmd->add_option("--job-heartbeat-ms", *heartbeat_ms,
                  "How often leases are renewed and expired ones reaped (well under the lease)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{600'000}));
  cmd->add_option("--job-poll-ms", *poll_ms, "How often idle job workers look for other processes' jobs")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{600'000}));
  // Hidden (no group): tests of several processes only (app/test_jobs.h).
  cmd->add_flag("--test-jobs", opts->test_jobs, "")->group("");
  cmd->callback([&ctx, &exit_code, opts, lease_ms, heartbeat_ms, poll_ms] {
    if (*heartbeat_ms >= *lease_ms) {
      exit_code = Fail(FieldInvalid("job-heartbeat-ms", "invalid",
                                    "--job-heartbeat-ms must be under --job-lease-ms (a third of it, say)"));
      return;
    }
    opts->jobs.lease = *lease_ms * 1000;
    opts->jobs.heartbeat = std::chrono::milliseconds(*heartbeat_ms);
    opts->jobs.idle_poll = std::chrono::milliseconds(*poll_ms);
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
