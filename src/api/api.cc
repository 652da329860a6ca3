#include "api/api.h"

#include <charconv>

#include "base/log.h"
#include "base/strings.h"

namespace rally::api {
namespace {

// A detail about the request as a whole rather than about one field of a well-formed body:
// the body itself (empty, malformed, too deep, not an object) or a parameter that is not
// supported yet, or a filter (q= or a JSON filter, query/filter.h: codes filter_*) that does not
// parse. These answer 400; field validation errors answer 422. Decided by the code, not
// the field name, since "body" is also an ordinary field (a note's body).
bool IsRequestLevel(const FieldError& e) {
  return e.code == "malformed_json" || e.code == "too_deep" || e.code == "not_an_object" ||
         e.code == "empty" || e.code == "unsupported" || e.code.starts_with("filter_");
}

}  // namespace

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: {
      const auto& details = status.details();
      if (details.empty()) return 400;
      for (const FieldError& e : details)
        if (IsRequestLevel(e)) return 400;
      return 422;
    }
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kCanceled: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

http::Response ErrorResponse(const Status& status) {
  int http_status = HttpStatusFor(status);
  std::string message = status.message();
  if (status.code() == StatusCode::kInternal) {
    // Internal messages may quote SQL or paths: they go to the log, not to clients.
    log::Error("internal error answered 500: " + status.ToString());
    message = "internal error";
  }
  json::array details;
  for (const FieldError& e : status.details()) {
    // Messages and field names may quote decoded input (a query parameter of "%FF"): the body
    // must stay valid UTF-8 whatever the client sent.
    json::object d{{"field", ToValidUtf8(e.field)}, {"code", e.code}, {"message", ToValidUtf8(e.message)}};
    if (!e.existing_id.empty()) d["existing_id"] = e.existing_id;
    details.push_back(std::move(d));
  }
  json::object error{{"code", StatusCodeName(status.code())},
                     {"message", ToValidUtf8(message)},
                     {"details", std::move(details)}};
  http::Response r = JsonResponse(http_status, json::object{{"error", std::move(error)}});
  if (status.code() == StatusCode::kUnavailable) r.headers.emplace_back("Retry-After", "1");
  return r;
}

http::Response JsonResponse(int http_status, const json::value& body) {
  return http::Response::Json(http_status, json::serialize(body));
}

Result<json::object> ParseObjectBody(const http::Request& req) {
  if (Trim(req.body).empty()) {
    return FieldInvalid("body", "empty", "the request needs a JSON object body");
  }
  RALLY_ASSIGN_OR_RETURN(json::value v, ParseJson(req.body));
  if (!v.is_object()) {
    return FieldInvalid("body", "not_an_object", "the body must be a JSON object");
  }
  return std::move(v.get_object());
}

Result<int> ParseLimit(const http::Request& req, int fallback, int max) {
  auto text = req.QueryParam("limit");
  if (!text) return fallback;
  std::string_view s = Trim(*text);
  int value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || value < 1 || value > max) {
    return FieldInvalid("limit", "out_of_range",
                        "limit must be a whole number from 1 to " + std::to_string(max));
  }
  return value;
}

Result<Id> PathId(const http::Request& req, std::string_view name) {
  std::string_view text = req.Param(name);
  auto id = ParseId(text);
  if (!id) return NotFound("no record " + std::string(text.substr(0, 40)));
  return *id;
}

std::string QueryText(const http::Request& req, std::string_view name) {
  auto v = req.QueryParam(name);
  return v ? std::string(*v) : std::string();
}

}  // namespace rally::api
