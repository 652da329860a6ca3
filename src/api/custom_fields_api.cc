#include "api/custom_fields_api.h"

#include "api/api.h"
#include "contacts/contact_service.h"
#include "fields/custom_fields.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Result<fields::CustomFieldInput> ParseInput(const json::object& body) {
  fields::CustomFieldInput in;
  std::vector<FieldError> errors;
  auto string_field = [&](std::string_view key, std::optional<std::string>& out) {
    const json::value* v = body.if_contains(key);
    if (!v) return;
    if (!v->is_string()) {
      errors.push_back({std::string(key), "invalid", std::string(key) + " must be a string", {}});
      return;
    }
    out = std::string(v->get_string());
  };
  for (const auto& [key, value] : body) {
    if (key != "key" && key != "label" && key != "type" && key != "options" && key != "position" &&
        key != "unique")
      errors.push_back({std::string(key), "unknown_field", "unknown field \"" + std::string(key) + "\"", {}});
  }
  string_field("key", in.key);
  string_field("label", in.label);
  string_field("type", in.type);
  if (const json::value* v = body.if_contains("options")) {
    std::vector<std::string> opts;
    bool ok = v->is_array();
    if (ok)
      for (const auto& o : v->get_array()) {
        if (!o.is_string()) { ok = false; break; }
        opts.emplace_back(o.get_string());
      }
    if (ok) in.options = std::move(opts);
    else errors.push_back({"options", "invalid", "options must be an array of strings", {}});
  }
  if (const json::value* v = body.if_contains("position")) {
    if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() < 100000) in.position = static_cast<int>(v->get_int64());
    else errors.push_back({"position", "invalid", "position must be a whole number from 0", {}});
  }
  if (const json::value* v = body.if_contains("unique")) {
    if (v->is_bool()) in.unique = v->get_bool();
    else errors.push_back({"unique", "invalid", "unique must be true or false", {}});
  }
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  return in;
}

}  // namespace

void AddCustomFieldRoutes(http::Router& router, const Authenticator& auth,
                          fields::CustomFieldService& fields, contacts::ContactService& contacts) {
  router.Add(Method::kGet, "/api/v1/custom-fields", auth.Require([&](Request&, const auth::Principal& p) {
    auto list = fields.List(p.workspace_id);
    if (!list.ok()) return ErrorResponse(list.status());
    json::array data;
    for (const auto& f : *list) data.emplace_back(fields::CustomFieldToJson(f));
    return JsonResponse(200, json::object{{"data", std::move(data)}});
  }));

  router.Add(Method::kPost, "/api/v1/custom-fields", auth.Require([&](Request& req, const auth::Principal& p) {
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto in = ParseInput(*body);
    if (!in.ok()) return ErrorResponse(in.status());
    auto created = fields.Create(p.workspace_id, *in);
    if (!created.ok()) return ErrorResponse(created.status());
    return JsonResponse(201, fields::CustomFieldToJson(*created));
  }, auth::Role::kAdmin));

  router.Add(Method::kGet, "/api/v1/custom-fields/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto f = fields.Get(p.workspace_id, *id);
    if (!f.ok()) return ErrorResponse(f.status());
    return JsonResponse(200, fields::CustomFieldToJson(*f));
  }));

  router.Add(Method::kPatch, "/api/v1/custom-fields/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto in = ParseInput(*body);
    if (!in.ok()) return ErrorResponse(in.status());
    auto updated = fields.Update(p.workspace_id, *id, *in);
    if (!updated.ok()) return ErrorResponse(updated.status());
    return JsonResponse(200, fields::CustomFieldToJson(*updated));
  }, auth::Role::kAdmin));

  router.Add(Method::kDelete, "/api/v1/custom-fields/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    Status s = contacts.DeleteCustomField(p.workspace_id, *id, ActorOf(p));
    if (!s.ok()) return ErrorResponse(s);
    return http::Response::NoContent();
  }, auth::Role::kAdmin));
}

}  // namespace rally::api
