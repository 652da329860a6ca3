// baseline-server: the bare Boost.Beast HTTP server that bench/api measures Rally against.
//
// It does the least a correct HTTP server can: two I/O threads, one coroutine per connection,
// keep-alive, a timeout per request, and a fixed 300-byte JSON body for every GET (405
// otherwise). No routing, auth, database or logging, so its requests/s is the ceiling of this
// machine for the same traffic.
//
// Each thread runs its own io_context and a connection stays on one of them: the fastest
// correct layout for Asio (no strands, no cross-thread handoffs; a timer and its socket never
// run on two threads at once).
//
//   baseline-server --listen 127.0.0.1:0      # prints "listening on http://127.0.0.1:<port>"
//
// Stops on SIGINT/SIGTERM.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A contact-shaped body of exactly 300 bytes, about what GET /contacts/{id} returns.
constexpr std::string_view kBody =
    R"({"id":"7300812345678901234","email":"jose.garcia@acme-labs.com","first_name":"José",)"
    R"("last_name":"García","company":{"id":"7300812345678900001","name":"Acme Labs Inc."},)"
    R"("lifecycle_stage":"lead","lead_score":42,"tags":["referral"],)"
    R"("custom":{"industry":"Software"},"created_at":"2025-11-26T10:00:00Z"})";
static_assert(kBody.size() == 300, "the baseline body must be 300 bytes");

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr int kThreads = 2;
constexpr size_t kMaxHeaderBytes = 16 << 10;

asio::awaitable<void> Session(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  const auto token = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(0);                   // GETs carry no body; anything else is refused below
    stream.expires_after(kRequestTimeout);  // covers reading the request and writing the answer
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, token);
    if (read_ec) break;  // closed by the client, timed out, or malformed: drop the connection
    const http::request<http::empty_body>& req = parser.get();

    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::get) {
      res.result(http::status::ok);
      res.set(http::field::content_type, "application/json");
      res.body() = kBody;
    } else {
      res.result(http::status::method_not_allowed);
    }
    res.prepare_payload();
    auto [write_ec, write_bytes] = co_await http::async_write(stream, res, token);
    if (write_ec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Hands connections to the threads' io_contexts in turn.
asio::awaitable<void> Listen(tcp::acceptor& acceptor,
                             const std::vector<std::unique_ptr<asio::io_context>>& contexts) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  for (size_t next = 0;; ++next) {
    auto [ec, socket] =
        co_await acceptor.async_accept(contexts[next % contexts.size()]->get_executor(), token);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, Session(beast::tcp_stream(std::move(socket))), asio::detached);
  }
}

int Usage(const char* message) {
  std::fprintf(stderr, "baseline-server: %s\nusage: baseline-server --listen HOST:PORT\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else {
      return Usage("unknown argument");
    }
  }
  const size_t colon = listen.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec !=
          std::errc() ||
      port > 65535) {
    return Usage("--listen wants HOST:PORT");
  }
  const std::string host = listen.substr(0, colon);

  // One io_context per thread, each told it runs single-threaded (no internal locking). Work
  // guards keep the contexts without connections yet from returning at once.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (int i = 0; i < kThreads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    guards.push_back(asio::make_work_guard(*contexts.back()));
  }
  tcp::acceptor acceptor(*contexts[0]);
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(host), static_cast<uint16_t>(port));
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "baseline-server: cannot listen on %s: %s\n", listen.c_str(), e.what());
    return 1;
  }
  std::printf("listening on http://%s:%u\n", host.c_str(), acceptor.local_endpoint().port());
  std::fflush(stdout);

  asio::signal_set signals(*contexts[0], SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code&, int) {
    for (auto& ctx : contexts) ctx->stop();
  });
  asio::co_spawn(*contexts[0], Listen(acceptor, contexts), asio::detached);

  std::vector<std::thread> threads;
  for (size_t i = 1; i < contexts.size(); ++i) {
    threads.emplace_back([&ctx = *contexts[i]] { ctx.run(); });
  }
  contexts[0]->run();
  for (std::thread& t : threads) t.join();
  return 0;
}
