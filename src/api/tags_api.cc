// Routes: GET /api/v1/tags, PATCH /api/v1/tags/{id}, POST /api/v1/tags/{id}/merge,
// DELETE /api/v1/tags/{id} (see tags_api.h).
#include "api/tags_api.h"

#include "api/api.h"
#include "segments/tag_service.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// The one string member `key` of a body that may hold nothing else.
Result<std::string> OnlyString(const json::object& body, std::string_view key) {
  for (const auto& kv : body) {
    if (kv.key() != key) {
      return FieldInvalid(std::string(kv.key()), "unknown_field",
                          "this body holds only \"" + std::string(key) + "\"");
    }
  }
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return FieldInvalid(std::string(key), "required", std::string(key) + " is required");
  }
  if (!v->is_string()) return FieldInvalid(std::string(key), "invalid", std::string(key) + " must be a string");
  return std::string(v->get_string());
}

}  // namespace

void AddTagsRoutes(http::Router& router, const Authenticator& auth, segments::TagService& tags) {
  router.Add(Method::kGet, "/api/v1/tags", auth.Require([&](Request&, const auth::Principal& p) {
    auto list = tags.List(p.workspace_id);
    if (!list.ok()) return ErrorResponse(list.status());
    json::array data;
    for (const auto& t : *list) data.push_back(segments::TagToJson(t));
    return JsonResponse(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
  }));

  router.Add(Method::kPatch, "/api/v1/tags/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto name = OnlyString(*body, "name");
    if (!name.ok()) return ErrorResponse(name.status());
    auto renamed = tags.Rename(p.workspace_id, *id, *name, ActorOf(p));
    if (!renamed.ok()) return ErrorResponse(renamed.status());
    return JsonResponse(200, segments::TagToJson(*renamed));
  }));

  router.Add(Method::kPost, "/api/v1/tags/{id}/merge", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto into_text = OnlyString(*body, "into");
    if (!into_text.ok()) return ErrorResponse(into_text.status());
    auto into = ParseId(*into_text);
    if (!into) return ErrorResponse(FieldInvalid("into", "invalid", "into must be a tag id"));
    auto merged = tags.Merge(p.workspace_id, *id, *into, ActorOf(p));
    if (!merged.ok()) return ErrorResponse(merged.status());
    return JsonResponse(200, segments::TagToJson(*merged));
  }));

  router.Add(Method::kDelete, "/api/v1/tags/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    Status s = tags.Delete(p.workspace_id, *id, ActorOf(p));
    if (!s.ok()) return ErrorResponse(s);
    return Response::NoContent();
  }));
}

}  // namespace rally::api
