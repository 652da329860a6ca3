#include "auth/login_limiter.h"

namespace rally::auth {

bool LoginLimiter::Allowed(const std::string& key, Micros now) const {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end() || now - it->second.start >= window_ || now < it->second.start) {
    return true;
  }
  return it->second.failures < max_failures_;
}

void LoginLimiter::RecordFailure(const std::string& key, Micros now) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= capacity_) {
      std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= window_; });
      if (windows_.size() >= capacity_) windows_.clear();
    }
    windows_.emplace(key, Window{now, 1});
    return;
  }
  Window& w = it->second;
  if (now - w.start >= window_ || now < w.start) {
    w = Window{now, 1};
  } else {
    ++w.failures;
  }
}

void LoginLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  windows_.erase(key);
}

}  // namespace rally::auth
