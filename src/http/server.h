// Server: the Boost.Beast HTTP/1.1 server. One coroutine per connection on a small pool of I/O
// threads; handlers run on a separate worker pool so blocking database work never stalls I/O.
//
// Every read and write has a timeout, every body a limit (413), the number of requests being
// handled at once a cap (503 past it), and Stop() drains: the listener closes, in-flight
// requests finish (up to a grace period), idle keep-alive connections close.
//
// Each request gets a request id (X-Request-Id echoed when it is 1-64 characters of
// [A-Za-z0-9._-], else generated; always set on the response), an access-log line (JSON: ts, id,
// method, path, route, status, bytes, duration_us, remote) and counts in MetricsText(). A
// handler that throws gets a 500 JSON error, logged with the request id. HEAD is answered by the
// GET route without the body. Response::stream is sent with chunked transfer encoding, its
// BodyWriter called on the worker pool. Expect: 100-continue is honoured.
//
// Thread safety: Start/Stop/Wait from the owning thread or a signal-watching thread (never from
// a handler); MetricsText() from any thread. A handler that never returns blocks Stop().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/router.h"

namespace rally::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address or a name to resolve ("0.0.0.0", "localhost")
  uint16_t port = 8080;  // 0 picks a free port; Start() returns it
  int io_threads = 2;
  int worker_threads = 32;
  size_t max_body_bytes = 10 << 20;   // larger bodies (Content-Length or chunked) answer 413
  size_t max_header_bytes = 16 << 10;  // larger request headers answer 431
  int max_in_flight = 512;  // requests being handled at once; past it 503 with Retry-After
  int max_connections = 10000;  // open connections; past it new ones are closed at once
  // Milliseconds, so tests can use tiny values; assigning std::chrono::seconds still works.
  std::chrono::milliseconds read_timeout{30'000};   // one request's header, and its body
  std::chrono::milliseconds write_timeout{30'000};  // each write of a response
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{15'000};  // Stop() waits this long for requests
  bool access_log = true;  // one JSON line per request through rally::log::Info
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();  // stops if running

  // Binds and starts serving. Returns the bound port.
  // Errors: kUnavailable when the address cannot be resolved or bound; kFailedPrecondition when
  // called twice.
  Result<uint16_t> Start();

  // Graceful stop (see above). Idempotent; safe to call from a signal-watching thread. Returns
  // once every thread has been joined; requests still running after shutdown_grace have their
  // connections closed (their handlers still finish first).
  void Stop();

  // Blocks until Stop() has completed.
  void Wait();

  // Prometheus text exposition: rally_http_requests_total{method,route,status},
  // rally_http_request_duration_seconds{route} (histogram), rally_http_in_flight and
  // rally_http_connections. Routes are labelled by pattern ("" for 404/405 and for requests
  // refused before routing), never by raw path.
  std::string MetricsText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::http
