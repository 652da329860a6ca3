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

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // REQUIRES: no route with the same method and pattern exists.
  void Add(Method method, std::string pattern, Handler handler);

  // Finds the route, binds path params into req.path_params and calls its handler. Unknown
  // paths answer 404, known paths with another method 405 (with Allow), both as JSON errors.
  Response Dispatch(Request& req) const;

  // The matched route's pattern for metrics labels ("" when none matched).
  std::string MatchPattern(const Request& req) const;

  std::vector<RouteInfo> Routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::http
