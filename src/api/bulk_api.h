// REST route for bulk actions on contacts (issue 4 item 5; segments/bulk_action.h has the body):
//   POST /api/v1/contacts/bulk   {"q"|"filter"|"view"|"ids": ..., "action": {...}}
//     200 {"state":"succeeded","counts":{"total","changed","unchanged","skipped"},"ids":[...]}
//         when it ran at once (a small selection; ids are those it selected, for undo with
//         {"ids":[...],"action":{"type":"restore"}})
//     202 {"state":"queued","job_id","job":"/api/v1/jobs/<id>"} when it runs as a job; follow
//         GET /api/v1/jobs/{id} (progress {"total","done","changed",...}, result the counts).
// Bad selections and actions are 400/422 naming the member ("q", "filter.and[0].value",
// "action.set.lifecycle_stage", ...).
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::segments { class BulkActionService; }

namespace rally::api {

void AddBulkRoutes(http::Router& router, const Authenticator& auth, segments::BulkActionService& bulk);

}  // namespace rally::api
