#include <cstdio>

#include "base/strings.h"
#include "cli/cli_context.h"
#include "contacts/contact_search.h"
#include "contacts/contact_service.h"
#include "fields/builtin_fields.h"
#include "timeline/actor.h"

namespace rally::cli {
namespace {

// Changes made from the command line are recorded on timelines as "by system".
timeline::Actor CliActor() { return timeline::SystemActor(); }

std::string Name(const contacts::Contact& c) {
  std::string n = c.first_name.value_or("");
  if (c.last_name) n += (n.empty() ? "" : " ") + *c.last_name;
  return n;
}

void PrintContact(CliContext& ctx, const contacts::Contact& c) {
  if (ctx.options().json) {
    ctx.PrintJson(contacts::ContactToJson(c));
    return;
  }
  json::object o = contacts::ContactToJson(c);
  for (const auto& [key, value] : o) {
    if (value.is_null()) continue;
    if (value.is_array() && value.get_array().empty()) continue;
    if (value.is_object() && value.get_object().empty()) continue;
    std::string text = value.is_string() ? std::string(value.get_string()) : json::serialize(value);
    std::printf("%-18s %s\n", std::string(key).c_str(), text.c_str());
  }
}

// Finds a contact by id or, when the argument holds an @, by email.
Result<contacts::Contact> Lookup(CliContext& ctx, Id ws, const std::string& ref) {
  RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
  if (ref.find('@') != std::string::npos) return s->contacts->GetByEmail(ws, ref);
  auto id = ParseId(ref);
  if (!id) return NotFound("no contact " + ref);
  return s->contacts->Get(ws, *id);
}

}  // namespace

void AddContactsCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("contacts", "Create, show, list and delete contacts");
  cmd->require_subcommand(1);

