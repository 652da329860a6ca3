#include <cstdio>

#include "base/strings.h"
#include "cli/cli_context.h"
#include "contacts/contact_service.h"
#include "fields/custom_fields.h"
#include "timeline/actor.h"

namespace rally::cli {
namespace {

Result<fields::CustomField> FindByKey(CliContext& ctx, Id ws, const std::string& key) {
  RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
  return s->custom_fields->GetByKey(ws, key);
}

void Print(CliContext& ctx, const fields::CustomField& f) {
  if (ctx.options().json) {
    ctx.PrintJson(fields::CustomFieldToJson(f));
    return;
  }
  std::string options;
  for (const auto& o : f.def.options) options += (options.empty() ? "" : ", ") + o;
  if (f.unique) options = options.empty() ? "(unique)" : options + " (unique)";
  std::printf("%-24s %-8s %-28s %s\n", f.def.key.c_str(), std::string(fields::FieldTypeName(f.def.type)).c_str(),
              f.def.label.c_str(), options.c_str());
}

}  // namespace

void AddFieldsCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("fields", "Manage custom fields");
  cmd->require_subcommand(1);

  cmd->add_subcommand("list", "List custom fields")->callback([&ctx, &exit_code] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto list = (*ctx.Services())->custom_fields->List(*ws);
    if (!list.ok()) { exit_code = Fail(list.status()); return; }
    if (ctx.options().json) {
      json::array out;
      for (const auto& f : *list) out.emplace_back(fields::CustomFieldToJson(f));
      ctx.PrintJson(json::object{{"data", std::move(out)}});
      return;
    }
    for (const auto& f : *list) Print(ctx, f);
  });

  struct AddArgs { std::string key, type, label, options; bool unique = false; };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = cmd->add_subcommand("add", "Create a custom field");
  add->add_option("--key", a->key, "Key: a-z, 0-9 and _, starting with a letter")->required();
  add->add_option("--type", a->type, "text, number, date, boolean or select")->required();
  add->add_option("--label", a->label, "Label shown to people (default: from the key)");
  add->add_option("--options", a->options, "Select options, comma-separated");
  add->add_flag("--unique", a->unique,
                "No two contacts may hold the same value (text and number fields); imports can "
                "match rows on it");
  add->callback([&ctx, &exit_code, a] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    fields::CustomFieldInput in;
    in.key = a->key;
    in.type = a->type;
    if (!a->label.empty()) in.label = a->label;
    if (a->unique) in.unique = true;
    if (!a->options.empty()) {
      std::vector<std::string> opts;
      for (auto o : Split(a->options, ',')) opts.emplace_back(Trim(o));
      in.options = std::move(opts);
    }
    auto created = (*ctx.Services())->custom_fields->Create(*ws, in);
    if (!created.ok()) { exit_code = Fail(created.status()); return; }
    Print(ctx, *created);
  });

  struct RenameArgs { std::string key, label; };
  auto r = std::make_shared<RenameArgs>();
  CLI::App* rename = cmd->add_subcommand("rename", "Change a custom field's label");
  rename->add_option("key", r->key, "The field's key")->required();
  rename->add_option("--label", r->label, "The new label")->required();
  rename->callback([&ctx, &exit_code, r] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto f = FindByKey(ctx, *ws, r->key);
    if (!f.ok()) { exit_code = Fail(f.status()); return; }
    fields::CustomFieldInput in;
    in.label = r->label;
    auto updated = (*ctx.Services())->custom_fields->Update(*ws, f->id, in);
    if (!updated.ok()) { exit_code = Fail(updated.status()); return; }
    Print(ctx, *updated);
  });

  struct UniqueArgs { std::string key; bool off = false; };
  auto u = std::make_shared<UniqueArgs>();
  CLI::App* unique = cmd->add_subcommand(
      "unique", "Make a custom field unique (refused while two contacts share a value), or --off");
  unique->add_option("key", u->key, "The field's key")->required();
  unique->add_flag("--off", u->off, "Allow repeated values again");
  unique->callback([&ctx, &exit_code, u] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto f = FindByKey(ctx, *ws, u->key);
    if (!f.ok()) { exit_code = Fail(f.status()); return; }
    fields::CustomFieldInput in;
    in.unique = !u->off;
    auto updated = (*ctx.Services())->custom_fields->Update(*ws, f->id, in);
    if (!updated.ok()) { exit_code = Fail(updated.status()); return; }
    Print(ctx, *updated);
  });

  auto del_key = std::make_shared<std::string>();
  CLI::App* del = cmd->add_subcommand("delete", "Delete a custom field and its values on every contact");
  del->add_option("key", *del_key, "The field's key")->required();
  del->callback([&ctx, &exit_code, del_key] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto f = FindByKey(ctx, *ws, *del_key);
    if (!f.ok()) { exit_code = Fail(f.status()); return; }
    Status s = (*ctx.Services())->contacts->DeleteCustomField(*ws, f->id, timeline::SystemActor());
    if (!s.ok()) { exit_code = Fail(s); return; }
    if (ctx.options().json) ctx.PrintJson(json::object{{"deleted", *del_key}});
    else std::printf("deleted %s\n", del_key->c_str());
  });
}

}  // namespace rally::cli
