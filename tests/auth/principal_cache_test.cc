#include "auth/principal_cache.h"

#include <gtest/gtest.h>

#include "auth/login_limiter.h"

namespace rally::auth {
namespace {

constexpr Micros kTtl = 10 * kMicrosPerSecond;

PrincipalCache::Entry TokenEntry(Id ws, Id user, Id token) {
  PrincipalCache::Entry e;
  e.principal.workspace_id = ws;
  e.principal.user_id = user;
  e.principal.token_id = token;
  return e;
}

TEST(PrincipalCacheTest, EntriesExpireAfterTheTtl) {
  PrincipalCache cache(kTtl, 100);
  cache.Put("k", TokenEntry(1, 2, 3), cache.generation(), 1000);
  struct Case {
    Micros at;
    bool want_hit;
  };
  const Case cases[] = {{1000, true}, {1000 + kTtl - 1, true}, {1000 + kTtl, false}, {999, false}};
  for (const auto& c : cases) {
    EXPECT_EQ(cache.Get("k", c.at).has_value(), c.want_hit) << c.at;
  }
  EXPECT_FALSE(cache.Get("other", 1000).has_value());
}

TEST(PrincipalCacheTest, InvalidationErasesOnlyWhatItNames) {
  struct Case {
    std::string name;
    std::function<void(PrincipalCache&)> erase;
    std::vector<std::string> want_left;
  };
  const std::vector<Case> cases = {
      {"token", [](PrincipalCache& c) { c.EraseToken(1, 10); }, {"b", "c", "d"}},
      {"token in another workspace", [](PrincipalCache& c) { c.EraseToken(2, 10); }, {"a", "b", "c", "d"}},
      {"user", [](PrincipalCache& c) { c.EraseUser(1, 5); }, {"c", "d"}},
      {"key", [](PrincipalCache& c) { c.Erase("d"); }, {"a", "b", "c"}},
      {"all", [](PrincipalCache& c) { c.Clear(); }, {}},
  };
  for (const auto& c : cases) {
    PrincipalCache cache(kTtl, 100);
    cache.Put("a", TokenEntry(1, 5, 10), cache.generation(), 0);
    cache.Put("b", TokenEntry(1, 5, 11), cache.generation(), 0);
    cache.Put("c", TokenEntry(1, 6, 12), cache.generation(), 0);
    cache.Put("d", TokenEntry(2, 5, 13), cache.generation(), 0);
    c.erase(cache);
    std::vector<std::string> left;
    for (std::string k : {"a", "b", "c", "d"}) {
      if (cache.Get(k, 1)) left.push_back(k);
    }
    EXPECT_EQ(left, c.want_left) << c.name;
  }
}

TEST(PrincipalCacheTest, LoadsOlderThanAnInvalidationAreNotStored) {
  PrincipalCache cache(kTtl, 100);
  uint64_t before_load = cache.generation();
  cache.EraseToken(1, 10);  // a revoke commits while the load is in flight
  cache.Put("a", TokenEntry(1, 5, 10), before_load, 0);
  EXPECT_FALSE(cache.Get("a", 1).has_value());
}

TEST(PrincipalCacheTest, CapacityIsRespected) {
  PrincipalCache cache(kTtl, 3);
  for (int i = 0; i < 10; ++i) {
    cache.Put("k" + std::to_string(i), TokenEntry(1, 1, i), cache.generation(), 0);
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_TRUE(cache.Get("k9", 0).has_value());
}

TEST(PrincipalCacheTest, TouchAndExtensionAreClaimedOncePerInterval) {
  constexpr Micros kMinute = 60 * kMicrosPerSecond;
  PrincipalCache cache(kTtl, 10);
  auto e = TokenEntry(1, 1, 1);
  e.last_used_at = 0;
  e.session_expires_at = 1000 * kMinute;
  cache.Put("k", e, cache.generation(), 0);
  EXPECT_TRUE(cache.ClaimTouch("k", kMinute, kMinute));
  EXPECT_FALSE(cache.ClaimTouch("k", kMinute + 1, kMinute));
  EXPECT_FALSE(cache.ClaimTouch("k", 2 * kMinute - 1, kMinute));
  EXPECT_TRUE(cache.ClaimTouch("k", 2 * kMinute, kMinute));
  EXPECT_FALSE(cache.ClaimTouch("absent", 10 * kMinute, kMinute));

  EXPECT_FALSE(cache.ClaimSessionExtension("k", 1000 * kMinute + 1, kMinute));
  EXPECT_TRUE(cache.ClaimSessionExtension("k", 1001 * kMinute, kMinute));
  EXPECT_FALSE(cache.ClaimSessionExtension("k", 1001 * kMinute + 5, kMinute));
}

TEST(LoginLimiterTest, RefusesAfterMaxFailuresUntilTheWindowEnds) {
  constexpr Micros kWindow = 60 * kMicrosPerSecond;
  LoginLimiter limiter(3, kWindow);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Allowed("a|ip", 10 + i)) << i;
    limiter.RecordFailure("a|ip", 10 + i);
  }
  EXPECT_FALSE(limiter.Allowed("a|ip", 20));
  EXPECT_TRUE(limiter.Allowed("b|ip", 20)) << "keys are independent";
  EXPECT_TRUE(limiter.Allowed("a|ip", 10 + kWindow)) << "a new window";
  limiter.Reset("a|ip");
  EXPECT_TRUE(limiter.Allowed("a|ip", 20));
}

TEST(LoginLimiterTest, CapacityNeverLocksOutAStranger) {
  LoginLimiter limiter(1, 60 * kMicrosPerSecond, /*capacity=*/4);
  for (int i = 0; i < 100; ++i) limiter.RecordFailure("attacker" + std::to_string(i), 1);
  EXPECT_TRUE(limiter.Allowed("stranger", 2));
}

}  // namespace
}  // namespace rally::auth
