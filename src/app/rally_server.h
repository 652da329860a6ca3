// RallyServer: the running server as one object: services, every route, the HTTP server and the
// background maintenance (purging contacts past their 30-day restore window). `rally serve`
// wraps it with signal handling; tests (tests/fixtures/test_app.h) run it in process.
//
// Thread safety: Start/Stop/Wait from the owning thread or a signal-watching thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "app/services.h"
#include "base/result.h"
#include "jobs/job_runner.h"

namespace rally::http { class Router; }

namespace rally::app {

struct ServeOptions {
  DatabaseConfig database;
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int io_threads = 2;
  int worker_threads = 32;
  size_t max_body_bytes = 10 << 20;
  bool access_log = true;
  // The web UI: empty serves the copy embedded at build time (app/web_assets.h); a folder
  // (web/dist) is read per request instead, for development.
  std::string web_dir;
  // This process's job runner: workers, lease, heartbeat and idle polling (jobs/job_runner.h).
  // Shorter leases retake a dead process's jobs sooner, at the cost of more renewals.
  jobs::RunnerOptions jobs;
  // Registers the test job kind and its route (app/test_jobs.h): tests of several processes.
  bool test_jobs = false;
  // How often soft-deleted contacts past their 30-day window are purged.
  std::chrono::seconds purge_interval{3600};
};

// Splits "host:port" (port 0..65535). Errors: invalid_argument naming "listen".
Status ParseListen(const std::string& listen, std::string* host, uint16_t* port);

class RallyServer {
 public:
  // Registers every route over `services`. REQUIRES: services is fully wired (OpenServices).
  RallyServer(std::unique_ptr<Services> services, ServeOptions options);
  ~RallyServer();  // stops if running, then closes the services

  // Opens the port and starts maintenance. Returns the bound port.
  // Errors: invalid_argument for a bad listen address; unavailable when it cannot be bound.
  Result<uint16_t> Start();

  // Graceful: stops accepting, lets in-flight requests finish, stops maintenance. Idempotent.
  void Stop();
  void Wait();

  Services& services() { return *services_; }
  // Every route the server answers (tests check the OpenAPI document against Routes()).
  const http::Router& router() const;

 private:
  struct Impl;
  std::unique_ptr<Services> services_;
  std::unique_ptr<Impl> impl_;
};

// `rally serve`: OpenServices, RallyServer::Start, then the first-start bootstrap (prints the
// admin login and an API token once, so never on a run that could not listen), and a clean stop
// on SIGINT/SIGTERM. Prints "listening on http://HOST:PORT".
Status Serve(const ServeOptions& options);

}  // namespace rally::app
