// Router: maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// placeholders: "/api/v1/contacts/{id}/timeline". Literal segments win over placeholders
// ("/contacts/by-email/{email}" beats "/contacts/{id}" for that path).
//
// Handlers are plain functions from request to response (STYLE.md rule 9). They run on the
// server's worker pool, so they may block on the database.
//
// Thread safety: Add() only during start-up; Dispatch() and Routes() from any thread after.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.h"

namespace rally::http {

using Handler = std::function<Response(Request&)>;

struct RouteInfo {
  Method method;
  std::string pattern;  // "/api/v1/contacts/{id}"
};

// How the server reads the body of a route's requests. The default (the server's
// max_body_bytes, into Request::body) suits every JSON route; uploads set both.
struct BodyOptions {
  uint64_t max_bytes = 0;  // this route's body limit (413 past it); 0 = the server's
  // Stream the body to a temporary file, named by Request::body_file and removed once the
  // handler returns, instead of holding it in Request::body.
  bool to_file = false;
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // REQUIRES: no route with the same method and pattern exists; the pattern starts with '/'
  // and each placeholder is a whole segment ("{id}", not "x{id}"). Violations are bugs and
  // throw std::invalid_argument at start-up.
  void Add(Method method, std::string pattern, Handler handler);
  void Add(Method method, std::string pattern, Handler handler, BodyOptions body);

  // The body options of the route `req` (method and target set, body not read yet) reaches;
  // the defaults when it reaches none. And the largest max_bytes of any route (0 when none
  // sets one), which the server needs before it knows the route.
  BodyOptions BodyOptionsFor(const Request& req) const;
  uint64_t LargestBodyLimit() const;

  // Called, instead of the 404 answer, for requests whose path matches no pattern at all (any
  // method; a path with routes but not this method still gets 405). The web UI's static files
  // use it. Without a fallback such requests get the JSON 404. Start-up only, like Add().
  void SetFallback(Handler handler);

  // Finds the route, binds path params into req.path_params and calls its handler. Unknown
  // paths answer 404, known paths with another method 405 (with Allow), both as JSON errors.
  // Paths that match no pattern go to the fallback when one is set.
  // HEAD falls back to the GET route (the server drops the body). Matching uses the
  // still-encoded path of req.target, so "%2F" stays inside its segment, and compares decoded
  // segments; when req.target is empty (requests built by hand in tests) req.path is used.
  // A trailing slash is significant; a placeholder never matches an empty segment.
  // Exceptions from the handler propagate.
  Response Dispatch(Request& req) const;

  // The same, also reporting the matched route's index in Routes() order (-1 for 404/405) in
  // *route_index before the handler runs, so the caller can count requests by route.
  Response Dispatch(Request& req, int* route_index) const;

  // The matched route's pattern for metrics labels ("" when none matched).
  std::string MatchPattern(const Request& req) const;

  std::vector<RouteInfo> Routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::http
