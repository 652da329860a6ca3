#include "http/router.h"

#include <array>
#include <map>
#include <stdexcept>

#include "http/target.h"

namespace rally::http {
namespace {

// A path split into segments: "/" -> {}, "/a/b" -> {"a","b"}, "/a/" -> {"a",""}.
template <typename Fn>
void ForEachSegment(std::string_view path, Fn&& fn) {
  if (path.size() <= 1) return;
  path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    fn(path.substr(0, slash));
    if (slash == std::string_view::npos) return;
    path.remove_prefix(slash + 1);
  }
}

bool IsPlaceholder(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

struct Router::Impl {
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> param_names;  // in path order
    Handler handler;
    BodyOptions body;
  };

  // A trie over path segments. Literal children are tried before the placeholder child, with
  // backtracking, so literals win and a dead-end literal still lets a placeholder match.
  struct Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
    std::unique_ptr<Node> param;
    std::array<int, kMethodCount> route_by_method;  // index into routes, -1 when none
    Node() { route_by_method.fill(-1); }

    int RouteFor(Method m) const {
      int r = route_by_method[static_cast<int>(m)];
      if (r < 0 && m == Method::kHead) r = route_by_method[static_cast<int>(Method::kGet)];
      return r;
    }
    bool HasAnyRoute() const {
      for (int r : route_by_method) {
        if (r >= 0) return true;
      }
      return false;
    }
  };

  struct Match {
    int route = -1;                      // the route to run
    const Node* path_node = nullptr;     // first node whose pattern matched the path (for 405)
    std::vector<std::string> segments;   // decoded
    std::vector<std::string_view> params;
  };

  Node root;
  std::vector<Route> routes;
  Handler fallback;

  bool Find(const Node* node, size_t i, Method m, Match& match) const {
    if (i == match.segments.size()) {
      int r = node->RouteFor(m);
      if (r >= 0) {
        match.route = r;
        return true;
      }
      if (match.path_node == nullptr && node->HasAnyRoute()) match.path_node = node;
      return false;
    }
    const std::string& seg = match.segments[i];
    if (auto it = node->literals.find(seg); it != node->literals.end()) {
      if (Find(it->second.get(), i + 1, m, match)) return true;
    }
    if (node->param && !seg.empty()) {
      match.params.push_back(seg);
      if (Find(node->param.get(), i + 1, m, match)) return true;
      match.params.pop_back();
    }
    return false;
  }

  // False when the path cannot name any route (a bad escape in a hand-built target).
  bool MatchRequest(const Request& req, Match& match) const {
    match.segments.reserve(8);
    bool ok = true;
    if (!req.target.empty()) {
      ForEachSegment(internal::EncodedPath(req.target), [&](std::string_view raw) {
        std::string& seg = match.segments.emplace_back();
        if (!internal::PercentDecode(raw, false, seg)) ok = false;
      });
    } else {
      ForEachSegment(req.path, [&](std::string_view seg) { match.segments.emplace_back(seg); });
    }
    if (!ok) return false;
    Find(&root, 0, req.method, match);
    return true;
  }

  static std::string AllowHeader(const Node& node) {
    std::string allow;
    for (int i = 0; i < kMethodCount; ++i) {
      Method m = static_cast<Method>(i);
      if (node.RouteFor(m) < 0) continue;
      if (!allow.empty()) allow += ", ";
      allow += MethodName(m);
    }
    return allow;
  }
};

Router::Router() : impl_(std::make_unique<Impl>()) {}
Router::~Router() = default;

void Router::Add(Method method, std::string pattern, Handler handler, BodyOptions body) {
  Add(method, pattern, std::move(handler));
  impl_->routes.back().body = body;
}

BodyOptions Router::BodyOptionsFor(const Request& req) const {
  Impl::Match match;
  if (!impl_->MatchRequest(req, match) || match.route < 0) return {};
  return impl_->routes[match.route].body;
}

uint64_t Router::LargestBodyLimit() const {
  uint64_t out = 0;
  for (const Impl::Route& r : impl_->routes) out = std::max(out, r.body.max_bytes);
  return out;
}

void Router::Add(Method method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (method == Method::kOther) throw std::invalid_argument("route needs a concrete method");
  Impl::Route route{method, pattern, {}, std::move(handler), {}};
  Impl::Node* node = &impl_->root;
  ForEachSegment(pattern, [&](std::string_view seg) {
    if (IsPlaceholder(seg)) {
      route.param_names.emplace_back(seg.substr(1, seg.size() - 2));
      if (!node->param) node->param = std::make_unique<Impl::Node>();
      node = node->param.get();
      return;
    }
    if (seg.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("placeholder must be a whole segment: " + pattern);
    }
    auto it = node->literals.find(seg);
    if (it == node->literals.end()) {
      it = node->literals.emplace(std::string(seg), std::make_unique<Impl::Node>()).first;
    }
    node = it->second.get();
  });
  int& slot = node->route_by_method[static_cast<int>(method)];
  if (slot >= 0) {
    throw std::invalid_argument("duplicate route: " + std::string(MethodName(method)) + " " +
                                pattern + " (same shape as " + impl_->routes[slot].pattern + ")");
  }
  slot = static_cast<int>(impl_->routes.size());
  impl_->routes.push_back(std::move(route));
}

Response Router::Dispatch(Request& req) const {
  int unused;
  return Dispatch(req, &unused);
}

Response Router::Dispatch(Request& req, int* route_index) const {
  *route_index = -1;
  Impl::Match match;
  if (impl_->MatchRequest(req, match) && match.route >= 0) {
    const Impl::Route& route = impl_->routes[match.route];
    req.path_params.clear();
    for (size_t i = 0; i < route.param_names.size() && i < match.params.size(); ++i) {
      req.path_params.emplace(route.param_names[i], match.params[i]);
    }
    *route_index = match.route;
    return route.handler(req);
  }
  if (match.path_node != nullptr) {
    Response res = JsonError(405, "method_not_allowed",
                             std::string(MethodName(req.method)) + " is not allowed on " + req.path);
    res.headers.emplace_back("Allow", Impl::AllowHeader(*match.path_node));
    return res;
  }
  if (impl_->fallback) return impl_->fallback(req);
  return JsonError(404, "not_found", "no route for " + req.path);
}

void Router::SetFallback(Handler handler) { impl_->fallback = std::move(handler); }

std::string Router::MatchPattern(const Request& req) const {
  Impl::Match match;
  if (!impl_->MatchRequest(req, match) || match.route < 0) return "";
  return impl_->routes[match.route].pattern;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(impl_->routes.size());
  for (const Impl::Route& r : impl_->routes) out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace rally::http
