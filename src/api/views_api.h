// REST routes for saved views (issue 4 item 4; segments/saved_view_service.h has the rules):
//   GET    /api/v1/views                 the views the caller sees (shared + own)      200
//   POST   /api/v1/views                 {"name","filter"|"q","sort","columns","visibility"} 201
//   GET    /api/v1/views/{id}            one view                                       200
//   PATCH  /api/v1/views/{id}            change (owner, or an admin for shared ones)    200
//   DELETE /api/v1/views/{id}            delete (owner, or an admin for shared ones)    204
//   GET    /api/v1/views/{id}/contacts   run it: ?sort=&limit=&cursor=, a contacts page  200
// Another user's private view is 404; a member changing someone else's shared view is 403; a
// view whose filter names a deleted custom field answers 409 when run, naming "filter".
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::segments { class SavedViewService; }

namespace rally::api {

void AddViewsRoutes(http::Router& router, const Authenticator& auth, segments::SavedViewService& views);

}  // namespace rally::api
