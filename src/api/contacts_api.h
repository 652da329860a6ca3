// REST routes for contacts and their timelines (DESIGN.md §4):
//   POST   /api/v1/contacts                       create                          201
//   (GET /api/v1/contacts, the filtered list, is in contact_lists_api.h)
//   POST   /api/v1/contacts/batch                 create-or-update by email       200
//   GET    /api/v1/contacts/by-email/{email}      lookup (primary or additional)  200
//   GET    /api/v1/contacts/{id}                                                  200
//   PATCH  /api/v1/contacts/{id}                  absent = unchanged, null = clear 200
//   DELETE /api/v1/contacts/{id}                  soft delete (restorable 30 days) 204
//   POST   /api/v1/contacts/{id}/restore                                          200
//   GET    /api/v1/contacts/{id}/timeline?limit=&cursor=&type=  newest first      200
//   POST   /api/v1/contacts/{id}/activities       {"type":"note","body":...}      201
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::contacts { class ContactService; }
namespace rally::timeline { class TimelineService; }

namespace rally::api {

void AddContactsRoutes(http::Router& router, const Authenticator& auth,
                       contacts::ContactService& contacts, timeline::TimelineService& timeline);

}  // namespace rally::api
