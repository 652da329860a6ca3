#include <cstdio>

#include "api/auth_api.h"
#include "auth/auth_service.h"
#include "cli/cli_context.h"

namespace rally::cli {
namespace {

// The workspace to add a user to; a database without one gets the "Default" workspace, so
// `rally user add --role admin` works before the first `rally serve`. That first user must be
// an admin: `rally serve` bootstraps an admin only into a database with no workspace, so a
// workspace started by a member would never get one.
Result<Id> WorkspaceForNewUser(CliContext& ctx, auth::Role role) {
  RALLY_ASSIGN_OR_RETURN(app::Services * s, ctx.Services());
  RALLY_ASSIGN_OR_RETURN(auto all, s->auth->ListWorkspaces());
  if (all.empty() && ctx.options().workspace.empty()) {
    if (role != auth::Role::kAdmin) {
      return FieldInvalid("role", "first_user_not_admin",
                          "the first user of a new database must be an admin (--role admin); "
                          "or run `rally serve` once, which creates one");
    }
    RALLY_ASSIGN_OR_RETURN(auth::Workspace ws, s->auth->CreateWorkspace("Default"));
    return ws.id;
  }
  return ctx.WorkspaceId();
}

}  // namespace

void AddUserCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);

  struct AddArgs { std::string email, password, role = "member", name; };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = user->add_subcommand("add", "Add a user to the workspace");
  add->add_option("--email", a->email, "Email (the login)")->required();
  add->add_option("--password", a->password, "Password (at least 8 characters; omit for no login)");
  add->add_option("--role", a->role, "admin or member")->capture_default_str();
  add->add_option("--name", a->name, "Display name");
  add->callback([&ctx, &exit_code, a] {
    auto role = auth::ParseRole(a->role);
    if (!role) {
      exit_code = Fail(FieldInvalid("role", "invalid", "--role must be admin or member"));
      return;
    }
    auto ws = WorkspaceForNewUser(ctx, *role);
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto s = ctx.Services();
    auth::NewUser nu{a->email, a->name, *role, a->password};
    auto created = (*s)->auth->CreateUser(*ws, nu);
    if (!created.ok()) { exit_code = Fail(created.status()); return; }
    if (ctx.options().json) ctx.PrintJson(api::UserToJson(*created));
    else std::printf("added %s (%s) as %s\n", created->email.c_str(), IdToString(created->id).c_str(),
                     std::string(auth::RoleName(created->role)).c_str());
  });

  CLI::App* list = user->add_subcommand("list", "List the workspace's users");
  list->callback([&ctx, &exit_code] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto users = (*ctx.Services())->auth->ListUsers(*ws);
    if (!users.ok()) { exit_code = Fail(users.status()); return; }
    if (ctx.options().json) {
      json::array out;
      for (const auto& u : *users) out.emplace_back(api::UserToJson(u));
      ctx.PrintJson(json::object{{"data", std::move(out)}});
      return;
    }
    for (const auto& u : *users)
      std::printf("%-20s %-32s %-7s %s%s\n", IdToString(u.id).c_str(), u.email.c_str(),
                  std::string(auth::RoleName(u.role)).c_str(), u.name.c_str(), u.disabled() ? " (disabled)" : "");
  });
}

void AddTokenCommands(CLI::App& app, CliContext& ctx, int& exit_code) {
  CLI::App* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);

  struct CreateArgs { std::string user, name = "cli"; };
  auto a = std::make_shared<CreateArgs>();
  CLI::App* create = token->add_subcommand("create", "Create an API token (shown once)");
  create->add_option("--user", a->user, "The user's email")->required();
  create->add_option("--name", a->name, "A name to recognize the token by")->capture_default_str();
  create->callback([&ctx, &exit_code, a] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto* s = *ctx.Services();
    auto user = s->auth->FindUserByEmail(*ws, a->user);
    if (!user.ok()) { exit_code = Fail(user.status()); return; }
    auto created = s->auth->CreateToken(*ws, user->id, a->name);
    if (!created.ok()) { exit_code = Fail(created.status()); return; }
    if (ctx.options().json) {
      ctx.PrintJson(json::object{{"token", created->token}, {"id", IdToString(created->info.id)}});
    } else {
      std::printf("%s\n(shown once: store it now)\n", created->token.c_str());
    }
  });

  CLI::App* list = token->add_subcommand("list", "List API tokens (without secrets)");
  list->callback([&ctx, &exit_code] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto tokens = (*ctx.Services())->auth->ListTokens(*ws);
    if (!tokens.ok()) { exit_code = Fail(tokens.status()); return; }
    json::array out;
    for (const auto& t : *tokens) out.emplace_back(api::TokenToJson(t));
    if (ctx.options().json) { ctx.PrintJson(json::object{{"data", std::move(out)}}); return; }
    for (const auto& t : *tokens)
      std::printf("%-20s %-24s user %s\n", IdToString(t.id).c_str(), t.name.c_str(), IdToString(t.user_id).c_str());
  });

  auto revoke_id = std::make_shared<std::string>();
  CLI::App* revoke = token->add_subcommand("revoke", "Revoke an API token");
  revoke->add_option("id", *revoke_id, "Token id")->required();
  revoke->callback([&ctx, &exit_code, revoke_id] {
    auto ws = ctx.WorkspaceId();
    if (!ws.ok()) { exit_code = Fail(ws.status()); return; }
    auto id = ParseId(*revoke_id);
    if (!id) { exit_code = Fail(NotFound("no token " + *revoke_id)); return; }
    Status s = (*ctx.Services())->auth->RevokeToken(*ws, *id);
    if (!s.ok()) { exit_code = Fail(s); return; }
    if (ctx.options().json) ctx.PrintJson(json::object{{"revoked", *revoke_id}});
    // A running server learns of it when its cached copy expires (auth/principal_cache.h).
    else std::printf("revoked %s (a running server stops accepting it within %lld s)\n", revoke_id->c_str(),
                     static_cast<long long>(ctx.DatabaseConfig().auth.cache_ttl / kMicrosPerSecond));
  });
}

}  // namespace rally::cli
