// Routes: GET/POST /api/v1/views, GET/PATCH/DELETE /api/v1/views/{id},
// GET /api/v1/views/{id}/contacts (see views_api.h).
#include "api/views_api.h"

#include "api/api.h"
#include "query/contact_query.h"
#include "segments/saved_view_service.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

segments::Viewer ViewerOf(const auth::Principal& p) {
  return segments::Viewer{p.workspace_id, p.user_id, p.role == auth::Role::kAdmin};
}

}  // namespace

void AddViewsRoutes(http::Router& router, const Authenticator& auth, segments::SavedViewService& views) {
  router.Add(Method::kGet, "/api/v1/views", auth.Require([&](Request&, const auth::Principal& p) {
    auto list = views.List(ViewerOf(p));
    if (!list.ok()) return ErrorResponse(list.status());
    json::array data;
    for (const auto& v : *list) data.push_back(v.ToJson());
    return JsonResponse(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
  }));

  router.Add(Method::kPost, "/api/v1/views", auth.Require([&](Request& req, const auth::Principal& p) {
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto input = segments::ParseSavedViewInput(*body);
    if (!input.ok()) return ErrorResponse(input.status());
    auto made = views.Create(ViewerOf(p), *input);
    if (!made.ok()) return ErrorResponse(made.status());
    return JsonResponse(201, made->ToJson());
  }));

  router.Add(Method::kGet, "/api/v1/views/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto v = views.Get(ViewerOf(p), *id);
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(200, v->ToJson());
  }));

  router.Add(Method::kPatch, "/api/v1/views/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto input = segments::ParseSavedViewInput(*body);
    if (!input.ok()) return ErrorResponse(input.status());
    auto v = views.Update(ViewerOf(p), *id, *input);
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(200, v->ToJson());
  }));

  router.Add(Method::kDelete, "/api/v1/views/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    Status s = views.Delete(ViewerOf(p), *id);
    if (!s.ok()) return ErrorResponse(s);
    return Response::NoContent();
  }));

  router.Add(Method::kGet, "/api/v1/views/{id}/contacts", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto limit = ParseLimit(req, 50, query::kMaxLimit);
    if (!limit.ok()) return ErrorResponse(limit.status());
    segments::RunViewOptions o{QueryText(req, "sort"), *limit, QueryText(req, "cursor")};
    auto page = views.Run(ViewerOf(p), *id, o);
    if (!page.ok()) return ErrorResponse(page.status());
    return JsonResponse(200, page->ToJson());
  }));
}

}  // namespace rally::api
