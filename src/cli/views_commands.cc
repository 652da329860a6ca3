// `rally views list|create|show|delete` (saved views, issue 4 item 4) and the bulk contact
// commands `rally contacts update --filter ...` and `rally contacts delete --filter ...`
// (issue 4 item 5), all through the same services as the API.
//
// Views belong to users: --user EMAIL acts as that user (their private views and the shared
// ones); without it the CLI acts as an admin who is no user: it sees and may delete shared
// views only, and cannot create one.
//
// Bulk commands run in this process in batches of 1,000 contacts, each its own transaction,
// with a progress line on stderr when it is a terminal (BulkActionService::RunNow); changes are
// recorded on timelines as "by system", as every CLI write is.
#include <unistd.h>

#include <cstdio>

#include "auth/auth_service.h"
#include "base/strings.h"
#include "cli/cli_context.h"
#include "segments/bulk_action_service.h"
#include "segments/saved_view_service.h"
#include "timeline/actor.h"

namespace rally::cli {
namespace {

Result<segments::Viewer> ViewerFor(CliContext& ctx, Id ws, const std::string& user_email) {
  if (user_email.empty()) return segments::Viewer{ws, 0, /*admin=*/true};
  RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
  RALLY_ASSIGN_OR_RETURN(auth::User user, s->auth->FindUserByEmail(ws, user_email));
  return segments::Viewer{ws, user.id, user.role == auth::Role::kAdmin};
}

void PrintView(CliContext& ctx, const segments::ShownView& v) {
  if (ctx.options().json) {
    ctx.PrintJson(v.ToJson());
    return;
  }
  std::printf("%-12s %s\n", "id", IdToString(v.view.id).c_str());
  std::printf("%-12s %s\n", "name", v.view.name.c_str());
  std::printf("%-12s %s\n", "visibility", std::string(segments::VisibilityName(v.view.visibility)).c_str());
  std::printf("%-12s %s\n", "filter",
              v.q ? v.q->c_str() : "(no longer valid: a field it names was deleted)");
  if (!v.view.sort.empty()) std::printf("%-12s %s\n", "sort", v.view.sort.c_str());
  if (!v.view.columns.empty()) std::printf("%-12s %s\n", "columns", Join(v.view.columns, ", ").c_str());
}

// Runs a bulk request built from flags, printing a progress line on a terminal.
int RunBulk(CliContext& ctx, const json::object& body, std::string_view verb) {
  auto ws = ctx.WorkspaceId();
  if (!ws.ok()) return Fail(ws.status());
  auto request = segments::ParseBulkRequest(body);
  if (!request.ok()) return Fail(request.status());
  auto services = ctx.Services();
  if (!services.ok()) return Fail(services.status());
  const bool bar = !ctx.options().json && ::isatty(2);
  auto progress = [&](int64_t done, int64_t total) {
    if (!bar) return;
    int pct = total ? static_cast<int>(100 * done / total) : 100;
    std::fprintf(stderr, "\r\033[K%3d%%  %lld/%lld contacts", pct, static_cast<long long>(done),
                 static_cast<long long>(total));
    std::fflush(stderr);
  };
  segments::BulkCaller caller{*ws, std::nullopt, /*admin=*/true, timeline::SystemActor()};
  auto counts = (*services)->bulk->RunNow(caller, *request, progress);
  if (bar) std::fputs("\r\033[K", stderr);
  if (!counts.ok()) return Fail(counts.status());
  if (ctx.options().json) {
    ctx.PrintJson(counts->ToJson());
  } else {
    std::printf("%s %lld of %lld contacts (%lld unchanged, %lld skipped)\n", std::string(verb).c_str(),
                static_cast<long long>(counts->changed), static_cast<long long>(counts->total),
                static_cast<long long>(counts->unchanged), static_cast<long long>(counts->skipped));
  }
  return 0;
}

}  // namespace

int RunBulkDelete(CliContext& ctx, const std::string& filter) {
  return RunBulk(ctx, json::object{{"q", filter}, {"action", json::object{{"type", "delete"}}}}, "deleted");
}

void AddBulkContactsCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* contacts = app.get_subcommand("contacts");
  struct UpdateArgs {
    std::string filter;
    std::vector<std::string> sets, add_tags, remove_tags;
  };
  auto a = std::make_shared<UpdateArgs>();
  CLI::App* update = contacts->add_subcommand(
      "update", "Change every contact matching a filter (the same rules, timeline entries and events as the API)");
  update->add_option("--filter", a->filter, "Filter, e.g. 'tag:inbound stage:lead' ('' for every contact)")->required();
  update->add_option("--set", a->sets, "FIELD=VALUE (stage=customer, owner=EMAIL, custom.<key>=VALUE; empty VALUE clears)");
  update->add_option("--add-tag", a->add_tags, "Tag to add (repeatable)");
  update->add_option("--remove-tag", a->remove_tags, "Tag to remove (repeatable)");
  update->callback([&ctx, &exit_code, a] {
    json::object set;
    for (const std::string& s : a->sets) {
      size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        exit_code = Fail(FieldInvalid("set", "invalid", "--set takes FIELD=VALUE, got \"" + s + "\""));
        return;
      }
      std::string value = s.substr(eq + 1);
      set[s.substr(0, eq)] = value.empty() ? json::value(nullptr) : json::value(value);
    }
    json::object action{{"type", "update"}};
    if (!set.empty()) action["set"] = std::move(set);
    auto tags = [](const std::vector<std::string>& v) {
      json::array out;
      for (const std::string& t : v) out.emplace_back(t);
      return out;
    };
    if (!a->add_tags.empty()) action["add_tags"] = tags(a->add_tags);
    if (!a->remove_tags.empty()) action["remove_tags"] = tags(a->remove_tags);
    exit_code = RunBulk(ctx, json::object{{"q", a->filter}, {"action", std::move(action)}}, "updated");
  });
}

void AddViewsCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("views", "Saved views: named filters, private or shared");
  cmd->require_subcommand(1);
  auto user = std::make_shared<std::string>();
  auto add_user = [&](CLI::App* sub) {
    sub->add_option("--user", *user, "Act as this user (email); default: shared views only");
  };

  CLI::App* list = cmd->add_subcommand("list", "The views you see, by name");
  add_user(list);
  list->callback([&ctx, &exit_code, user] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto viewer = ViewerFor(ctx, *ws, *user);
    if (!viewer.ok()) { exit_code = Fail(viewer.status()); return; }
    auto views = (*ctx.Services())->views->List(*viewer);
    if (!views.ok()) { exit_code = Fail(views.status()); return; }
    if (ctx.options().json) {
      json::array data;
      for (const auto& v : *views) data.push_back(v.ToJson());
      ctx.PrintJson(json::object{{"data", std::move(data)}});
      return;
    }
    for (const auto& v : *views) {
      std::printf("%-20s %-8s %-30s %s\n", IdToString(v.view.id).c_str(),
                  std::string(segments::VisibilityName(v.view.visibility)).c_str(), v.view.name.c_str(),
                  v.q ? v.q->c_str() : "(invalid: a field it names was deleted)");
    }
  });

  struct CreateArgs {
    std::string name, filter, sort, columns;
    bool shared = false;
  };
  auto c = std::make_shared<CreateArgs>();
  CLI::App* create = cmd->add_subcommand("create", "Save a view");
  add_user(create);
  create->add_option("--name", c->name, "Name (unique among your views, and among shared views)")->required();
  create->add_option("--filter", c->filter, "Filter, e.g. 'tag:inbound score:>50'");
  create->add_option("--sort", c->sort, "Sort, e.g. -lead_score,last_name");
  create->add_option("--columns", c->columns, "Columns to show, comma-separated");
  create->add_flag("--shared", c->shared, "Share with the whole workspace");
  create->callback([&ctx, &exit_code, user, c] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    if (user->empty()) {
      exit_code = Fail(FieldInvalid("user", "required", "--user is required: a view belongs to a user"));
      return;
    }
    auto viewer = ViewerFor(ctx, *ws, *user);
    if (!viewer.ok()) { exit_code = Fail(viewer.status()); return; }
    segments::SavedViewInput in;
    in.name = c->name;
    in.q = c->filter;
    in.sort = c->sort;
    if (!c->columns.empty()) {
      std::vector<std::string> cols;
      for (std::string_view col : Split(c->columns, ',')) cols.emplace_back(Trim(col));
      in.columns = std::move(cols);
    }
    in.visibility = c->shared ? segments::Visibility::kShared : segments::Visibility::kPrivate;
    auto made = (*ctx.Services())->views->Create(*viewer, in);
    if (!made.ok()) { exit_code = Fail(made.status()); return; }
    if (ctx.options().json) PrintView(ctx, *made);
    else std::printf("created view %s \"%s\"\n", IdToString(made->view.id).c_str(), made->view.name.c_str());
  });

  auto ref = std::make_shared<std::string>();
  // What show and delete start from: the acting user as a viewer, and the view `ref` names by
  // id, or by name among the views that viewer sees.
  struct Resolved {
    segments::Viewer viewer;
    segments::ShownView view;
  };
  auto resolve = [&ctx, user, ref]() -> Result<Resolved> {
    RALLY_ASSIGN_OR_RETURN(Id ws, ctx.WorkspaceId());
    RALLY_ASSIGN_OR_RETURN(segments::Viewer viewer, ViewerFor(ctx, ws, *user));
    RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
    if (auto id = ParseId(*ref)) {
      RALLY_ASSIGN_OR_RETURN(segments::ShownView v, s->views->Get(viewer, *id));
      return Resolved{viewer, std::move(v)};
    }
    RALLY_ASSIGN_OR_RETURN(auto views, s->views->List(viewer));
    for (auto& v : views)
      if (CaseFold(v.view.name) == CaseFold(*ref)) return Resolved{viewer, std::move(v)};
    return NotFound("no view " + *ref);
  };
  CLI::App* show = cmd->add_subcommand("show", "Show a view by id or name");
  add_user(show);
  show->add_option("view", *ref, "View id or name")->required();
  show->callback([&ctx, &exit_code, resolve] {
    auto r = resolve();
    if (!r.ok()) { exit_code = Fail(r.status()); return; }
    PrintView(ctx, r->view);
  });

  CLI::App* del = cmd->add_subcommand("delete", "Delete a view by id or name");
  add_user(del);
  del->add_option("view", *ref, "View id or name")->required();
  del->callback([&ctx, &exit_code, resolve] {
    auto r = resolve();
    if (!r.ok()) { exit_code = Fail(r.status()); return; }
    const segments::SavedView& v = r->view.view;
    Status s = (*ctx.Services())->views->Delete(r->viewer, v.id);
    if (!s.ok()) { exit_code = Fail(s); return; }
    if (ctx.options().json) ctx.PrintJson(json::object{{"deleted", IdToString(v.id)}});
    else std::printf("deleted view %s \"%s\"\n", IdToString(v.id).c_str(), v.name.c_str());
  });
}

}  // namespace rally::cli
