// Request and Response: Rally's own HTTP message types. Handlers (api/) see only these, never
// Beast types; the session (http/server.cc) converts at the edge.
//
// Thread safety: plain values; a Request belongs to the one request being handled.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace rally::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
constexpr int kMethodCount = 8;
// "GET", "HEAD", ...; kOther is "OTHER".
std::string_view MethodName(Method m);
// The method for an upper-case name ("GET"); kOther for anything else (names are
// case-sensitive in HTTP).
Method ParseMethod(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/api/v1/contacts?limit=5"
  std::string path;    // percent-decoded path without the query: "/api/v1/contacts"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // For routes with BodyOptions::to_file (router.h): the body's temporary file (body is then
  // empty); the server removes it after the handler returns.
  std::string body_file;
  std::string request_id;   // from X-Request-Id when sane, else generated
  std::string remote_addr;  // "127.0.0.1:53122"
  std::map<std::string, std::string, std::less<>> path_params;  // filled by the router

  // The first header of that (case-insensitive) name.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter of that name.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // A cookie from the Cookie header.
  std::optional<std::string_view> Cookie(std::string_view name) const;
  // A path parameter bound by the route pattern ("{id}"); "" when absent.
  std::string_view Param(std::string_view name) const;
};

// A streamed body: called repeatedly; appends the next chunk to `out` and returns true while
// more may follow, false once done. Used for exports that must not be materialized.
// A writer with nothing ready yet returns true and appends nothing: the session then gives its
// worker back and asks again after a short pause (10 ms), so a body produced slowly
// elsewhere (an export's producer thread) never parks an HTTP worker while it waits.
using BodyWriter = std::function<bool(std::string& out)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  // Extra headers (Set-Cookie, Location, ...). Content-Length, Transfer-Encoding, Connection
  // and X-Request-Id are the server's and are dropped from here.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent chunked instead of `body`; called on a worker thread, so it may block.
  BodyWriter stream;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
};

// The JSON error shape of DESIGN.md §4 for the HTTP layer's own errors (404, 405, 413, 503, ...):
// {"error":{"code":"<code>","message":"<message>"}}, with bytes of `message` that are not valid
// UTF-8 replaced by U+FFFD. Handlers map a Status with api::ErrorResponse instead.
Response JsonError(int status, std::string_view code, std::string_view message);

// Sets req.target to `target` and fills req.path (percent-decoded, without the query) and
// req.query (each name and value percent-decoded, '+' as space, in order; "a" alone is
// {"a",""}). Accepts origin-form ("/p?q") and absolute-form ("http://h/p?q") targets.
// Errors: kInvalidArgument for any other form, a bad percent escape or an escaped NUL; req.path
// and req.query are then left empty.
Status SetTarget(Request& req, std::string target);

}  // namespace rally::http
