#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "base/json.h"
#include "fixtures/http_client.h"

namespace rally::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;
using testing::HttpClient;

// A handler that blocks until the test opens the gate, and tells the test when it has entered.
class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= n; }));
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
};

// A raw connection for what HttpClient cannot do on purpose: partial requests, chunked uploads,
// watching the server close. Every wait is bounded by the stream's expiry.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : stream_(ioc_) {
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                          [&](beast::error_code e) { ec = e; });
    Run();
    EXPECT_FALSE(ec) << ec.message();
  }

  void Send(std::string_view data) {
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(5));
    net::async_write(stream_, net::buffer(data), [&](beast::error_code e, size_t) { ec = e; });
    Run();
    EXPECT_FALSE(ec) << ec.message();
  }

  // Reads one response; status 0 on error.
  bhttp::response<bhttp::string_body> ReadResponse() {
    bhttp::response<bhttp::string_body> res;
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(5));
    bhttp::async_read(stream_, buffer_, res, [&](beast::error_code e, size_t) { ec = e; });
    Run();
    if (ec) res.result(0u);
    return res;
  }

  // Reads until the server closes the connection (true) or `limit` passes (false).
  bool WaitClosed(milliseconds limit) {
    beast::error_code ec;
    char scratch[1024];
    stream_.expires_after(limit);
    do {
      stream_.async_read_some(net::buffer(scratch), [&](beast::error_code e, size_t) { ec = e; });
      Run();
    } while (!ec);
    return ec != beast::error::timeout;
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

std::string ErrorCode(const std::string& body) {
  auto parsed = ParseJson(body);
  if (!parsed.ok()) return "<not json: " + body + ">";
  std::error_code ec;
  const json::value* code = parsed->find_pointer("/error/code", ec);
  return code && code->is_string() ? std::string(code->as_string()) : "<no code: " + body + ">";
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add(Method::kGet, "/hello", [](Request&) { return Response::Text(200, "hello"); });
    router_.Add(Method::kPost, "/echo", [](Request& req) {
      return Response::Text(200, req.body, std::string(req.Header("content-type").value_or("")));
    });
    router_.Add(Method::kGet, "/items/{id}", [](Request& req) {
      return Response::Json(200, "{\"id\":\"" + std::string(req.Param("id")) + "\",\"q\":\"" +
                                     std::string(req.QueryParam("q").value_or("")) + "\"}");
    });
    router_.Add(Method::kGet, "/request-id", [](Request& req) {
      return Response::Text(200, req.request_id);
    });
    router_.Add(Method::kGet, "/boom", [](Request&) -> Response {
      throw std::runtime_error("kaboom");
    });
    router_.Add(Method::kGet, "/slow", [this](Request&) {
      gate_.Enter();
      return Response::Text(200, "slow done");
    });
    router_.Add(Method::kGet, "/stream", [](Request&) {
      Response res = Response::Text(200, "", "text/csv");
      auto produced = std::make_shared<int>(0);
      res.stream = [produced](std::string& out) {
        out.append(20'000, static_cast<char>('a' + *produced));
        return ++*produced < 10;  // 200,000 bytes in 10 pieces
      };
      return res;
    });
    router_.Add(Method::kDelete, "/items/{id}", [](Request&) { return Response::NoContent(); });
    router_.Add(Method::kGet, "/headers", [](Request&) {
      Response res = Response::Text(200, "ok");
      res.headers = {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Content-Length", "999"},
                     {"Connection", "close"}, {"X-Request-Id", "spoofed"}};
      return res;
    });
  }

  ~ServerTest() override {
    gate_.Open();  // never leave a handler blocked
    if (server_) server_->Stop();
  }

  static ServerOptions TestOptions() {
    ServerOptions o;
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 4;
    o.access_log = false;
    return o;
  }

  uint16_t Start(ServerOptions options) {
    server_ = std::make_unique<Server>(std::move(options), router_);
    auto port = server_->Start();
    EXPECT_TRUE(port.ok()) << port.status().ToString();
    port_ = port.value_or(0);
    return port_;
  }

  Router router_;
  Gate gate_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  ServerOptions options = TestOptions();
  options.access_log = true;  // exercise the access-log path once
  Start(options);
  HttpClient client("127.0.0.1", port_);
  struct Case {
    std::string method, target, body;
    int want_status;
    std::string want_body;  // exact body, or the error code for JSON errors
  };
  const Case kCases[] = {
      {"GET", "/hello", "", 200, "hello"},
      {"POST", "/echo", "{\"a\":1}", 200, "{\"a\":1}"},
      {"GET", "/items/42?q=a+b%21", "", 200, "{\"id\":\"42\",\"q\":\"a b!\"}"},
      {"GET", "/items/caf%C3%A9", "", 200, "{\"id\":\"café\",\"q\":\"\"}"},
      {"GET", "/nope", "", 404, "not_found"},
      {"PUT", "/hello", "x", 405, "method_not_allowed"},
      {"GET", "/items/1?bad=%zz", "", 400, "invalid_argument"},
      {"DELETE", "/items/1", "", 204, ""},
      {"GET", "/hello", "", 200, "hello"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.method + " " + c.target);
    HttpClient::Result r = client.Request(c.method, c.target, c.body,
                                          {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, c.want_status) << r.body;
    if (c.want_status < 300) {
      EXPECT_EQ(r.body, c.want_body);
    } else {
      EXPECT_EQ(ErrorCode(r.body), c.want_body);
      EXPECT_EQ(r.Header("Content-Type"), "application/json");
    }
    EXPECT_FALSE(r.Header("X-Request-Id").empty());
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, MethodNotAllowedListsAllow) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("POST", "/items/7", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD, DELETE");
}

TEST_F(ServerTest, HandlerHeadersKeptExceptFraming) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("GET", "/headers", "", {{"X-Request-Id", "mine"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  std::vector<std::string> cookies;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie") cookies.push_back(v);
  }
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(r.Header("Content-Length"), "2");
  EXPECT_EQ(r.Header("X-Request-Id"), "mine");
  EXPECT_EQ(client.Request("GET", "/hello").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);  // the handler's "Connection: close" was dropped
}

TEST_F(ServerTest, OversizedBodiesAre413) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  Start(options);

  // Content-Length over the limit: refused from the header alone.
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("POST", "/echo", std::string(2000, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(ErrorCode(r.body), "too_large");
  EXPECT_EQ(r.Header("Connection"), "close");
  // At the limit is fine, and the client reconnects after the refusal.
  r = client.Request("POST", "/echo", std::string(1024, 'y'));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 1024u);

  // Chunked: counted as the chunks arrive.
  struct Case {
    int chunks;
    int want_status;
  };
  for (Case c : {Case{4, 200}, Case{5, 413}}) {  // chunks of 256 bytes
    SCOPED_TRACE(c.chunks);
    RawConnection raw(port_);
    std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: text/plain\r\n\r\n";
    for (int i = 0; i < c.chunks; ++i) request += "100\r\n" + std::string(256, 'z') + "\r\n";
    request += "0\r\n\r\n";
    raw.Send(request);
    auto res = raw.ReadResponse();
    EXPECT_EQ(res.result_int(), static_cast<unsigned>(c.want_status));
    if (c.want_status == 200) {
      EXPECT_EQ(res.body().size(), 1024u);
    } else {
      EXPECT_EQ(ErrorCode(res.body()), "too_large");
    }
  }
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 1024;
  Start(options);
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("GET", "/hello", "", {{"X-Big", std::string(2000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(ErrorCode(r.body), "too_large");
  EXPECT_EQ(client.Request("GET", "/hello").status, 200);
}

TEST_F(ServerTest, TimeoutsCloseStalledConnections) {
  ServerOptions options = TestOptions();
  options.read_timeout = milliseconds(150);
  options.idle_timeout = milliseconds(150);
  Start(options);

  // A header that never completes.
  RawConnection partial(port_);
  partial.Send("GET /hello HTTP/1.1\r\nHost: t\r\n");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(partial.WaitClosed(milliseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(100));

  // A body that never arrives.
  RawConnection no_body(port_);
  no_body.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_TRUE(no_body.WaitClosed(milliseconds(2000)));

  // An idle keep-alive connection after a complete exchange.
  RawConnection idle(port_);
  idle.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(idle.ReadResponse().result_int(), 200u);
  EXPECT_TRUE(idle.WaitClosed(milliseconds(2000)));
}

TEST_F(ServerTest, InFlightCapAnswers503) {
  ServerOptions options = TestOptions();
  options.max_in_flight = 1;
  Start(options);
  auto slow = std::async(std::launch::async, [this] {
    HttpClient client("127.0.0.1", port_);
    return client.Request("GET", "/slow");
  });
  gate_.WaitEntered(1);

  HttpClient client("127.0.0.1", port_);
  HttpClient::Result busy = client.Request("GET", "/hello");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(ErrorCode(busy.body), "unavailable");
  EXPECT_EQ(busy.Header("Retry-After"), "1");
  EXPECT_NE(server_->MetricsText().find("rally_http_in_flight 1\n"), std::string::npos);

  gate_.Open();
  HttpClient::Result done = slow.get();
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(done.body, "slow done");
  EXPECT_EQ(client.Request("GET", "/hello").status, 200);  // the slot is free again
}

TEST_F(ServerTest, RequestIdEchoedOrGenerated) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  struct Case {
    std::optional<std::string> given;
    bool echoed;
  };
  const Case kCases[] = {
      {"abc-123_x.Y", true},
      {std::string(64, 'a'), true},
      {std::string(65, 'a'), false},
      {"has space", false},
      {"semi;colon", false},
      {"", false},
      {std::nullopt, false},
  };
  std::set<std::string> generated;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.given.value_or("<none>"));
    std::vector<std::pair<std::string, std::string>> headers;
    if (c.given) headers.emplace_back("X-Request-Id", *c.given);
    HttpClient::Result r = client.Request("GET", "/request-id", "", headers);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, r.Header("X-Request-Id"));  // the handler saw what the client gets
    if (c.echoed) {
      EXPECT_EQ(r.body, *c.given);
    } else {
      EXPECT_NE(r.body, c.given.value_or(""));
      EXPECT_EQ(r.body.size(), 16u);
      generated.insert(r.body);
    }
  }
  EXPECT_EQ(generated.size(), 5u);  // each generated id is new
  // Errors carry one too.
  EXPECT_FALSE(client.Request("GET", "/nope").Header("X-Request-Id").empty());
}

TEST_F(ServerTest, HandlerExceptionIs500WithRequestId) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("GET", "/boom", "", {{"X-Request-Id", "req-boom"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(ErrorCode(r.body), "internal");
  EXPECT_NE(r.body.find("req-boom"), std::string::npos);
  EXPECT_EQ(r.body.find("kaboom"), std::string::npos);  // internals stay in the log
  EXPECT_EQ(client.Request("GET", "/hello").status, 200);  // the connection survives
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, HeadAnswersHeadersOnly) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("HEAD", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("Content-Length"), "5");
  HttpClient::Result s = client.Request("HEAD", "/stream");
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.body, "");
  EXPECT_EQ(client.Request("GET", "/hello").body, "hello");  // framing intact afterwards
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, StreamedResponseIsChunked) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  HttpClient::Result r = client.Request("GET", "/stream");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(r.Header("Content-Type"), "text/csv");
  ASSERT_EQ(r.body.size(), 200'000u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(r.body[i * 20'000], 'a' + i);
    EXPECT_EQ(r.body[i * 20'000 + 19'999], 'a' + i);
  }
  EXPECT_EQ(client.Request("GET", "/hello").body, "hello");

  // HTTP/1.0 has no chunked encoding: the body runs to the end of the connection.
  RawConnection old_client(port_);
  old_client.Send("GET /stream HTTP/1.0\r\n\r\n");
  auto res = old_client.ReadResponse();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(res.chunked());
  EXPECT_EQ(res.body().size(), 200'000u);
}

TEST_F(ServerTest, ExpectContinue) {
  Start(TestOptions());
  RawConnection raw(port_);
  raw.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(raw.ReadResponse().result_int(), 100u);
  raw.Send("ping");
  auto res = raw.ReadResponse();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "ping");
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequests) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = std::chrono::seconds(5);
  Start(options);
  HttpClient idle_client("127.0.0.1", port_);
  ASSERT_EQ(idle_client.Request("GET", "/hello").status, 200);  // now idle in keep-alive

  auto slow = std::async(std::launch::async, [this] {
    HttpClient client("127.0.0.1", port_);
    return client.Request("GET", "/slow");
  });
  gate_.WaitEntered(1);

  auto t0 = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  // The listener closes first: wait until new connections are refused.
  for (int i = 0; i < 200; ++i) {
    HttpClient probe("127.0.0.1", port_);
    probe.set_timeout(milliseconds(200));
    if (probe.Request("GET", "/hello").status == 0) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(stopped.wait_for(milliseconds(0)), std::future_status::timeout);  // still draining
  gate_.Open();
  HttpClient::Result done = slow.get();
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(done.body, "slow done");
  EXPECT_EQ(done.Header("Connection"), "close");
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));  // idle one closed
  server_->Wait();  // returns at once after Stop()
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, MetricsCountByRoutePattern) {
  Start(TestOptions());
  HttpClient client("127.0.0.1", port_);
  for (const char* target : {"/items/1", "/items/2", "/items/3?x=1", "/nope", "/hello"}) {
    client.Request("GET", target);
  }
  client.Request("POST", "/hello", "x");
  std::string text = server_->MetricsText();
  const char* kWant[] = {
      "# TYPE rally_http_requests_total counter\n",
      "rally_http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"} 3\n",
      "rally_http_requests_total{method=\"GET\",route=\"/hello\",status=\"200\"} 1\n",
      "rally_http_requests_total{method=\"GET\",route=\"\",status=\"404\"} 1\n",
      "rally_http_requests_total{method=\"POST\",route=\"\",status=\"405\"} 1\n",
      "# TYPE rally_http_request_duration_seconds histogram\n",
      "rally_http_request_duration_seconds_bucket{route=\"/items/{id}\",le=\"0.0005\"} ",
      "rally_http_request_duration_seconds_bucket{route=\"/items/{id}\",le=\"+Inf\"} 3\n",
      "rally_http_request_duration_seconds_count{route=\"/items/{id}\"} 3\n",
      "rally_http_request_duration_seconds_sum{route=\"/items/{id}\"} ",
      "rally_http_in_flight 0\n",
      "rally_http_connections 1\n",
  };
  for (const char* want : kWant) EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_EQ(text.find("/items/1"), std::string::npos);  // raw paths never become labels
}

TEST_F(ServerTest, ConnectionCapClosesExtraConnections) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  Start(options);
  HttpClient first("127.0.0.1", port_);
  ASSERT_EQ(first.Request("GET", "/hello").status, 200);
  RawConnection extra(port_);
  EXPECT_TRUE(extra.WaitClosed(milliseconds(2000)));
  EXPECT_EQ(first.Request("GET", "/hello").status, 200);
  EXPECT_EQ(first.connections_opened(), 1);
}

TEST_F(ServerTest, StartFailsOnPortInUse) {
  Start(TestOptions());
  ServerOptions options = TestOptions();
  options.port = port_;
  Server second(options, router_);
  auto port = second.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), StatusCode::kUnavailable);
  second.Wait();  // never started: returns at once
}

}  // namespace
}  // namespace rally::http
