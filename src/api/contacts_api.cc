// Routes (see contacts_api.h for the table):
//   POST /api/v1/contacts, POST /api/v1/contacts/batch,
//   GET /api/v1/contacts/by-email/{email}, GET|PATCH|DELETE /api/v1/contacts/{id},
//   POST /api/v1/contacts/{id}/restore, GET /api/v1/contacts/{id}/timeline,
//   POST /api/v1/contacts/{id}/activities
#include "api/contacts_api.h"

#include "api/api.h"
#include "contacts/contact_service.h"
#include "timeline/timeline_service.h"

namespace rally::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int kDefaultLimit = 50;

Response ContactResponse(int status, const Result<contacts::Contact>& c) {
  if (!c.ok()) return ErrorResponse(c.status());
  return JsonResponse(status, contacts::ContactToJson(*c));
}

Response Batch(contacts::ContactService& svc, Request& req, const auth::Principal& p) {
  auto body = ParseObjectBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  const json::value* items = body->if_contains("items");
  if (items == nullptr || !items->is_array()) {
    return ErrorResponse(FieldInvalid("items", items ? "invalid" : "required",
                                      "the body needs \"items\": an array of contacts"));
  }
  contacts::BatchOptions options;
  for (const auto& kv : *body) {
    if (kv.key() == "match_on") {
      // "email" (the default) or "custom.<key>" of a unique field; the service checks the field.
      if (!kv.value().is_string() && !kv.value().is_null()) {
        return ErrorResponse(FieldInvalid("match_on", "invalid",
                                          "match_on is \"email\" or \"custom.<key>\""));
      }
      if (kv.value().is_string()) options.match_on = std::string(kv.value().get_string());
    } else if (kv.key() != "items") {
      return ErrorResponse(FieldInvalid(std::string(kv.key()), "unknown_field",
                                        "a batch body holds only \"items\" and \"match_on\""));
    }
  }
  const json::array& arr = items->get_array();
  if (arr.size() > contacts::kMaxBatchItems) {
    return ErrorResponse(Status(StatusCode::kTooLarge,
                                "a batch holds at most " + std::to_string(contacts::kMaxBatchItems) +
                                    " items",
                                {FieldError{"items", "too_many",
                                            std::to_string(arr.size()) + " items sent", {}}}));
  }
  // Items that are not objects get their own error; the rest go to the service together.
  std::vector<contacts::ContactInput> inputs;
  std::vector<size_t> positions;
  std::vector<contacts::BatchItemResult> results(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    results[i].index = i;
    if (!arr[i].is_object()) {
      results[i].error = FieldInvalid("items[" + std::to_string(i) + "]", "invalid",
                                      "each item must be a contact object");
      continue;
    }
    inputs.push_back(arr[i].get_object());
    positions.push_back(i);
  }
  auto done = svc.Batch(p.workspace_id, inputs, ActorOf(p), options);
  if (!done.ok()) return ErrorResponse(done.status());
  for (size_t k = 0; k < done->size(); ++k) {
    contacts::BatchItemResult r = std::move((*done)[k]);
    r.index = positions[k];
    results[positions[k]] = std::move(r);
  }
  // One counter per BatchStatus, indexed by it (the API's batch never asks for skipping).
  using contacts::BatchStatus;
  int64_t counts[static_cast<int>(BatchStatus::kError) + 1] = {};
  auto count = [&](BatchStatus s) { return counts[static_cast<int>(s)]; };
  json::array out;
  out.reserve(results.size());
  for (const auto& r : results) {
    ++counts[static_cast<int>(r.status)];
    out.push_back(r.ToJson());
  }
  return JsonResponse(200, json::object{{"results", std::move(out)},
                                        {"created", count(BatchStatus::kCreated)},
                                        {"updated", count(BatchStatus::kUpdated)},
                                        {"unchanged", count(BatchStatus::kUnchanged)},
                                        {"errors", count(BatchStatus::kError)}});
}

}  // namespace

void AddContactsRoutes(http::Router& router, const Authenticator& auth,
                       contacts::ContactService& contacts, timeline::TimelineService& timeline) {
  router.Add(Method::kPost, "/api/v1/contacts", auth.Require([&](Request& req, const auth::Principal& p) {
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    return ContactResponse(201, contacts.Create(p.workspace_id, *body, ActorOf(p)));
  }));

  router.Add(Method::kPost, "/api/v1/contacts/batch", auth.Require([&](Request& req, const auth::Principal& p) {
    return Batch(contacts, req, p);
  }));

  router.Add(Method::kGet, "/api/v1/contacts/by-email/{email}",
             auth.Require([&](Request& req, const auth::Principal& p) {
    auto c = contacts.GetByEmail(p.workspace_id, req.Param("email"));
    if (!c.ok() && c.status().code() == StatusCode::kInvalidArgument) {
      // A path that is not an email names no contact.
      return ErrorResponse(NotFound("no contact with email " + std::string(req.Param("email"))));
    }
    return ContactResponse(200, c);
  }));

  router.Add(Method::kGet, "/api/v1/contacts/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    return ContactResponse(200, contacts.Get(p.workspace_id, *id));
  }));

  router.Add(Method::kPatch, "/api/v1/contacts/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    return ContactResponse(200, contacts.Update(p.workspace_id, *id, *body, ActorOf(p)));
  }));

  router.Add(Method::kDelete, "/api/v1/contacts/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    Status s = contacts.Delete(p.workspace_id, *id, ActorOf(p));
    if (!s.ok()) return ErrorResponse(s);
    return Response::NoContent();
  }));

  router.Add(Method::kPost, "/api/v1/contacts/{id}/restore",
             auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    return ContactResponse(200, contacts.Restore(p.workspace_id, *id, ActorOf(p)));
  }));

  router.Add(Method::kGet, "/api/v1/contacts/{id}/timeline",
             auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto limit = ParseLimit(req, kDefaultLimit, 1000);
    if (!limit.ok()) return ErrorResponse(limit.status());
    timeline::ActivityQuery q;
    q.limit = *limit;
    q.cursor = QueryText(req, "cursor");
    if (auto type = req.QueryParam("type")) {
      q.type = timeline::ParseActivityType(*type);
      if (!q.type) {
        return ErrorResponse(FieldInvalid("type", "not_an_option",
                                          "unknown activity type \"" + std::string(*type) + "\""));
      }
    }
    auto page = timeline.List(p.workspace_id, *id, q);
    if (!page.ok()) return ErrorResponse(page.status());
    return JsonResponse(200, page->ToJson());
  }));

  router.Add(Method::kPost, "/api/v1/contacts/{id}/activities",
             auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = ParseObjectBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto input = timeline::ParseNewActivity(*body);
    if (!input.ok()) return ErrorResponse(input.status());
    auto added = contacts.AddActivity(p.workspace_id, *id, *input, ActorOf(p));
    if (!added.ok()) return ErrorResponse(added.status());
    auto actors = timeline.DescribeActors(p.workspace_id, {&*added, 1});
    if (!actors.ok()) return ErrorResponse(actors.status());
    return JsonResponse(201, timeline::ActivityToJson(*added, actors->at(0)));
  }));
}

}  // namespace rally::api
