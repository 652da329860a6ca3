#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_set>

#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "http/metrics.h"
#include "http/worker_pool.h"

namespace rally::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// Completion token for coroutines that inspect errors instead of catching them.
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

// Bytes read per idle wait; a typical API request fits in one read.
constexpr size_t kReadChunk = 4096;
// A streamed response gathers at least this much from its BodyWriter per trip to the pool.
constexpr size_t kStreamChunk = 64 << 10;
// A BodyWriter that had nothing ready is asked again after this pause, off the worker pool.
constexpr std::chrono::milliseconds kStreamIdlePause{10};
// After refusing a request whose body we did not read, we read and drop at most this much (and
// for at most kLingerTime) before closing, so the client sees our answer instead of a reset.
constexpr size_t kLingerBytes = 1 << 20;
constexpr std::chrono::milliseconds kLingerTime{2000};

Method FromVerb(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Request ids: a random per-process prefix and a counter, 16 hex digits. Unique within the
// process and, with the random prefix, practically across processes; costs one atomic add.
class RequestIds {
 public:
  RequestIds() : prefix_(static_cast<uint32_t>(std::random_device{}())) {}
  std::string Next() {
    uint64_t v = (static_cast<uint64_t>(prefix_) << 32) |
                 static_cast<uint32_t>(counter_.fetch_add(1, std::memory_order_relaxed));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kHex[v & 0xf];
    return out;
  }

 private:
  uint32_t prefix_;
  std::atomic<uint64_t> counter_{0};
};

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

// Runs `fn` on `pool` and resumes the awaiting coroutine on its own executor (the connection's
// strand) with the result. The I/O threads never run `fn`, so it may block.
template <typename T, typename Fn>
net::awaitable<T> OnPool(internal::WorkerPool& pool, Fn fn) {
  return net::async_initiate<const net::use_awaitable_t<>, void(T)>(
      [&pool](auto handler, Fn f) {
        // Tracked, so the io_context keeps running while the work is away on the pool.
        auto home = net::prefer(net::get_associated_executor(handler),
                                net::execution::outstanding_work.tracked);
        pool.Post([handler = std::move(handler), f = std::move(f), home = std::move(home)]() mutable {
          T result = f();
          net::dispatch(home, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      net::use_awaitable, std::move(fn));
}

// One accepted connection. Shared between its session coroutine and Stop(), which closes it
// through a task posted to the connection's strand.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::string remote;  // "127.0.0.1:53122"
  bool idle = true;    // waiting for a request's first byte; touched only on the strand
};

// What the access log and metrics need about one answered request.
struct Outcome {
  Method method = Method::kOther;
  std::string_view method_name;
  std::string_view path;
  std::string_view request_id;
  int route_index = -1;
  int status = 0;
  size_t bytes = 0;
  SteadyClock::time_point start;
};

}  // namespace

struct Server::Impl {
  enum class State { kNew, kRunning, kStopping, kStopped };

  Impl(ServerOptions o, const Router& r)
      : opts(std::move(o)), router(r), routes(r.Routes()), metrics(routes) {}

  ~Impl() {
    Stop();
    // Whatever the io_context still holds (only after a forced stop) is destroyed here, while
    // the members those tasks touch are still alive.
    acceptor.reset();
    ioc.reset();
    workers.reset();
  }

  Result<uint16_t> Start();
  void Stop();
  void Wait();

  net::awaitable<void> AcceptLoop();
  net::awaitable<void> Session(std::shared_ptr<Connection> conn);
  net::awaitable<bool> ServeOne(Connection& conn, beast::flat_buffer& buffer);
  net::awaitable<bool> WriteResponse(Connection& conn, const Request& req, Response& res,
                                     unsigned version, bool& keep_alive, size_t& bytes);
  net::awaitable<void> Refuse(Connection& conn, const bhttp::request_parser<bhttp::string_body>& parser,
                              int status, std::string_view code, std::string message);
  net::awaitable<void> LingeringClose(Connection& conn);
  Response CallHandler(Request& req, int& route_index) const;
  static void CheckStatus(const Request& req, Response& res);  // a bad status becomes 500
  void Count(const Outcome& o);                               // metrics
  void Log(const Outcome& o, std::string_view remote);        // the access-log line
  void RemoveConnection(const std::shared_ptr<Connection>& conn);
  void CloseConnections(bool idle_only);

  const ServerOptions opts;
  const Router& router;
  const std::vector<RouteInfo> routes;
  internal::RequestMetrics metrics;
  RequestIds ids;

  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::atomic<int> connection_count{0};

  std::mutex mu;
  std::condition_variable cv;  // state changes and connections draining
  State state = State::kNew;                                // guarded by mu
  std::unordered_set<std::shared_ptr<Connection>> connections;  // guarded by mu

  std::optional<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<internal::WorkerPool> workers;
  std::vector<std::thread> io_threads;
};

Result<uint16_t> Server::Impl::Start() {
  {
    std::lock_guard lock(mu);
    if (state != State::kNew) return Status(StatusCode::kFailedPrecondition, "server already started");
  }
  int io_count = std::max(1, opts.io_threads);
  ioc.emplace(io_count);
  beast::error_code ec;
  tcp::resolver resolver(*ioc);
  auto endpoints = resolver.resolve(opts.host, std::to_string(opts.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Unavailable("cannot resolve " + opts.host + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor.emplace(net::make_strand(*ioc));
  if (acceptor->open(endpoint.protocol(), ec); !ec) {
    acceptor->set_option(net::socket_base::reuse_address(true), ec);
    acceptor->bind(endpoint, ec);
  }
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.reset();
    return Unavailable("cannot listen on " + opts.host + ":" + std::to_string(opts.port) + ": " +
                       ec.message());
  }
  uint16_t port = acceptor->local_endpoint().port();

  workers.emplace(std::max(1, opts.worker_threads));
  work.emplace(ioc->get_executor());
  net::co_spawn(acceptor->get_executor(), AcceptLoop(), net::detached);
  {
    std::lock_guard lock(mu);
    state = State::kRunning;
  }
  for (int i = 0; i < io_count; ++i) io_threads.emplace_back([this] {
      SetThreadName("rally-io");
      ioc->run();
    });
  return port;
}

net::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    // Each connection gets its own strand; wrapping it as any_io_executor keeps the socket type
    // plain tcp::socket.
    auto [ec, socket] =
        co_await acceptor->async_accept(net::any_io_executor(net::make_strand(*ioc)), kNoThrow);
    if (stopping.load() || !acceptor->is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      log::Warn(std::string("{\"msg\":\"accept failed\",\"error\":\"") + ec.message() + "\"}");
      net::steady_timer timer(co_await net::this_coro::executor, std::chrono::milliseconds(50));
      co_await timer.async_wait(kNoThrow);
      continue;
    }
    if (connection_count.load(std::memory_order_relaxed) >= opts.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket));
    if (auto ep = conn->stream.socket().remote_endpoint(ec); !ec) {
      conn->remote = ep.address().is_v6() ? "[" + ep.address().to_string() + "]"
                                          : ep.address().to_string();
      conn->remote += ":" + std::to_string(ep.port());
    }
    {
      std::lock_guard lock(mu);
      connections.insert(conn);
    }
    connection_count.fetch_add(1, std::memory_order_relaxed);
    net::co_spawn(conn->stream.get_executor(), Session(conn), net::detached);
  }
}

void Server::Impl::RemoveConnection(const std::shared_ptr<Connection>& conn) {
  connection_count.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(mu);
  connections.erase(conn);
  if (connections.empty()) cv.notify_all();
}

net::awaitable<void> Server::Impl::Session(std::shared_ptr<Connection> conn) {
  // Unregisters however the coroutine ends, including destruction by a stopped io_context.
  struct Unregister {
    Impl* impl;
    std::shared_ptr<Connection> conn;
    ~Unregister() { impl->RemoveConnection(conn); }
  } unregister{this, conn};

  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    if (buffer.size() == 0) {
      // Idle: no byte of the next request yet. Stop() closes connections in this state; the
      // flag is set before `stopping` is checked, and both happen on the strand Stop() posts to.
      conn->idle = true;
      if (stopping.load()) break;
      stream.expires_after(first ? opts.read_timeout : opts.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kNoThrow);
      conn->idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    first = false;
    if (!co_await ServeOne(*conn, buffer)) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
}

net::awaitable<bool> Server::Impl::ServeOne(Connection& conn, beast::flat_buffer& buffer) {
  beast::tcp_stream& stream = conn.stream;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(std::min<size_t>(opts.max_header_bytes, UINT32_MAX)));
  // The parser refuses a Content-Length over the limit as soon as the header is complete
  // (error::body_limit from async_read_header, before any body byte is read), and counts
  // chunked bodies as they arrive. Until the route is known the limit is the largest any
  // route allows (uploads); the route's own limit is applied once the header is in.
  const uint64_t largest_limit = std::max<uint64_t>(opts.max_body_bytes, router.LargestBodyLimit());
  parser.body_limit(largest_limit);

  stream.expires_after(opts.read_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
  if (ec == bhttp::error::header_limit) {
    co_await Refuse(conn, parser, 431, "too_large",
                    "request header larger than " + std::to_string(opts.max_header_bytes) + " bytes");
    co_return false;
  }
  if (ec == bhttp::error::body_limit) {
    co_await Refuse(conn, parser, 413, "too_large",
                    "request body larger than " + std::to_string(largest_limit) + " bytes");
    co_return false;
  }
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    co_return false;
  }
  if (ec) {
    co_await Refuse(conn, parser, 400, "invalid_argument", "malformed HTTP request: " + ec.message());
    co_return false;
  }

  // The route decides the body's limit and whether it goes to a file (router.h BodyOptions).
  BodyOptions body_options;
  {
    Request probe;
    probe.method = FromVerb(parser.get().method());
    if (SetTarget(probe, std::string(parser.get().target())).ok()) {
      body_options = router.BodyOptionsFor(probe);
    }
  }
  const uint64_t body_limit = body_options.max_bytes ? body_options.max_bytes : opts.max_body_bytes;
  if (auto length = parser.content_length(); length && *length > body_limit) {
    co_await Refuse(conn, parser, 413, "too_large",
                    "request body larger than " + std::to_string(body_limit) + " bytes");
    co_return false;
  }
  parser.body_limit(body_limit);
  // A body streamed to a file: removed whatever happens once this request is done.
  struct BodyFile {
    std::string path;
    ~BodyFile() {
      std::error_code ignored;
      if (!path.empty()) std::filesystem::remove(path, ignored);
    }
  } body_file;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser;
  if (!parser.is_done()) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
      stream.expires_after(opts.write_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, cont, kNoThrow);
      if (wec) co_return false;
    }
    beast::error_code bec;
    if (body_options.to_file) {
      // Large uploads: straight to disk, the read timeout applying to each read rather than to
      // the whole body (a 1 GiB upload takes longer than one read_timeout).
      file_parser.emplace(std::move(parser));
      file_parser->body_limit(body_limit);
      body_file.path = (std::filesystem::temp_directory_path() / ("rally-upload-" + ids.Next())).string();
      file_parser->get().body().open(body_file.path.c_str(), beast::file_mode::write, bec);
      if (bec) {
        body_file.path.clear();
        log::Error("cannot create an upload file: " + bec.message());
        co_return false;
      }
      while (!bec && !file_parser->is_done()) {
        stream.expires_after(opts.read_timeout);
        auto [rec, rn] = co_await bhttp::async_read_some(stream, buffer, *file_parser, kNoThrow);
        bec = rec;
      }
      if (!bec) file_parser->get().body().close();
    } else {
      stream.expires_after(opts.read_timeout);
      auto [rec, bn] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
      bec = rec;
    }
    if (bec == bhttp::error::body_limit) {
      co_await Refuse(conn, parser, 413, "too_large",
                      "request body larger than " + std::to_string(body_limit) + " bytes");
      co_return false;
    }
    if (bec) {
      if (bec != beast::error::timeout && bec != bhttp::error::end_of_stream &&
          bec != bhttp::error::partial_message && bec != net::error::connection_reset &&
          bec != net::error::eof) {
        co_await Refuse(conn, parser, 400, "invalid_argument",
                        "malformed HTTP request body: " + bec.message());
      }
      co_return false;
    }
  }

  Outcome outcome;
  outcome.start = SteadyClock::now();
  bhttp::request<bhttp::string_body> msg =
      file_parser ? bhttp::request<bhttp::string_body>(std::move(file_parser->release().base()))
                  : parser.release();
  Request req;
  req.method = FromVerb(msg.method());
  Status target_ok = SetTarget(req, std::string(msg.target()));
  req.headers.reserve(16);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(msg.body());
  req.body_file = body_file.path;
  req.remote_addr = conn.remote;
  std::optional<std::string_view> given_id = req.Header("x-request-id");
  req.request_id = given_id && IsSaneRequestId(*given_id) ? std::string(*given_id) : ids.Next();
  unsigned version = msg.version();

  Response res;
  bool counted = false;
  if (!target_ok.ok()) {
    res = JsonError(400, "invalid_argument", target_ok.message());
  } else if (in_flight.fetch_add(1, std::memory_order_relaxed) >= opts.max_in_flight) {
    in_flight.fetch_sub(1, std::memory_order_relaxed);
    res = JsonError(503, "unavailable", "server busy; retry shortly");
    res.headers.emplace_back("Retry-After", "1");
  } else {
    counted = true;
    int* route_index = &outcome.route_index;  // written on the pool, read after the resume
    res = co_await OnPool<Response>(*workers, [this, &req, route_index] {
      return CallHandler(req, *route_index);
    });
  }

  CheckStatus(req, res);
  outcome.method = req.method;
  outcome.method_name = msg.method_string();
  outcome.path = req.path.empty() ? std::string_view(req.target) : std::string_view(req.path);
  outcome.request_id = req.request_id;
  outcome.status = res.status;
  // A plain response is done once handed to the socket: count it before the write, so a client
  // that has its answer also sees it in the metrics. A streamed one is done after its last chunk.
  bool streamed = static_cast<bool>(res.stream);
  if (!streamed) {
    if (counted) in_flight.fetch_sub(1, std::memory_order_relaxed);
    counted = false;
    Count(outcome);
  }
  // Decided after the handler, so a request that was running when Stop() began is answered
  // with "Connection: close".
  bool keep_alive = msg.keep_alive() && !stopping.load();
  bool written = co_await WriteResponse(conn, req, res, version, keep_alive, outcome.bytes);
  if (counted) in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (streamed) Count(outcome);
  Log(outcome, conn.remote);
  co_return written && keep_alive;
}

