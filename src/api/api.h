// Conventions shared by every REST resource file in api/: the one mapping from Status to HTTP,
// JSON bodies in and out, and list paging parameters.
//
// Error body (DESIGN.md §4):
//   {"error":{"code":"invalid_argument","message":"...","details":[{"field":"email",...}]}}
#pragma once

#include <string_view>

#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"
#include "http/message.h"

namespace rally::api {

// The HTTP status for a status code: invalid_argument 400 (422 when every detail is a field
// validation error on a well-formed body: details non-empty and none with a request-level code:
// malformed_json, too_deep, not_an_object, empty (the body), unsupported or filter_* (a filter
// that does not parse, query/filter.h); query parameters
// such as limit count as fields), unauthenticated 401,
// permission_denied 403,
// not_found 404, already_exists/failed_precondition 409, too_large 413, resource_exhausted 429,
// unimplemented 501, unavailable 503, internal 500.
int HttpStatusFor(const Status& status);

// The one Status -> HTTP mapping. REQUIRES: !status.ok()
http::Response ErrorResponse(const Status& status);

http::Response JsonResponse(int http_status, const json::value& body);

// The body as a JSON object. Errors (invalid_argument, field "body", answered 400): empty body
// (code "empty"), malformed JSON (with the byte offset; "malformed_json"), nesting past
// kMaxJsonDepth ("too_deep"), a top-level value that is not an object ("not_an_object").
Result<json::object> ParseObjectBody(const http::Request& req);

// `?limit=` as an integer in [1, max], `fallback` when absent.
// Errors: invalid_argument naming "limit".
Result<int> ParseLimit(const http::Request& req, int fallback, int max);

// A path parameter that must be an id. Errors: not_found (a malformed id names no record).
Result<Id> PathId(const http::Request& req, std::string_view name = "id");

// A query parameter as text; empty when absent.
std::string QueryText(const http::Request& req, std::string_view name);

}  // namespace rally::api
