// Test jobs: a job kind and a route that exist only when `rally serve --test-jobs` asks for them
// (a hidden flag), so that tests of several real `rally serve` processes on one database
// (tests/cli/multi_process_test.cc) can put slow, observable work on the durable queue before
// any feature has a job kind of its own, and kill a process in the middle of it. Never on in
// production: nothing registers them unless the flag is given.
//
//  - Kind "test.steps", payload {"steps":N (1..10000),"step_ms":M (0..60000)}: sleeps M ms N
//    times, reporting {"done":i,"total":N,"pid":P} after each step (which renews the lease and
//    tells the test which process runs it), then succeeds with {"pid":P,"attempt":A,"steps":N}.
//  - POST /api/v1/test/jobs {"payload":{...},"max_attempts":K} submits one to this process's
//    queue (waking this process's runners at once) and answers 201 {"id":"..."}.
#pragma once

namespace rally::api { class Authenticator; }
namespace rally::http { class Router; }
namespace rally::jobs { class JobQueue; }

namespace rally::app {

inline constexpr const char* kTestStepsKind = "test.steps";

void RegisterTestJobs(http::Router& router, const api::Authenticator& auth, jobs::JobQueue& queue);

}  // namespace rally::app