void Server::Impl::CheckStatus(const Request& req, Response& res) {
  if (res.status >= 100 && res.status <= 599) return;
  log::Error("{\"msg\":\"handler returned a bad status\",\"id\":\"" + req.request_id + "\"}");
  res = JsonError(500, "internal", "internal error; request id " + req.request_id);
}

Response Server::Impl::CallHandler(Request& req, int& route_index) const {
  // Exceptions are bugs (STYLE.md rule 2): answer 500 and log them with the request id.
  std::string what;
  try {
    return router.Dispatch(req, &route_index);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  std::string line = "{\"msg\":\"handler threw\",\"id\":";
  AppendJsonString(line, req.request_id);
  line += ",\"method\":";
  AppendJsonString(line, MethodName(req.method));
  line += ",\"path\":";
  AppendJsonString(line, req.path);
  line += ",\"error\":";
  AppendJsonString(line, what);
  line += '}';
  log::Error(line);
  return JsonError(500, "internal", "internal error; request id " + req.request_id);
}

net::awaitable<bool> Server::Impl::WriteResponse(Connection& conn, const Request& req,
                                                 Response& res, unsigned version,
                                                 bool& keep_alive, size_t& bytes) {
  beast::tcp_stream& stream = conn.stream;
  CheckStatus(req, res);
  bool head = req.method == Method::kHead;
  bool bodyless_status = res.status < 200 || res.status == 204 || res.status == 304;

  auto fill_header = [&](auto& out) {
    out.result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty() && !bodyless_status) {
      out.set(bhttp::field::content_type, res.content_type);
    }
    out.set("X-Request-Id", req.request_id);
    for (const auto& [name, value] : res.headers) {
      // Framing and the request id belong to the session; a handler's copy would contradict.
      if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
          beast::iequals(name, "connection") || beast::iequals(name, "x-request-id")) {
        continue;
      }
      out.insert(name, value);
    }
  };

  if (!res.stream) {
    bhttp::response<bhttp::string_body> out;
    out.version(version);
    fill_header(out);
    out.keep_alive(keep_alive);
    if (!bodyless_status) {
      out.content_length(res.body.size());
      if (!head) {
        bytes = res.body.size();
        out.body() = std::move(res.body);
      }
    }
    stream.expires_after(opts.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, out, kNoThrow);
    co_return !ec;
  }

  // Streamed body: the header, then the writer's output in chunks. HTTP/1.0 has no chunked
  // encoding, so there the body runs until the connection closes.
  bool chunked = version >= 11;
  if (!chunked) keep_alive = false;
  bhttp::response<bhttp::empty_body> out;
  out.version(version);
  fill_header(out);
  out.keep_alive(keep_alive);
  if (chunked && !bodyless_status) out.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer(out);
  stream.expires_after(opts.write_timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(stream, serializer, kNoThrow);
  if (hec) co_return false;
  if (head || bodyless_status) co_return true;

  struct Piece {
    std::string data;
    bool more = false;
    bool failed = false;
  };
  for (;;) {
    Piece piece = co_await OnPool<Piece>(*workers, [&res, &req] {
      Piece p;
      try {
        size_t before;
        do {
          before = p.data.size();
          p.more = res.stream(p.data);
        } while (p.more && p.data.size() > before && p.data.size() < kStreamChunk);
      } catch (const std::exception& e) {
        log::Error("{\"msg\":\"stream writer threw\",\"id\":\"" + req.request_id +
                   "\",\"error\":\"" + std::string(e.what()) + "\"}");
        p.failed = true;
      } catch (...) {
        p.failed = true;
      }
      return p;
    });
    if (!piece.data.empty()) {
      stream.expires_after(opts.write_timeout);
      beast::error_code ec;
      if (chunked) {
        std::tie(ec, std::ignore) = co_await net::async_write(
            stream, bhttp::make_chunk(net::buffer(piece.data)), kNoThrow);
      } else {
        std::tie(ec, std::ignore) =
            co_await net::async_write(stream, net::buffer(piece.data), kNoThrow);
      }
      if (ec) co_return false;
      bytes += piece.data.size();
    }
    // A writer that failed midway cannot say so in the status any more; ending without the
    // last chunk tells the client the body is incomplete.
    if (piece.failed) co_return false;
    if (!piece.more) break;
    if (piece.data.empty()) {
      // Nothing ready: wait on the strand, not on a worker. The client's connection stays
      // open; a stalled producer is the writer's to time out (it throws, ending the body
      // without its last chunk).
      net::steady_timer pause(co_await net::this_coro::executor, kStreamIdlePause);
      co_await pause.async_wait(kNoThrow);
      if (!conn.stream.socket().is_open()) co_return false;  // closed by Stop()
    }
  }
  if (chunked) {
    stream.expires_after(opts.write_timeout);
    auto [ec, n] = co_await net::async_write(stream, bhttp::make_chunk_last(), kNoThrow);
    if (ec) co_return false;
  }
  co_return true;
}

