// Server: the Boost.Beast HTTP/1.1 server. One coroutine per connection on a small pool of I/O
// threads; handlers run on a separate worker pool so blocking database work never stalls I/O.
//
// Every read and write has a timeout, every body a limit (413), the number of requests being
// handled at once a cap (503 past it), and Stop() drains: the listener closes, in-flight
// requests finish (up to a grace period), idle keep-alive connections close.
//
// Each request gets a request id (X-Request-Id echoed or generated), an access-log line (JSON:
// ts, id, method, path, status, bytes, duration_us, remote) and counts in Metrics. A handler that
// throws gets a 500 JSON error, logged with the request id.
//
// Thread safety: Start/Stop/Wait from the owning thread; metrics() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/router.h"

namespace rally::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; Start() returns it
  int io_threads = 2;
  int worker_threads = 32;
  size_t max_body_bytes = 10 << 20;
  size_t max_header_bytes = 16 << 10;
  int max_in_flight = 512;  // requests being handled at once
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{15};
  bool access_log = true;
};


class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();  // stops if running

  // Binds and starts serving. Returns the bound port.
  // Errors: kUnavailable when the address cannot be bound.
  Result<uint16_t> Start();

  // Graceful stop (see above). Idempotent; safe to call from a signal-watching thread.
  void Stop();

  // Blocks until Stop() has completed.
  void Wait();

  // Prometheus text exposition of request counts and latency histograms by route.
  std::string MetricsText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::http
