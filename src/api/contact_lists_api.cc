// Routes: GET /api/v1/contacts, POST /api/v1/contacts/search, GET /api/v1/contacts/count,
// POST /api/v1/filters/parse (see contact_lists_api.h).
#include "api/contact_lists_api.h"

#include "api/api.h"
#include "contacts/contact_search.h"
#include "query/filter.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultLimit = 50;

query::QueryContext Context(const auth::Principal& p) { return {p.workspace_id, p.user_id}; }

// A search body: {"filter":{...}} or {"q":"..."} (not both), "sort", "limit", "cursor".
// Errors: invalid_argument naming the member.
Result<contacts::ContactSearchRequest> SearchBody(const json::object& body, bool paging) {
  contacts::ContactSearchRequest r;
  for (const auto& kv : body) {
    std::string_view k = kv.key();
    const json::value& v = kv.value();
    if (k == "filter") {
      if (!v.is_null()) r.filter = v;
    } else if (k == "q" || (paging && (k == "sort" || k == "cursor"))) {
      if (v.is_null()) continue;
      if (!v.is_string())
        return FieldInvalid(std::string(k), "invalid", std::string(k) + " must be a string");
      (k == "q" ? r.q : k == "sort" ? r.sort : r.cursor) = std::string(v.get_string());
    } else if (paging && k == "limit") {
      if (v.is_null()) continue;
      if (!v.is_int64() || v.get_int64() < 1 || v.get_int64() > query::kMaxLimit) {
        return FieldInvalid(
            "limit", "out_of_range",
            "limit must be an integer between 1 and " + std::to_string(query::kMaxLimit));
      }
      r.limit = static_cast<int>(v.get_int64());
    } else {
      return FieldInvalid(std::string(k), "unknown_field",
                          "unknown member \"" + std::string(k) + "\"");
    }
  }
  if (r.filter && !r.q.empty()) {
    return FieldInvalid("q", "invalid",
                        "send the filter as \"filter\" (JSON) or \"q\" (text), not both");
  }
  return r;
}

}  // namespace

void AddContactListsRoutes(http::Router& router, const Authenticator& auth,
                           contacts::ContactSearch& search) {
  router.Add(Method::kGet, "/api/v1/contacts",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto limit = ParseLimit(req, kDefaultLimit, query::kMaxLimit);
               if (!limit.ok()) return ErrorResponse(limit.status());
               contacts::ContactSearchRequest r;
               r.q = QueryText(req, "q");
               r.sort = QueryText(req, "sort");
               r.limit = *limit;
               r.cursor = QueryText(req, "cursor");
               auto page = search.List(Context(p), r);
               if (!page.ok()) return ErrorResponse(page.status());
               return JsonResponse(200, page->ToJson());
             }));

  router.Add(Method::kPost, "/api/v1/contacts/search",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto body = ParseObjectBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto r = SearchBody(*body, true);
               if (!r.ok()) return ErrorResponse(r.status());
               auto page = search.List(Context(p), *r);
               if (!page.ok()) return ErrorResponse(page.status());
               return JsonResponse(200, page->ToJson());
             }));

  router.Add(Method::kGet, "/api/v1/contacts/count",
             auth.Require([&](Request& req, const auth::Principal& p) {
               contacts::ContactSearchRequest r;
               r.q = QueryText(req, "q");
               auto n = search.Count(Context(p), r);
               if (!n.ok()) return ErrorResponse(n.status());
               return JsonResponse(200, json::object{{"count", *n}});
             }));

  router.Add(Method::kPost, "/api/v1/filters/parse",
             auth.Require([&](Request& req, const auth::Principal& p) {
               auto body = ParseObjectBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto r = SearchBody(*body, false);
               if (!r.ok()) return ErrorResponse(r.status());
               if (!r->filter && !body->contains("q")) {
                 return ErrorResponse(
                     FieldInvalid("q", "required", "send \"q\" (text) or \"filter\" (JSON)"));
               }
               auto node = search.Parse(p.workspace_id, *r);
               if (!node.ok()) return ErrorResponse(node.status());
               return JsonResponse(200, json::object{{"filter", query::ToJson(*node)},
                                                     {"q", query::ToText(*node)}});
             }));
}

}  // namespace rally::api