net::awaitable<void> Server::Impl::Refuse(
    Connection& conn, const bhttp::request_parser<bhttp::string_body>& parser, int status,
    std::string_view code, std::string message) {
  Outcome outcome;
  outcome.start = SteadyClock::now();
  Request req;
  std::string target;
  unsigned version = 11;
  if (parser.is_header_done() || parser.get().method() != bhttp::verb::unknown) {
    const auto& msg = parser.get();
    req.method = FromVerb(msg.method());
    outcome.method_name = msg.method_string();
    target = std::string(msg.target());
    if (auto id = msg["X-Request-Id"]; IsSaneRequestId(id)) req.request_id = std::string(id);
    if (msg.version() == 10) version = 10;
  }
  if (req.request_id.empty()) req.request_id = ids.Next();
  req.method = req.method == Method::kHead ? Method::kGet : req.method;  // send the JSON body
  Response res = JsonError(status, code, message);
  outcome.method = req.method;
  outcome.path = target;
  outcome.request_id = req.request_id;
  outcome.status = status;
  Count(outcome);
  bool keep_alive = false;
  co_await WriteResponse(conn, req, res, version, keep_alive, outcome.bytes);
  Log(outcome, conn.remote);
  co_await LingeringClose(conn);
}

net::awaitable<void> Server::Impl::LingeringClose(Connection& conn) {
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(std::min<std::chrono::milliseconds>(opts.read_timeout, kLingerTime));
  std::array<char, 4096> discard;
  size_t total = 0;
  while (total < kLingerBytes) {
    auto [ec, n] = co_await conn.stream.async_read_some(net::buffer(discard), kNoThrow);
    if (ec) break;
    total += n;
  }
}

