// `rally import FILE [--mapping FILE | --map 'Header=field,...'] [--mode create_and_update|
// create_only|update_only] [--match-on email|custom.<key>] [--tag T]... [--sheet NAME] [--header-row N] [--delimiter D]
// [--encoding E] [--owner EMAIL] [--stage S] [--lead-source S] [--clear-empty]
// [--allow-stage-regression] [--errors OUT.csv] [--dry-run] [--resume] [--json]`
//
// Imports contacts from a CSV or .xlsx file in this process, through the same ImportService
// (and so ContactService) as the API's import jobs. Without a mapping it uses a mapping saved
// for these headers, else the suggested one. A progress bar goes to stderr on a terminal.
// --json prints one object: import_id, state, created, updated, skipped, merged, rejected,
// rows_read, encoding, delimiter, header_row, mapping (header -> field); with --dry-run also
// changes and examples.
//
// Killed mid-way, the import keeps what its committed batches wrote; `--resume` continues the
// newest unfinished import of the same file after its checkpoint, and a plain re-run matches
// every row by email, so neither creates duplicates.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_context.h"
#include "importexport/import_service.h"

namespace rally::cli {
namespace {

struct ImportArgs {
  std::string file, mapping_file, map, mode, match_on, sheet, delimiter, encoding, owner, stage,
      lead_source, errors;
  std::vector<std::string> tags;
  int64_t header_row = 0;
  bool dry_run = false, clear_empty = false, allow_regression = false, resume = false;
  bool lead_source_set = false;
};

Result<json::object> BuildOptions(const ImportArgs& a) {
  json::object o;
  if (!a.mapping_file.empty() && !a.map.empty()) {
    return InvalidArgument("give --mapping FILE or --map, not both");
  }
  if (!a.mapping_file.empty()) {
    std::ifstream in(a.mapping_file);
    if (!in) return NotFound("cannot read " + a.mapping_file);
    std::stringstream ss;
    ss << in.rdbuf();
    RALLY_ASSIGN_OR_RETURN(json::value m, ParseJson(ss.str()));
    // A file may hold the mapping itself or an object with a "mapping" key (a saved mapping).
    if (m.is_object() && m.as_object().contains("mapping")) m = m.as_object()["mapping"];
    o["mapping"] = m;
  }
  if (!a.map.empty()) {
    RALLY_ASSIGN_OR_RETURN(json::object m, importexport::ParseMapFlag(a.map));
    o["mapping"] = std::move(m);
  }
  if (!a.mode.empty()) o["mode"] = a.mode;
  if (!a.match_on.empty()) o["match_on"] = a.match_on;
  if (!a.tags.empty()) {
    json::array t;
    for (const auto& s : a.tags) t.emplace_back(s);
    o["tags"] = std::move(t);
  }
  if (!a.sheet.empty()) o["sheet"] = a.sheet;
  if (a.header_row > 0) o["header_row"] = a.header_row;
  if (!a.delimiter.empty()) o["delimiter"] = a.delimiter;
  if (!a.encoding.empty()) o["encoding"] = a.encoding;
  if (!a.owner.empty()) o["owner"] = a.owner;
  if (!a.stage.empty()) o["lifecycle_stage"] = a.stage;
  if (a.lead_source_set) o["lead_source"] = a.lead_source;
  if (a.clear_empty) o["clear_empty"] = true;
  if (a.allow_regression) o["allow_stage_regression"] = true;
  return o;
}

std::string Duration(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}

int64_t IntOf(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : 0;
}

Status RunImport(CliContext& ctx, const ImportArgs& args) {
  RALLY_ASSIGN_OR_RETURN(app::Services* s, ctx.Services());
  RALLY_ASSIGN_OR_RETURN(Id ws, ctx.WorkspaceId());
  importexport::ImportService& imports = *s->imports;
  RALLY_ASSIGN_OR_RETURN(json::object options, BuildOptions(args));
  std::error_code ec;
  std::string path = std::filesystem::absolute(args.file, ec).string();
  if (!std::filesystem::exists(path, ec)) return NotFound("no file " + args.file);

  std::optional<importexport::Import> imp;
  if (args.resume) {
    // The newest unfinished import of this very file.
    RALLY_ASSIGN_OR_RETURN(auto page, imports.List(ws, 100, ""));
    for (const auto& i : page.data) {
      if (i.file_store == "local" && i.file_path == path &&
          (i.state == importexport::ImportState::kRunning || i.state == importexport::ImportState::kQueued ||
           i.state == importexport::ImportState::kUploaded)) {
        imp = i;
        break;
      }
    }
    if (!imp) return NotFound("no unfinished import of " + path + " to resume");
    if (!ctx.options().json) {
      std::fprintf(stderr, "resuming import #%s after row %lld\n", IdToString(imp->id).c_str(),
                   static_cast<long long>(imp->checkpoint_row));
    }
  } else {
    RALLY_ASSIGN_OR_RETURN(imp, imports.CreateLocal(ws, 0, path, options));
  }

  const bool bar = !ctx.options().json && ::isatty(2);
  auto progress = [&](const json::object& p) -> Status {
    if (!bar) return Status::Ok();
    json::object c = p.contains("counts") ? p.at("counts").as_object() : json::object{};
    const json::value* eta = p.if_contains("eta_s");
    const json::value* rate = p.if_contains("rate_rows_per_s");
    std::string line = "rows " + std::to_string(IntOf(c, "rows_read")) + "  created " +
                       std::to_string(IntOf(c, "created")) + "  updated " +
                       std::to_string(IntOf(c, "updated")) + "  skipped " +
                       std::to_string(IntOf(c, "skipped") + IntOf(c, "merged")) + "  rejected " +
                       std::to_string(IntOf(c, "rejected"));
    if (rate && rate->is_double()) line += "  " + std::to_string(static_cast<int64_t>(rate->as_double())) + " rows/s";
    if (eta && eta->is_double()) line += "  ETA " + Duration(eta->as_double());
    const json::value* done = p.if_contains("bytes_read");
    const json::value* total = p.if_contains("bytes_total");
    if (done && total && total->to_number<double>() > 0) {
      int pct = static_cast<int>(100 * done->to_number<double>() / total->to_number<double>());
      int filled = std::min(20, pct / 5);
      line = "[" + std::string(filled, '#') + std::string(20 - filled, '.') + "] " +
             std::to_string(std::min(pct, 100)) + "%  " + line;
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    return Status::Ok();
  };

  json::object out{{"import_id", IdToString(imp->id)}};
  const json::object& d = imp->detected;
  out["file"] = imp->file_name;
  out["format"] = imp->format;
  out["encoding"] = d.contains("encoding") ? d.at("encoding") : json::value(nullptr);
  out["delimiter"] = d.contains("delimiter") ? d.at("delimiter") : json::value(nullptr);
  out["header_row"] = d.contains("header_row") ? d.at("header_row") : json::value(nullptr);
  if (d.contains("sheet")) out["sheet"] = d.at("sheet");

  if (args.dry_run) {
    auto report = imports.DryRun(ws, imp->id, json::object{}, progress);
    if (bar) std::fputs("\r\033[K", stderr);
    if (!report.ok()) return report.status();
    json::object counts = report->at("counts").as_object();
    for (const auto& kv : counts) out[kv.key()] = kv.value();
    out["state"] = "dry_run";
    out["mapping"] = report->at("mapping");
    out["changes"] = report->at("changes");
    out["examples"] = report->at("examples");
  } else {
    auto done = imports.Run(ws, imp->id, progress);
    if (bar) std::fputs("\r\033[K", stderr);
    if (!done.ok()) return done.status();
    imp = *done;
    for (const auto& kv : imp->counts.ToJson()) out[kv.key()] = kv.value();
    out["state"] = importexport::ImportStateName(imp->state);
    // The mapping the run used, header -> field.
    json::object mapping;
    if (imp->options.mapping.is_array()) {
      for (const auto& e : imp->options.mapping.as_array()) {
        const json::object& o = e.as_object();
        if (o.at("field").is_string() && !mapping.contains(o.at("header").as_string())) {
          mapping[o.at("header").as_string()] = o.at("field");
        }
      }
    }
    out["mapping"] = std::move(mapping);
    if (!args.errors.empty()) {
      std::ofstream f(args.errors, std::ios::binary | std::ios::trunc);
      RALLY_RETURN_IF_ERROR(imports.WriteErrorsCsv(ws, imp->id, [&](std::string_view b) {
        f.write(b.data(), static_cast<std::streamsize>(b.size()));
      }));
      if (!f) return Unavailable("cannot write " + args.errors);
      out["errors_file"] = args.errors;
    }
  }
  if (ctx.options().json) {
    ctx.PrintJson(out);
    return Status::Ok();
  }
  std::printf("%s import #%s of %s (%s, %s, header row %s)\n",
              args.dry_run ? "dry run of" : "finished", IdToString(imp->id).c_str(),
              imp->file_name.c_str(), imp->format.c_str(),
              json::serialize(out["encoding"]).c_str(), json::serialize(out["header_row"]).c_str());
  for (const auto& kv : out["mapping"].as_object()) {
    std::printf("  %-30s -> %s\n", std::string(kv.key()).c_str(),
                std::string(kv.value().as_string()).c_str());
  }
  std::printf("%s%lld created, %lld updated, %lld skipped, %lld merged, %lld rejected (%lld rows)\n",
              args.dry_run ? "would be: " : "", static_cast<long long>(IntOf(out, "created")),
              static_cast<long long>(IntOf(out, "updated")), static_cast<long long>(IntOf(out, "skipped")),
              static_cast<long long>(IntOf(out, "merged")), static_cast<long long>(IntOf(out, "rejected")),
              static_cast<long long>(IntOf(out, "rows_read")));
  if (IntOf(out, "rejected") > 0 && !args.dry_run && args.errors.empty()) {
    std::printf("rejected rows: rally import FILE --errors OUT.csv, or GET /api/v1/imports/%s/errors.csv\n",
                IdToString(imp->id).c_str());
  }
  return Status::Ok();
}

}  // namespace

void AddImportCommand(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Import contacts from a CSV or .xlsx file (dedupe by email; rows that fail are "
                "reported, the others land).");
  cmd->add_option("FILE", args->file, "The CSV or .xlsx file")->required();
  cmd->add_option("--mapping", args->mapping_file, "A JSON file: {\"Header\":\"field\",...}");
  cmd->add_option("--map", args->map, "'Header=field,Other=field' (field: a built-in key, "
                                       "custom.<key>, full_name, tags, ignore)");
  cmd->add_option("--mode", args->mode, "create_and_update (default), create_only, update_only");
  cmd->add_option("--match-on", args->match_on,
                  "What matches a row to a contact: email (default) or custom.<key> of a unique "
                  "custom field (rows matched on it may change the contact's email)");
  cmd->add_option("--tag", args->tags, "A tag for every imported contact (repeatable)");
  cmd->add_option("--sheet", args->sheet, "The .xlsx sheet to read (default: the first)");
  cmd->add_option("--header-row", args->header_row, "The header's row number (default: detected)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--delimiter", args->delimiter, "CSV delimiter: , ; | or tab (default: detected)");
  cmd->add_option("--encoding", args->encoding, "CSV encoding (default: detected)");
  cmd->add_option("--owner", args->owner, "Owner (user email) of created contacts");
  cmd->add_option("--stage", args->stage, "Lifecycle stage of created contacts");
  cmd->add_option("--lead-source", args->lead_source, "Lead source of created contacts (default: import)")
      ->each([args](const std::string&) { args->lead_source_set = true; });
  cmd->add_flag("--clear-empty", args->clear_empty, "Empty cells clear the field (default: keep)");
  cmd->add_flag("--allow-stage-regression", args->allow_regression,
                "Let the file move lifecycle stages backwards");
  cmd->add_option("--errors", args->errors, "Write the rejected rows (with an error column) here");
  cmd->add_flag("--dry-run", args->dry_run, "Report what would happen; write nothing");
  cmd->add_flag("--resume", args->resume, "Continue the unfinished import of this file");
  cmd->callback([&ctx, &exit_code, args] {
    Status s = RunImport(ctx, *args);
    if (!s.ok()) exit_code = Fail(s);
  });
}

}  // namespace rally::cli
