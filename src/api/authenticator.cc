#include "api/authenticator.h"

#include <utility>

#include "api/api.h"
#include "auth/auth_service.h"
#include "auth/credentials.h"
#include "base/strings.h"

namespace rally::api {
namespace {

constexpr std::string_view kSessionCookie = "rally_session";

bool IsUnsafe(http::Method m) {
  return m != http::Method::kGet && m != http::Method::kHead && m != http::Method::kOptions;
}

http::Response Unauthorized(const Status& status) {
  http::Response r = ErrorResponse(status);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// The token of "Authorization: Bearer <token>" (scheme case-insensitive, RFC 9110), or
// nullopt for another scheme.
std::optional<std::string_view> BearerToken(std::string_view header) {
  header = Trim(header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || AsciiLower(header.substr(0, kScheme.size())) != kScheme ||
      header[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  return Trim(header.substr(kScheme.size() + 1));
}

}  // namespace

http::Handler Authenticator::Require(AuthedHandler handler, auth::Role min_role) const {
  return [this, handler = std::move(handler), min_role](http::Request& req) -> http::Response {
    Result<auth::Principal> principal = Unauthenticated("authentication required");
    if (auto header = req.Header("authorization")) {
      // An Authorization header decides alone, even when a cookie is also present.
      auto token = BearerToken(*header);
      if (!token) return Unauthorized(Unauthenticated("use \"Authorization: Bearer <token>\""));
      principal = auth_.Authenticate(*token);
    } else if (auto cookie = req.Cookie(kSessionCookie)) {
      principal = auth_.AuthenticateSession(*cookie);
      if (principal.ok() && IsUnsafe(req.method)) {
        // The cookie rides along on cross-site requests; the CSRF token, which only our own
        // pages can read (from login or /auth/me), proves the request came from them.
        auto sent = req.Header("x-csrf-token");
        if (!sent || !auth::ConstantTimeEquals(*sent, principal->csrf_token)) {
          return ErrorResponse(Status(
              StatusCode::kPermissionDenied, "missing or wrong X-CSRF-Token header",
              {FieldError{"X-CSRF-Token", "csrf",
                          "send the csrf_token from login or GET /api/v1/auth/me", {}}}));
        }
      }
    }
    if (!principal.ok()) {
      // Unavailable (database down) stays 503; everything else is a plain 401.
      if (principal.status().code() != StatusCode::kUnauthenticated) {
        return ErrorResponse(principal.status());
      }
      return Unauthorized(principal.status());
    }
    if (min_role == auth::Role::kAdmin && principal->role != auth::Role::kAdmin) {
      return ErrorResponse(PermissionDenied("this needs the admin role"));
    }
    return handler(req, *principal);
  };
}

timeline::Actor ActorOf(const auth::Principal& p) {
  if (p.token_id != 0) return timeline::Actor{timeline::ActorType::kApiToken, p.token_id};
  return timeline::Actor{timeline::ActorType::kUser, p.user_id};
}

}  // namespace rally::api
