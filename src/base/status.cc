#include "base/status.h"

namespace rally {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kCanceled: return "canceled";
    case StatusCode::kUnimplemented: return "unimplemented";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  for (const FieldError& d : details_) {
    out += " (" + d.field + ": " + d.code;
    if (!d.message.empty() && d.message != message_) out += ", " + d.message;
    out += ")";
  }
  return out;
}

Status InvalidArgument(std::string message, std::vector<FieldError> details) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(details));
}
Status FieldInvalid(std::string field, std::string code, std::string message) {
  FieldError e{field, std::move(code), message, {}};
  return Status(StatusCode::kInvalidArgument, std::move(message), {std::move(e)});
}
Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status AlreadyExists(std::string message, std::vector<FieldError> details) {
  return Status(StatusCode::kAlreadyExists, std::move(message), std::move(details));
}
Status FailedPrecondition(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
Status Unauthenticated(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message));
}
Status PermissionDenied(std::string message) {
  return Status(StatusCode::kPermissionDenied, std::move(message));
}
Status Unavailable(std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message));
}
Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }
Status Unimplemented(std::string message) {
  return Status(StatusCode::kUnimplemented, std::move(message));
}
Status TooLarge(std::string message) { return Status(StatusCode::kTooLarge, std::move(message)); }

}  // namespace rally
