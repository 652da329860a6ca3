// rally export [--filter Q] [--view NAME|ID] [--columns C] [--sort S] [--format csv|xlsx]
//              [-o FILE] [--delimiter D] [--bom] [--no-formula-protection]
// Exports contacts through the same ExportService as GET /api/v1/exports: one read snapshot,
// keyset pages, constant memory. The file is written beside FILE and renamed into place when
// complete, so FILE is never a half export. CSV goes to stdout without -o (or with -o -); an
// .xlsx needs a file. A progress bar goes to stderr on a terminal; --json prints
// {"file","format","rows","columns","seconds"}. --view names a shared saved view (or its id).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/strings.h"
#include "cli/cli_context.h"
#include "importexport/export_service.h"
#include "segments/saved_view_service.h"

namespace rally::cli {
namespace {

struct ExportArgs {
  std::string filter, view, columns, sort, format = "csv", output, delimiter = ",";
  bool bom = false;
  bool no_protect = false;
};

Status RunExport(CliContext& ctx, const ExportArgs& args) {
  RALLY_ASSIGN_OR_RETURN(importexport::ExportFormat format,
                         importexport::ParseExportFormat(args.format));
  importexport::CsvOptions csv;
  RALLY_ASSIGN_OR_RETURN(csv.delimiter, importexport::ParseDelimiter(args.delimiter));
  csv.bom = args.bom;
  csv.protect_formulas = !args.no_protect;
  const bool to_stdout = args.output.empty() || args.output == "-";
  if (to_stdout && format == importexport::ExportFormat::kXlsx) {
    return FieldInvalid("output", "required", "an .xlsx export needs -o FILE");
  }
  RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
  RALLY_ASSIGN_OR_RETURN(Id ws, ctx.WorkspaceId());

  importexport::ExportRequest request;
  if (!args.view.empty()) {
    segments::Viewer viewer{ws, 0, true};  // the CLI is no user: it sees the shared views
    std::optional<segments::SavedView> found;
    if (auto id = ParseId(args.view)) {
      RALLY_ASSIGN_OR_RETURN(segments::ShownView v, s->views->Get(viewer, *id));
      found = v.view;
    } else {
      RALLY_ASSIGN_OR_RETURN(std::vector<segments::ShownView> all, s->views->List(viewer));
      for (const segments::ShownView& v : all) {
        if (CaseFold(v.view.name) == CaseFold(args.view)) found = v.view;
      }
    }
    if (!found)
      return Status(StatusCode::kNotFound, "no shared saved view named \"" + args.view + "\"");
    request.filter = found->filter;
    request.sort = found->sort;
    request.columns = found->columns;
  }
  request.q = args.filter;
  if (!args.sort.empty()) request.sort = args.sort;
  if (!args.columns.empty()) request.columns = importexport::SplitColumns(args.columns);

  const bool bar = !ctx.options().json && ::isatty(2);
  auto progress = [&](int64_t rows, int64_t total) {
    if (!bar) return true;
    int pct = total > 0 ? static_cast<int>(100 * rows / total) : 100;
    std::fprintf(stderr, "\r\033[K%3d%%  %lld/%lld contacts", pct, static_cast<long long>(rows),
                 static_cast<long long>(total));
    std::fflush(stderr);
    return true;
  };
  query::QueryContext qctx{ws, std::nullopt};
  auto started = std::chrono::steady_clock::now();
  std::string tmp = to_stdout ? "" : args.output + ".part";
  Result<int64_t> rows = 0;
  std::vector<importexport::ExportColumn> columns;
  RALLY_ASSIGN_OR_RETURN(columns, s->exports->Check(qctx, request));
  if (format == importexport::ExportFormat::kXlsx) {
    importexport::XlsxSink sink(tmp);
    rows = s->exports->Run(qctx, request, sink, progress, bar);
  } else {
    std::ofstream file;
    if (!to_stdout) {
      file.open(tmp, std::ios::binary | std::ios::trunc);
      if (!file) return Unavailable("cannot write " + tmp);
    }
    std::ostream& out = to_stdout ? std::cout : file;
    importexport::CsvSink sink(csv, [&](std::string& chunk) -> Status {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      return out ? Status::Ok() : Unavailable("cannot write the export");
    });
    rows = s->exports->Run(qctx, request, sink, progress, bar);
    out.flush();
    if (rows.ok() && !out) rows = Unavailable("cannot write the export");
  }
  if (bar) std::fputs("\r\033[K", stderr);
  std::error_code ec;
  if (!rows.ok()) {
    if (!to_stdout) std::filesystem::remove(tmp, ec);
    return rows.status();
  }
  if (!to_stdout) {
    std::filesystem::rename(tmp, args.output, ec);
    if (ec) return Unavailable("cannot rename " + tmp + " to " + args.output + ": " + ec.message());
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (ctx.options().json) {
    json::array cols;
    for (const auto& c : columns) cols.emplace_back(c.key);
    ctx.PrintJson(
        json::object{{"file", to_stdout ? json::value(nullptr) : json::value(args.output)},
                     {"format", importexport::ExportFormatName(format)},
                     {"rows", *rows},
                     {"columns", std::move(cols)},
                     {"seconds", seconds}});
  } else if (!to_stdout) {
    std::fprintf(stderr, "exported %lld contacts to %s in %.1f s\n", static_cast<long long>(*rows),
                 args.output.c_str(), seconds);
  }
  return Status::Ok();
}

}  // namespace

void AddExportCommand(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Export contacts as CSV or .xlsx");
  cmd->add_option("--filter", args->filter, "Filter in the filter language (narrows --view)");
  cmd->add_option("--view", args->view,
                  "A shared saved view (name or id): its filter, sort and columns");
  cmd->add_option("--columns", args->columns, "Comma-separated field keys, or all");
  cmd->add_option("--sort", args->sort, "Sort, e.g. -lead_score,last_name");
  cmd->add_option("--format", args->format, "csv (default) or xlsx");
  cmd->add_option("-o,--output", args->output, "The file to write (CSV: stdout when absent or -)");
  cmd->add_option("--delimiter", args->delimiter, "CSV delimiter: , ; tab |");
  cmd->add_flag("--bom", args->bom, "CSV: start with a UTF-8 BOM (for Excel)");
  cmd->add_flag("--no-formula-protection", args->no_protect,
                "CSV: write cells starting with = + - @ as they are (for machine pipelines)");
  cmd->callback([&ctx, &exit_code, args] {
    Status s = RunExport(ctx, *args);
    if (!s.ok()) exit_code = Fail(s);
  });
}

}  // namespace rally::cli