  // add: every built-in field as a flag, custom fields and anything else with --set key=value.
  struct AddArgs {
    std::map<std::string, std::string> fields;
    std::vector<std::string> sets;
    std::string tags;
  };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = cmd->add_subcommand("add", "Create a contact (the same rules as the API)");
  static const std::pair<const char*, const char*> kFlags[] = {
      {"email", "Email (required)"}, {"first-name", "First name"}, {"last-name", "Last name"},
      {"phone", "Phone"}, {"mobile", "Mobile"}, {"title", "Job title"}, {"department", "Department"},
      {"linkedin", "LinkedIn handle or URL"}, {"twitter", "Twitter/X handle or URL"},
      {"street", "Street"}, {"city", "City"}, {"state", "State"}, {"postal-code", "Postal code"},
      {"country", "Country"}, {"company", "Company name"}, {"owner", "Owner (user email)"},
      {"stage", "Lifecycle stage"}, {"score", "Lead score 0-100"}, {"source", "Lead source"}};
  for (const auto& [flag, help] : kFlags) {
    CLI::Option* opt = add->add_option(std::string("--") + flag, a->fields[flag], help);
    if (std::string_view(flag) == "email") opt->required();
  }
  add->add_option("--tags", a->tags, "Tags, comma-separated");
  add->add_option("--set", a->sets, "FIELD=VALUE for any field, custom.<key>=VALUE for custom fields");
  add->callback([&ctx, &exit_code, a] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    static const std::map<std::string, std::string> kKeys = {
        {"first-name", "first_name"}, {"last-name", "last_name"}, {"postal-code", "postal_code"},
        {"stage", "lifecycle_stage"}, {"score", "lead_score"}, {"source", "lead_source"}};
    json::object input;
    for (const auto& [flag, value] : a->fields) {
      if (value.empty()) continue;
      auto it = kKeys.find(flag);
      input[it == kKeys.end() ? flag : it->second] = value;
    }
    if (!a->tags.empty()) input["tags"] = a->tags;
    json::object custom;
    for (const std::string& set : a->sets) {
      size_t eq = set.find('=');
      if (eq == std::string::npos || eq == 0) {
        exit_code = Fail(FieldInvalid("set", "invalid", "--set takes FIELD=VALUE, got \"" + set + "\""));
        return;
      }
      std::string key = set.substr(0, eq), value = set.substr(eq + 1);
      if (key.starts_with("custom.")) custom[key.substr(7)] = value;
      else input[key] = value;
    }
    if (!custom.empty()) input["custom"] = std::move(custom);
    auto created = (*ctx.Services())->contacts->Create(*ws, input, CliActor());
    if (!created.ok()) { exit_code = Fail(created.status()); return; }
    if (ctx.options().json) PrintContact(ctx, *created);
    else std::printf("created contact %s <%s>\n", IdToString(created->id).c_str(), created->email.c_str());
  });

  auto get_ref = std::make_shared<std::string>();
  CLI::App* get = cmd->add_subcommand("get", "Show a contact by id or email");
  get->add_option("contact", *get_ref, "Contact id or email")->required();
  get->callback([&ctx, &exit_code, get_ref] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto c = Lookup(ctx, *ws, *get_ref);
    if (!c.ok()) { exit_code = Fail(c.status()); return; }
    PrintContact(ctx, *c);
  });

  auto list_opts = std::make_shared<contacts::ContactSearchRequest>();
  CLI::App* list = cmd->add_subcommand("list", "List contacts, one page");
  list->add_option("--filter", list_opts->q,
                   "Filter, e.g. 'tag:inbound stage:lead score:>50' (docs/api.md, the filter language)");
  list->add_option("--sort", list_opts->sort, "Sort, e.g. -lead_score,last_name");
  list->add_option("--limit", list_opts->limit, "Page size (1-1000)")->capture_default_str();
  list->add_option("--cursor", list_opts->cursor, "next_cursor of the previous page");
  list->callback([&ctx, &exit_code, list_opts] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    // The CLI acts as no user: owner:me matches nothing.
    auto page = (*ctx.Services())->contact_search->List(query::QueryContext{*ws, std::nullopt}, *list_opts);
    if (!page.ok()) { exit_code = Fail(page.status()); return; }
    if (ctx.options().json) { ctx.PrintJson(page->ToJson()); return; }
    for (const auto& c : page->data) {
      std::string tags;
      for (const auto& t : c.tags) tags += (tags.empty() ? "" : ", ") + t.name;
      std::printf("%-20s %-36s %-24s %-12s %3d  %s\n", IdToString(c.id).c_str(), c.email.c_str(),
                  Name(c).c_str(), std::string(fields::LifecycleStageName(c.lifecycle_stage)).c_str(),
                  c.lead_score, tags.c_str());
    }
    if (!page->next_cursor.empty()) std::printf("next: --cursor %s\n", page->next_cursor.c_str());
  });

  auto del_ref = std::make_shared<std::string>();
  auto del_filter = std::make_shared<std::optional<std::string>>();
  CLI::App* del = cmd->add_subcommand("delete", "Delete a contact, or every contact matching --filter (restorable for 30 days)");
  del->add_option("contact", *del_ref, "Contact id or email");
  del->add_option("--filter", *del_filter, "Delete every contact matching this filter instead");
  del->callback([&ctx, &exit_code, del_ref, del_filter] {
    if (del_filter->has_value() == !del_ref->empty()) {
      exit_code = Fail(FieldInvalid("contact", "required", "give a contact id or email, or --filter"));
      return;
    }
    if (del_filter->has_value()) {
      exit_code = RunBulkDelete(ctx, **del_filter);
      return;
    }
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto c = Lookup(ctx, *ws, *del_ref);
    if (!c.ok()) { exit_code = Fail(c.status()); return; }
    Status s = (*ctx.Services())->contacts->Delete(*ws, c->id, CliActor());
    if (!s.ok()) { exit_code = Fail(s); return; }
    if (ctx.options().json) ctx.PrintJson(json::object{{"deleted", IdToString(c->id)}});
    else std::printf("deleted contact %s (restorable for 30 days)\n", IdToString(c->id).c_str());
  });

  auto restore_id = std::make_shared<std::string>();
  CLI::App* restore = cmd->add_subcommand("restore", "Restore a deleted contact");
  restore->add_option("id", *restore_id, "Contact id")->required();
  restore->callback([&ctx, &exit_code, restore_id] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto id = ParseId(*restore_id);
    if (!id) { exit_code = Fail(NotFound("no contact " + *restore_id)); return; }
    auto c = (*ctx.Services())->contacts->Restore(*ws, *id, CliActor());
    if (!c.ok()) { exit_code = Fail(c.status()); return; }
    PrintContact(ctx, *c);
  });
}

}  // namespace rally::cli
