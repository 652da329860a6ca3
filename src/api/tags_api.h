// REST routes for tags (assigning tags is part of the contact routes):
//   GET    /api/v1/tags                  every tag with its usage count   200
//   PATCH  /api/v1/tags/{id}             {"name":"..."}: rename            200
//   POST   /api/v1/tags/{id}/merge       {"into":"<id>"}: merge into that  200 (the target)
//   DELETE /api/v1/tags/{id}             remove from every contact          204
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::segments { class TagService; }

namespace rally::api {

void AddTagsRoutes(http::Router& router, const Authenticator& auth, segments::TagService& tags);

}  // namespace rally::api
