// Fuzz target for request-target parsing and routing: http::SetTarget (origin and absolute
// form, percent-decoding, the query) and Router::Dispatch over routes shaped like Rally's API.
//
// Input: byte 0 picks the method (low 3 bits) and whether the request comes from the wire
// (SetTarget on the bytes) or is built by hand (req.path set directly, target empty); the rest
// is the target or path.
//
// Invariants:
//   - SetTarget: on error path and query are empty; on success the path starts with '/' and
//     neither path nor query holds a NUL.
//   - Dispatch answers the matched handler, 404 or 405; 404/405 bodies are valid JSON (and so
//     valid UTF-8) with an error code; 405 carries an Allow header that omits the method.
//   - A matched route's parameters are non-empty, one per placeholder, and the pattern with the
//     parameters put back is the decoded path; MatchPattern agrees with Dispatch.
//   - Re-encoding the parameters into a new target reaches the same route with the same
//     parameters.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "fuzz_check.h"
#include "http/message.h"
#include "http/router.h"

namespace rally {
namespace {

using http::Method;

struct RouteSpec {
  Method method;
  std::string_view pattern;
};

// Rally's API shapes (literal-beats-placeholder cases included) and a few odd ones.
constexpr RouteSpec kRoutes[] = {
    {Method::kGet, "/healthz"},
    {Method::kGet, "/metrics"},
    {Method::kGet, "/api/v1/openapi.json"},
    {Method::kPost, "/api/v1/auth/login"},
    {Method::kGet, "/api/v1/contacts"},
    {Method::kPost, "/api/v1/contacts"},
    {Method::kPost, "/api/v1/contacts/batch"},
    {Method::kGet, "/api/v1/contacts/by-email/{email}"},
    {Method::kGet, "/api/v1/contacts/{id}"},
    {Method::kPatch, "/api/v1/contacts/{id}"},
    {Method::kDelete, "/api/v1/contacts/{id}"},
    {Method::kPost, "/api/v1/contacts/{id}/restore"},
    {Method::kGet, "/api/v1/contacts/{id}/timeline"},
    {Method::kPost, "/api/v1/contacts/{id}/activities"},
    {Method::kGet, "/api/v1/tags/{id}"},
    {Method::kPost, "/api/v1/tags/{id}/merge"},
    {Method::kPut, "/files/{a}/{b}/"},
    {Method::kOptions, "/"},
    {Method::kGet, "/{page}"},  // a catch-all beside literals, as a web UI route would be
};

constexpr Method kMethods[] = {Method::kGet,   Method::kHead,   Method::kPost,    Method::kPut,
                               Method::kPatch, Method::kDelete, Method::kOptions, Method::kOther};

// What the last handler call saw.
struct Hit {
  int route = -1;
  std::map<std::string, std::string, std::less<>> params;
};
Hit g_hit;

const http::Router& TheRouter() {
  static const http::Router* router = [] {
    auto* r = new http::Router();
    for (size_t i = 0; i < std::size(kRoutes); ++i) {
      r->Add(kRoutes[i].method, std::string(kRoutes[i].pattern), [i](http::Request& req) {
        g_hit.route = static_cast<int>(i);
        g_hit.params = req.path_params;
        return http::Response::Json(200, "{}");
      });
    }
    return r;
  }();
  return *router;
}

std::vector<std::string_view> Segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  if (pattern.size() <= 1) return out;
  pattern.remove_prefix(1);
  for (;;) {
    size_t slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    pattern.remove_prefix(slash + 1);
  }
}

bool IsPlaceholder(std::string_view seg) { return seg.size() >= 3 && seg.front() == '{'; }

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The pattern with each placeholder replaced by `value(name)`.
template <typename Fn>
std::string Fill(std::string_view pattern, Fn&& value) {
  std::string out;
  for (std::string_view seg : Segments(pattern)) {
    out += '/';
    if (IsPlaceholder(seg))
      out += value(seg.substr(1, seg.size() - 2));
    else
      out += seg;
  }
  return out.empty() ? "/" : out;
}

void CheckErrorBody(const http::Response& res, std::string_view input) {
  Result<json::value> body = ParseJson(res.body);
  FUZZ_CHECK(body.ok() && body->is_object(), input);
  const json::value* error = body->as_object().if_contains("error");
  FUZZ_CHECK(error != nullptr && error->is_object(), input);
  FUZZ_CHECK(GetString(error->as_object(), "code") != nullptr, input);
}

// Dispatches `req` and checks the answer. Returns the route that ran, or -1. `wire`: the
// request came through SetTarget (hand-built paths may hold anything a test puts there).
int DispatchAndCheck(http::Request& req, std::string_view input, bool wire) {
  const http::Router& router = TheRouter();
  g_hit = Hit{};
  int route_index = -2;
  http::Response res = router.Dispatch(req, &route_index);
  std::string pattern = router.MatchPattern(req);
  if (res.status == 200) {
    FUZZ_CHECK(g_hit.route >= 0 && g_hit.route == route_index, input);
    const RouteSpec& spec = kRoutes[g_hit.route];
    FUZZ_CHECK(pattern == spec.pattern, input);
    FUZZ_CHECK(
        spec.method == req.method || (req.method == Method::kHead && spec.method == Method::kGet),
        input);
    size_t placeholders = 0;
    for (std::string_view seg : Segments(spec.pattern)) placeholders += IsPlaceholder(seg);
    FUZZ_CHECK(g_hit.params.size() == placeholders, input);
    for (const auto& [name, value] : g_hit.params) {
      FUZZ_CHECK(!value.empty(), input);
      if (wire) FUZZ_CHECK(value.find('\0') == std::string::npos, input);
    }
    std::string filled = Fill(spec.pattern, [&](std::string_view name) {
      auto it = g_hit.params.find(name);
      return it == g_hit.params.end() ? std::string("?") : it->second;
    });
    FUZZ_CHECK(filled == req.path, input);
    return g_hit.route;
  }
  FUZZ_CHECK(g_hit.route == -1 && route_index == -1 && pattern.empty(), input);
  FUZZ_CHECK(res.status == 404 || res.status == 405, input);
  CheckErrorBody(res, input);
  if (res.status == 405) {
    std::string_view allow;
    for (const auto& [k, v] : res.headers)
      if (k == "Allow") allow = v;
    FUZZ_CHECK(!allow.empty(), input);
    FUZZ_CHECK(allow.find(http::MethodName(req.method)) == std::string_view::npos, input);
  }
  return -1;
}

void FromWire(Method method, std::string_view target) {
  http::Request req;
  req.method = method;
  Status st = http::SetTarget(req, std::string(target));
  if (!st.ok()) {
    FUZZ_CHECK(st.code() == StatusCode::kInvalidArgument, target);
    FUZZ_CHECK(req.path.empty() && req.query.empty(), target);
    return;  // the server answers 400 without routing
  }
  FUZZ_CHECK(req.target == target, target);
  FUZZ_CHECK(req.path.starts_with('/') && req.path.find('\0') == std::string::npos, target);
  for (const auto& [k, v] : req.query)
    FUZZ_CHECK(k.find('\0') == std::string::npos && v.find('\0') == std::string::npos, target);

  int route = DispatchAndCheck(req, target, true);
  if (route < 0) return;
  // The same parameters, encoded afresh, reach the same route.
  std::map<std::string, std::string, std::less<>> params = g_hit.params;
  std::string again = Fill(kRoutes[route].pattern, [&](std::string_view name) {
    return PercentEncode(params.find(name)->second);
  });
  http::Request req2;
  req2.method = method;
  FUZZ_CHECK(http::SetTarget(req2, again + "?x=1").ok(), target);
  FUZZ_CHECK(DispatchAndCheck(req2, target, true) == route, target);
  FUZZ_CHECK(g_hit.params == params, target);
}

void ByHand(Method method, std::string_view path) {
  if (!path.starts_with('/')) return;  // hand-built paths are absolute, like decoded ones
  http::Request req;
  req.method = method;
  req.path = std::string(path);
  DispatchAndCheck(req, path, false);
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 1) return 0;
  Method method = kMethods[data[0] & 7];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 8)
    ByHand(method, text);
  else
    FromWire(method, text);
  return 0;
}
