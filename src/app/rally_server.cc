#include "app/rally_server.h"

#include <signal.h>

#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "api/auth_api.h"
#include "api/authenticator.h"
#include "api/companies_api.h"
#include "api/contact_lists_api.h"
#include "api/contacts_api.h"
#include "api/custom_fields_api.h"
#include "api/exports_api.h"
#include "api/imports_api.h"
#include "api/jobs_api.h"
#include "api/openapi.h"
#include "api/bulk_api.h"
#include "api/tags_api.h"
#include "api/views_api.h"
#include "app/test_jobs.h"
#include "app/web_assets.h"
#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "importexport/export_jobs.h"
#include "contacts/contact_service.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "jobs/job_runner.h"

namespace rally::app {

Status ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return FieldInvalid("listen", "invalid", "--listen must be HOST:PORT, got \"" + listen + "\"");
  std::string h = listen.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  unsigned p = 0;
  std::string_view ps(listen.data() + colon + 1, listen.size() - colon - 1);
  auto [ptr, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), p);
  if (ps.empty() || ec != std::errc() || ptr != ps.data() + ps.size() || p > 65535)
    return FieldInvalid("listen", "invalid", "--listen port must be 0..65535, got \"" + std::string(ps) + "\"");
  *host = h;
  *port = static_cast<uint16_t>(p);
  return Status::Ok();
}

struct RallyServer::Impl {
  ServeOptions options;
  http::Router router;
  std::unique_ptr<api::Authenticator> authenticator;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::StaticFiles> web;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread maintenance;
};

RallyServer::RallyServer(std::unique_ptr<Services> services, ServeOptions options)
    : services_(std::move(services)), impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Services& s = *services_;
  http::Router& r = impl_->router;
  impl_->authenticator = std::make_unique<api::Authenticator>(*s.auth);
  const api::Authenticator& auth = *impl_->authenticator;

  r.Add(http::Method::kGet, "/healthz", [&s](http::Request&) {
    Status ok = s.db->Read([](storage::Connection& c) { return c.QueryInt("SELECT 1").status(); });
    if (!ok.ok()) return api::ErrorResponse(Unavailable("database unavailable: " + ok.message()));
    return http::Response::Json(200, R"({"status":"ok"})");
  });
  r.Add(http::Method::kGet, "/metrics", auth.Require([this](http::Request&, const auth::Principal&) {
    std::string text = impl_->server ? impl_->server->MetricsText() : std::string();
    return http::Response::Text(200, std::move(text), "text/plain; version=0.0.4; charset=utf-8");
  }));
  r.Add(http::Method::kGet, "/api/v1/openapi.json", auth.Require([](http::Request&, const auth::Principal&) {
    return api::JsonResponse(200, api::OpenApiDocument());
  }));

  // Resources, in the order of the layering: auth, fields, companies, contacts, tags.
  api::AddAuthRoutes(r, auth, *s.auth);
  api::AddWorkspaceRoutes(r, auth, *s.auth);
  api::AddCustomFieldRoutes(r, auth, *s.custom_fields, *s.contacts);
  api::AddCompaniesRoutes(r, auth, *s.companies);
  api::AddContactsRoutes(r, auth, *s.contacts, *s.timeline);
  api::AddContactListsRoutes(r, auth, *s.contact_search);
  api::AddTagsRoutes(r, auth, *s.tags);
  api::AddViewsRoutes(r, auth, *s.views);
  api::AddBulkRoutes(r, auth, *s.bulk);
  api::AddExportsRoutes(r, auth, *s.exports, *s.export_jobs, s.views.get());
  api::AddImportsRoutes(r, auth, *s.imports, *s.jobs);
  api::AddJobsRoutes(r, auth, *s.jobs);
  if (impl_->options.test_jobs) RegisterTestJobs(r, auth, *s.jobs);
  // The runner OpenServices built, with this server's options (it is not started yet).
  s.job_runner = std::make_unique<jobs::Runner>(*s.jobs, impl_->options.jobs);

  // Last: the web UI answers every GET that no route above took (client-side routes get
  // index.html); /api/... paths keep their JSON 404.
  impl_->web = impl_->options.web_dir.empty()
                   ? http::StaticFiles::InMemory(EmbeddedWebAssets())
                   : http::StaticFiles::FromDirectory(impl_->options.web_dir);
  r.SetFallback([web = impl_->web.get()](http::Request& req) { return web->Serve(req); });
}

