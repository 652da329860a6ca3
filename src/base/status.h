// Status and FieldError: the one error type of Rally.
//
// Every expected failure (bad input, a missing record, a conflict, a lost database) is a
// Status value, never an exception. Exceptions are reserved for bugs; the HTTP session
// catches them and answers 500. Exactly one function (api/errors.h) maps a Status to HTTP.
//
// Thread safety: Status is a value type; distinct objects may be used from distinct threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rally {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed or out of range (400/422)
  kUnauthenticated,     // no or bad credentials (401)
  kPermissionDenied,    // authenticated but not allowed (403)
  kNotFound,            // no such record in this workspace (404)
  kAlreadyExists,       // a unique value is taken (409)
  kFailedPrecondition,  // the record is not in a state that allows this (409)
  kTooLarge,            // a body or a batch over its limit (413)
  kResourceExhausted,   // rate or capacity limit (429)
  kUnavailable,         // the database or a service is down; retry later (503)
  kCanceled,            // the operation was canceled
  kUnimplemented,       // not supported by this build or backend (501)
  kInternal,            // a bug or an unexpected backend error (500)
};

// Returns the stable snake_case name used in JSON errors ("invalid_argument", ...).
std::string_view StatusCodeName(StatusCode code);

// One problem with one field of the input, as shown to API clients:
// {"field":"email","code":"duplicate","message":"...","existing_id":"123"}.
struct FieldError {
  std::string field;    // the input field, e.g. "email", "custom.industry", "items[3].email"
  std::string code;     // stable machine code: required, invalid, duplicate, out_of_range, ...
  std::string message;  // for people
  std::string existing_id;  // for code "duplicate": the record that already holds the value
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::vector<FieldError> details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }
  std::vector<FieldError>& mutable_details() { return details_; }

  // "invalid_argument: email is required (email: required)" for logs and the CLI.
  std::string ToString() const;

  // Consumes a status deliberately, for callers that have nothing to do with a failure.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> details_;
};

// Shorthands for the common codes.
Status InvalidArgument(std::string message, std::vector<FieldError> details = {});
Status FieldInvalid(std::string field, std::string code, std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message, std::vector<FieldError> details = {});
Status FailedPrecondition(std::string message);
Status Unauthenticated(std::string message);
Status PermissionDenied(std::string message);
Status Unavailable(std::string message);
Status Internal(std::string message);
Status Unimplemented(std::string message);
Status TooLarge(std::string message);

}  // namespace rally

// Returns from the current function when `expr` (a Status) is not OK.
#define RALLY_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::rally::Status rally_status_ = (expr);    \
    if (!rally_status_.ok()) return rally_status_; \
  } while (0)
