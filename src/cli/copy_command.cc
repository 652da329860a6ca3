// `rally copy --from URL --to URL [--workspace ID|NAME] [--batch-rows N] [--json]`: every row of
// one database into another, empty one, across backends (storage/copy.h has the how and the
// guarantees). URLs as --database-url takes them, plus SQLite as `sqlite:PATH` or a bare path.
// Without --workspace every workspace is copied (moving a whole deployment); with it, only that
// one (here --workspace does not default to the first workspace).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdio>

#include "cli/cli_context.h"
#include "storage/copy.h"

namespace rally::cli {
namespace {

struct CopyArgs {
  std::string from, to;
  int batch_rows = 1000;
};

// A database URL with its SQLite form made canonical, to tell whether --from and --to are one.
std::string Canonical(std::string url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) return url;
  if (url.starts_with("sqlite:")) url.erase(0, 7);
  if (url.starts_with("//")) url.erase(0, 2);
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(url, ec);
  return ec ? url : p.string();
}

Status RunCopy(CliContext& ctx, const CopyArgs& args) {
  if (args.from.empty() || args.to.empty()) {
    return InvalidArgument("rally copy needs --from and --to (sqlite:PATH or postgres://...)");
  }
  if (Canonical(args.from) == Canonical(args.to)) {
    return FieldInvalid("to", "invalid", "--from and --to name the same database");
  }
  storage::OpenOptions from_open, to_open;
  from_open.url = args.from;
  to_open.url = args.to;
  RALLY_ASSIGN_OR_RETURN(auto from, storage::Open(from_open));
  RALLY_ASSIGN_OR_RETURN(auto to, storage::Open(to_open));

  const bool bar = !ctx.options().json && ::isatty(2);
  storage::CopyOptions options;
  options.workspace = ctx.options().workspace;
  options.batch_rows = args.batch_rows;
  std::string last_table;
  options.on_progress = [&](const storage::CopyProgress& p) {
    if (!bar) return;
    int pct = p.rows_total ? static_cast<int>(100 * p.rows_done / p.rows_total) : 100;
    std::fprintf(stderr, "\r\033[K%3d%%  %s %lld/%lld", pct, p.table.c_str(),
                 static_cast<long long>(p.table_rows_done), static_cast<long long>(p.table_rows_total));
    std::fflush(stderr);
    last_table = p.table;
  };
  auto started = std::chrono::steady_clock::now();
  auto report = storage::CopyDatabase(*from, *to, options);
  if (bar && !last_table.empty()) std::fputs("\r\033[K", stderr);
  to->Close();
  from->Close();
  if (!report.ok()) return report.status();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (ctx.options().json) {
    json::object tables;
    for (const auto& t : report->tables) tables[t.name] = t.rows;
    json::array skipped;
    for (const auto& c : report->skipped_columns) skipped.emplace_back(c);
    ctx.PrintJson(json::object{{"schema_version", report->schema_version},
                               {"rows", report->rows},
                               {"tables", std::move(tables)},
                               {"skipped_columns", std::move(skipped)}});
    return Status::Ok();
  }
  for (const auto& t : report->tables) {
    std::printf("  %-24s %lld\n", t.name.c_str(), static_cast<long long>(t.rows));
  }
  for (const auto& c : report->skipped_columns) {
    std::printf("  not copied, one backend's own derived column: %s\n", c.c_str());
  }
  std::printf("copied %lld rows in %zu tables (schema version %d) in %.1f s\n",
              static_cast<long long>(report->rows), report->tables.size(), report->schema_version,
              seconds);
  return Status::Ok();
}

}  // namespace

void AddCopyCommand(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto args = std::make_shared<CopyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy",
      "Copy every row of one database into another, empty one (SQLite <-> PostgreSQL), ids kept, "
      "in one transaction. --workspace copies one workspace; without it, all.");
  cmd->add_option("--from", args->from, "Source: sqlite:PATH or postgres://... (never written to)")
      ->required();
  cmd->add_option("--to", args->to, "Target: sqlite:PATH or postgres://..., empty (migrated here if new)")
      ->required();
  cmd->add_option("--batch-rows", args->batch_rows, "Rows read and written per statement")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->callback([&ctx, &exit_code, args] {
    Status s = RunCopy(ctx, *args);
    if (!s.ok()) exit_code = Fail(s);
  });
}

}  // namespace rally::cli
