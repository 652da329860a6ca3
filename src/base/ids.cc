#include "base/ids.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

namespace rally {
namespace {

constexpr int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
constexpr int kNodeBits = 10;
constexpr int kSeqBits = 12;

int64_t NodeId() {
  static const int64_t node = [] {
    std::random_device rd;
    return static_cast<int64_t>(rd() & ((1u << kNodeBits) - 1));
  }();
  return node;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() - kEpochMs;
}

// Packs (ms, seq) in one atomic word so generation is lock-free.
std::atomic<int64_t> g_last{0};

}  // namespace

Id NewId() {
  int64_t prev = g_last.load(std::memory_order_relaxed);
  for (;;) {
    int64_t now = NowMs();
    int64_t prev_ms = prev >> kSeqBits;
    int64_t next;
    if (now > prev_ms) {
      next = now << kSeqBits;
    } else {
      // Same millisecond (or the clock stepped back): take the next sequence number, moving
      // into the next millisecond when it overflows so ids stay increasing.
      next = prev + 1;
    }
    if (g_last.compare_exchange_weak(prev, next, std::memory_order_relaxed)) {
      int64_t ms = next >> kSeqBits;
      int64_t seq = next & ((1 << kSeqBits) - 1);
      return (ms << (kNodeBits + kSeqBits)) | (NodeId() << kSeqBits) | seq;
    }
  }
}

std::string IdToString(Id id) { return std::to_string(id); }

std::optional<Id> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  Id value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace rally
