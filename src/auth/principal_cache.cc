#include "auth/principal_cache.h"

namespace rally::auth {

std::optional<PrincipalCache::Entry> PrincipalCache::Get(const std::string& key,
                                                         Micros now) const {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  // A clock that stepped back (tests move it) also makes the entry stale.
  if (it == map_.end() || now - it->second.cached_at >= ttl_ || now < it->second.cached_at) {
    return std::nullopt;
  }
  return it->second.entry;
}

uint64_t PrincipalCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void PrincipalCache::Put(const std::string& key, Entry entry, uint64_t generation, Micros now) {
  std::lock_guard lock(mu_);
  if (generation != generation_ || capacity_ == 0) return;
  if (map_.size() >= capacity_ && map_.find(key) == map_.end()) {
    std::erase_if(map_, [&](const auto& kv) { return now - kv.second.cached_at >= ttl_; });
    if (map_.size() >= capacity_) map_.clear();
  }
  map_.insert_or_assign(key, Slot{std::move(entry), now});
}

bool PrincipalCache::ClaimTouch(const std::string& key, Micros now, Micros interval) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || now - it->second.entry.last_used_at < interval) return false;
  it->second.entry.last_used_at = now;
  return true;
}

bool PrincipalCache::ClaimSessionExtension(const std::string& key, Micros new_expiry,
                                           Micros interval) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || new_expiry - it->second.entry.session_expires_at < interval) {
    return false;
  }
  it->second.entry.session_expires_at = new_expiry;
  return true;
}

template <typename Pred>
void PrincipalCache::EraseIf(Pred pred) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::erase_if(map_, [&](const auto& kv) { return pred(kv.second.entry.principal); });
}

void PrincipalCache::Erase(const std::string& key) {
  std::lock_guard lock(mu_);
  ++generation_;
  map_.erase(key);
}

void PrincipalCache::EraseToken(Id workspace_id, Id token_id) {
  EraseIf([&](const Principal& p) {
    return p.workspace_id == workspace_id && p.token_id == token_id;
  });
}

void PrincipalCache::EraseUser(Id workspace_id, Id user_id) {
  EraseIf([&](const Principal& p) {
    return p.workspace_id == workspace_id && p.user_id == user_id;
  });
}

void PrincipalCache::Clear() {
  EraseIf([](const Principal&) { return true; });
}

size_t PrincipalCache::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

}  // namespace rally::auth
