// PrincipalCache: a small in-process map from a credential's digest to the Principal it
// authenticates, so the hot path of every API request (a GET by id) needs no database read.
//
// Entries live `ttl` (AuthOptions::cache_ttl, 10 s by default). Changes made through this
// process's AuthService (revoke, logout, disable, role change) erase the affected entries at
// once. Changes made by ANOTHER process sharing the database (several `rally serve` on one
// PostgreSQL) reach this process only when the entry expires: a revoked token or disabled user
// may keep working here for up to `ttl`.
//
// The cache holds at most `capacity` entries; inserting into a full cache drops expired entries,
// then, if still full, everything (a cheap reset; the next requests reload from the database).
//
// Thread safety: safe from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/principal.h"
#include "base/clock.h"

namespace rally::auth {

class PrincipalCache {
 public:
  struct Entry {
    Principal principal;
    Micros last_used_at = 0;       // API tokens: as stored; sessions: unused
    Micros session_expires_at = 0;  // sessions: the sliding expiry as stored; tokens: unused
  };

  PrincipalCache(Micros ttl, size_t capacity) : ttl_(ttl), capacity_(capacity) {}

  // The entry for `key` when present and younger than the TTL at `now`.
  std::optional<Entry> Get(const std::string& key, Micros now) const;

  // The generation to pass to Put: read it BEFORE loading from the database, so an entry
  // loaded before an invalidation is never stored after it.
  uint64_t generation() const;

  // Stores `entry` unless an Erase*/Clear happened since `generation` was read.
  void Put(const std::string& key, Entry entry, uint64_t generation, Micros now);

  // Write throttling, so one request per interval (not every concurrent one) writes:
  // ClaimTouch returns true, and records `now` as the entry's last_used_at, when the cached
  // token was last used `interval` or more before `now`. ClaimSessionExtension returns true,
  // and records `new_expiry`, when that moves the cached session expiry by `interval` or more.
  // Both return false when `key` is not cached.
  bool ClaimTouch(const std::string& key, Micros now, Micros interval);
  bool ClaimSessionExtension(const std::string& key, Micros new_expiry, Micros interval);

  // Invalidation. Each bumps the generation.
  void Erase(const std::string& key);
  void EraseToken(Id workspace_id, Id token_id);
  void EraseUser(Id workspace_id, Id user_id);  // every token and session of the user
  void Clear();

  size_t size() const;

 private:
  struct Slot {
    Entry entry;
    Micros cached_at = 0;
  };
  template <typename Pred>
  void EraseIf(Pred pred);

  const Micros ttl_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot> map_;
  uint64_t generation_ = 0;
};

}  // namespace rally::auth
