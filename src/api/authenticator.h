// Authenticator: the auth middleware of the REST API. Every route except /healthz, /metrics and
// login is registered through Require(), so no handler runs without a principal.
//
// Credentials, in order: "Authorization: Bearer <api token>", then the session cookie
// ("rally_session") set by login. A cookie-authenticated request with an unsafe method
// (POST/PUT/PATCH/DELETE) must also carry the session's CSRF token in X-CSRF-Token.
//
// Thread safety: safe from any thread.
#pragma once

#include <functional>

#include "auth/principal.h"
#include "http/router.h"
#include "timeline/actor.h"

namespace rally::auth {
class AuthService;
}

namespace rally::api {

using AuthedHandler = std::function<http::Response(http::Request&, const auth::Principal&)>;

class Authenticator {
 public:
  explicit Authenticator(auth::AuthService& auth) : auth_(auth) {}

  // Wraps `handler`: answers 401 (missing, bad, expired or revoked credentials), 403 (CSRF
  // token missing or wrong; role below `min_role`) itself, and calls handler otherwise.
  http::Handler Require(AuthedHandler handler, auth::Role min_role = auth::Role::kMember) const;

 private:
  auth::AuthService& auth_;
};

// The timeline actor for changes made by this principal: the API token when one was used,
// the user otherwise.
timeline::Actor ActorOf(const auth::Principal& p);

}  // namespace rally::api
