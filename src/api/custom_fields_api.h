// REST routes for custom field definitions.
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::fields { class CustomFieldService; }
namespace rally::contacts { class ContactService; }

namespace rally::api {

// GET /api/v1/custom-fields, POST (admin), GET|PATCH|DELETE /api/v1/custom-fields/{id}
// (PATCH and DELETE admin). Deleting goes through ContactService because it strips the values
// from every contact.
void AddCustomFieldRoutes(http::Router& router, const Authenticator& auth,
                          fields::CustomFieldService& fields, contacts::ContactService& contacts);

}  // namespace rally::api
