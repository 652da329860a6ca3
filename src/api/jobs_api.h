// REST routes for background jobs (imports, exports, syncs, workflow runs, webhooks), to watch
// and cancel them. Jobs are submitted by the features that own them, never through this API.
//   GET  /api/v1/jobs?state=&kind=&limit=&cursor=   the workspace's jobs, newest first   200
//   GET  /api/v1/jobs/{id}                          one job with its progress and result  200
//   POST /api/v1/jobs/{id}/cancel                   cancel (admins, or the job's creator) 200
// Members read every job of their workspace; canceling a job someone else started is for
// admins.
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::jobs {
class JobQueue;
}

namespace rally::api {

void AddJobsRoutes(http::Router& router, const Authenticator& auth, jobs::JobQueue& jobs);

}  // namespace rally::api
