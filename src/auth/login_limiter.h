// LoginLimiter: counts failed logins per key (email + client address) in fixed windows and
// refuses further attempts once a key reaches the limit, to slow down password guessing.
//
// In-process only: several server processes each allow `max_failures` per window. Memory is
// capped at `capacity` keys; when full, expired windows are dropped first, then everything
// (which forgives some attackers early, but never locks out a stranger).
//
// Thread safety: safe from any thread.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace rally::auth {

class LoginLimiter {
 public:
  LoginLimiter(int max_failures, Micros window, size_t capacity = 100'000)
      : max_failures_(max_failures), window_(window), capacity_(capacity) {}

  // False when `key` has had max_failures failures in the current window.
  bool Allowed(const std::string& key, Micros now) const;
  void RecordFailure(const std::string& key, Micros now);
  void Reset(const std::string& key);  // after a successful login

 private:
  struct Window {
    Micros start = 0;
    int failures = 0;
  };
  const int max_failures_;
  const Micros window_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace rally::auth