void Server::Impl::Count(const Outcome& o) {
  metrics.Record(o.route_index, o.method, o.status,
                 std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - o.start));
}

void Server::Impl::Log(const Outcome& o, std::string_view remote) {
  if (!opts.access_log) return;
  auto duration =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - o.start);
  std::string line;
  line.reserve(256);
  line += "{\"ts\":\"";
  line += FormatTimestamp(Now());
  line += "\",\"id\":";
  AppendJsonString(line, o.request_id);
  line += ",\"method\":";
  AppendJsonString(line, o.method_name.empty() ? MethodName(o.method) : o.method_name);
  line += ",\"path\":";
  AppendJsonString(line, o.path);
  line += ",\"route\":";
  AppendJsonString(line, o.route_index >= 0 ? std::string_view(routes[o.route_index].pattern)
                                            : std::string_view());
  line += ",\"status\":";
  AppendInt(line, o.status);
  line += ",\"bytes\":";
  AppendInt(line, static_cast<int64_t>(o.bytes));
  line += ",\"duration_us\":";
  AppendInt(line, duration.count());
  line += ",\"remote\":";
  AppendJsonString(line, remote);
  line += '}';
  log::Info(line);
}

void Server::Impl::CloseConnections(bool idle_only) {
  std::lock_guard lock(mu);
  for (const std::shared_ptr<Connection>& conn : connections) {
    net::post(conn->stream.get_executor(), [conn, idle_only] {
      if (idle_only && !conn->idle) return;  // busy: it closes itself after its response
      if (idle_only) {
        conn->stream.cancel();
      } else {
        conn->stream.close();
      }
    });
  }
}