RallyServer::~RallyServer() {
  Stop();
  impl_.reset();
  services_.reset();
}

Result<uint16_t> RallyServer::Start() {
  http::ServerOptions so;
  RALLY_RETURN_IF_ERROR(ParseListen(impl_->options.listen, &so.host, &so.port));
  so.io_threads = impl_->options.io_threads;
  so.worker_threads = impl_->options.worker_threads;
  so.max_body_bytes = impl_->options.max_body_bytes;
  so.access_log = impl_->options.access_log;
  impl_->server = std::make_unique<http::Server>(so, impl_->router);
  RALLY_ASSIGN_OR_RETURN(uint16_t port, impl_->server->Start());
  services_->job_runner->Start();

  impl_->maintenance = std::thread([this] {
    SetThreadName("rally-maint");
    std::unique_lock lock(impl_->mu);
    while (!impl_->stopping) {
      lock.unlock();
      auto purged = services_->contacts->PurgeDeleted(Now() - 30 * kMicrosPerDay);
      if (!purged.ok()) log::Warn("purge of deleted contacts failed: " + purged.status().ToString());
      else if (*purged > 0) log::Info("purged " + std::to_string(*purged) + " contacts deleted over 30 days ago");
      auto exports = services_->export_jobs->PurgeExpired(Now());
      if (!exports.ok()) log::Warn("purge of expired exports failed: " + exports.status().ToString());
      lock.lock();
      impl_->cv.wait_for(lock, impl_->options.purge_interval, [&] { return impl_->stopping; });
    }
  });
  return port;
}

void RallyServer::Stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->server) impl_->server->Stop();
  // After the server: no request submits more work. Running jobs get the runner's grace period,
  // then go back to the queue for another process.
  if (services_ && services_->job_runner) services_->job_runner->Stop();
  if (impl_->maintenance.joinable()) impl_->maintenance.join();
}

const http::Router& RallyServer::router() const { return impl_->router; }

void RallyServer::Wait() {
  if (impl_->server) impl_->server->Wait();
}

Status Serve(const ServeOptions& options) {
  // Block the stop signals in every thread (threads inherit the mask) and take them on one
  // watcher thread, which turns them into a graceful Stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  RALLY_ASSIGN_OR_RETURN(auto services, OpenServices(options.database));
  {
    RallyServer server(std::move(services), options);
    RALLY_ASSIGN_OR_RETURN(uint16_t port, server.Start());
    // Bootstrap once the port is ours: a first start that cannot listen (the port is taken)
    // must not spend the one showing of the admin credentials on a run that ends at once.
    RALLY_ASSIGN_OR_RETURN(auto boot, server.services().auth->Bootstrap());
    if (boot) {
      std::printf(
          "\nFirst start: created workspace \"%s\" and its admin.\n"
          "  Admin login: %s\n  Password:    %s\n  API token: %s\n"
          "These are shown once. Keep the token: it is stored only as a hash.\n\n",
          boot->workspace.name.c_str(), boot->admin.email.c_str(), boot->admin_password.c_str(),
          boot->token.token.c_str());
    }
    std::string host;
    uint16_t ignored_port;
    ParseListen(options.listen, &host, &ignored_port).IgnoreError();
    if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6, as URLs write it
    std::printf("listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(port));
    std::fflush(stdout);

    std::thread watcher([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      log::Info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
      server.Stop();
    });
    server.Wait();
    // Wake the watcher if the server stopped for another reason.
    pthread_kill(watcher.native_handle(), SIGTERM);
    watcher.join();
  }  // ~RallyServer closes the services and the database (queued writes finish first)
  // Only now: a stop that hangs or fails while closing the database must not be logged as clean.
  log::Info("stopped cleanly");
  log::Flush();
  return Status::Ok();
}

}  // namespace rally::app
