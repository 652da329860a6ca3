// Result<T>: a T or the Status that explains why there is none.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "base/status.h"

namespace rally {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status holds no value");
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }  // OK when a value is held

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  T value_or(T fallback) const { return ok() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rally

#define RALLY_CONCAT_INNER_(a, b) a##b
#define RALLY_CONCAT_(a, b) RALLY_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result, or returns its Status from the current function.
#define RALLY_ASSIGN_OR_RETURN(lhs, expr)                         \
  auto RALLY_CONCAT_(rally_result_, __LINE__) = (expr);           \
  if (!RALLY_CONCAT_(rally_result_, __LINE__).ok())               \
    return RALLY_CONCAT_(rally_result_, __LINE__).status();       \
  lhs = std::move(RALLY_CONCAT_(rally_result_, __LINE__)).value()