void Server::Impl::Stop() {
  {
    std::unique_lock lock(mu);
    switch (state) {
      case State::kNew:
        state = State::kStopped;
        cv.notify_all();
        return;
      case State::kStopping:
        cv.wait(lock, [this] { return state == State::kStopped; });
        return;
      case State::kStopped:
        return;
      case State::kRunning:
        state = State::kStopping;
        break;
    }
  }
  stopping.store(true);
  net::post(acceptor->get_executor(), [this] {
    beast::error_code ignored;
    acceptor->close(ignored);
  });
  CloseConnections(/*idle_only=*/true);

  // Busy connections finish their request and close themselves (they see `stopping`).
  bool drained;
  {
    std::unique_lock lock(mu);
    drained = cv.wait_for(lock, opts.shutdown_grace, [this] { return connections.empty(); });
  }
  if (!drained) {
    log::Warn("{\"msg\":\"shutdown grace period over; closing remaining connections\"}");
    CloseConnections(/*idle_only=*/false);
    std::unique_lock lock(mu);
    drained = cv.wait_for(lock, std::chrono::seconds(1), [this] { return connections.empty(); });
  }
  work.reset();
  // Normally every session has ended and run() returns by itself; otherwise abandon what is
  // left (handlers on the pool still finish below; their sessions are destroyed with ioc).
  if (!drained) ioc->stop();
  for (std::thread& t : io_threads) t.join();
  io_threads.clear();
  workers->Join();

  std::lock_guard lock(mu);
  state = State::kStopped;
  cv.notify_all();
}

void Server::Impl::Wait() {
  std::unique_lock lock(mu);
  cv.wait(lock, [this] { return state == State::kStopped || state == State::kNew; });
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Result<uint16_t> Server::Start() { return impl_->Start(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }

std::string Server::MetricsText() const {
  std::string out;
  out.reserve(4096);
  impl_->metrics.AppendText(out);
  out += "# HELP rally_http_in_flight Requests being handled now.\n";
  out += "# TYPE rally_http_in_flight gauge\nrally_http_in_flight ";
  out += std::to_string(impl_->in_flight.load(std::memory_order_relaxed));
  out += "\n# HELP rally_http_connections Open client connections.\n";
  out += "# TYPE rally_http_connections gauge\nrally_http_connections ";
  out += std::to_string(impl_->connection_count.load(std::memory_order_relaxed));
  out += '\n';
  return out;
}

}  // namespace rally::http
