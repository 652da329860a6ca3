// RequestMetrics: request counts and latency histograms by route pattern, for the Prometheus
// text exposition of Server::MetricsText(). Private to http/.
//
// Record() is the hot path: a few relaxed atomic increments and no lock. Label sets are bounded
// by the route table (one slot per route plus one for requests no route answered), so raw paths
// never become labels.
//
// Thread safety: Record() and AppendText() from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"

namespace rally::http::internal {

class RequestMetrics {
 public:
  explicit RequestMetrics(const std::vector<RouteInfo>& routes);
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // Counts one answered request. route_index: as Router::Dispatch reports it (-1 for none);
  // status outside 100-599 counts as 500.
  void Record(int route_index, Method method, int status, std::chrono::microseconds duration);

  // Appends rally_http_requests_total and rally_http_request_duration_seconds, with HELP and
  // TYPE lines; only label sets that have been seen.
  void AppendText(std::string& out) const;

  // Upper bounds of the histogram buckets in microseconds (+Inf is implied).
  static constexpr std::array<int64_t, 14> kBucketBoundsUs = {
      500,    1'000,   2'500,   5'000,     10'000,    25'000,    50'000,
      100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};

 private:
  static constexpr int kStatusCount = 500;  // 100..599
  struct StatusCounts {
    std::array<std::atomic<uint64_t>, kStatusCount> n{};
  };
  struct Slot {
    std::string route_label;  // escaped for a label value
    // Allocated on first use of each method, so the table costs memory only for used pairs.
    std::array<std::atomic<StatusCounts*>, kMethodCount> counts{};
    std::array<std::atomic<uint64_t>, kBucketBoundsUs.size() + 1> buckets{};  // not cumulative
    std::atomic<uint64_t> sum_us{0};
    std::atomic<uint64_t> count{0};
  };
  std::vector<std::unique_ptr<Slot>> slots_;  // one per route, then the "no route" slot
};

}  // namespace rally::http::internal
