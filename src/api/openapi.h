// The OpenAPI 3.1 document served at GET /api/v1/openapi.json. Each resource keeps its paths and
// schemas in a fragment (src/api/openapi/<resource>.json) beside its code; the fragments are
// embedded at build time and merged here. A test checks that every route the server really has
// is described (tests/api/openapi_test.cc).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"

namespace rally::api {

// The embedded fragments as (file name, JSON text).
const std::vector<std::pair<std::string_view, std::string_view>>& OpenApiFragments();

// The merged document: base.json's info and components, plus every fragment's paths and
// schemas. Throws std::runtime_error when a fragment is not valid JSON or two fragments define
// the same path and method (a build defect, caught by the test).
const json::object& OpenApiDocument();

}  // namespace rally::api
