#include "http/metrics.h"

#include <charconv>

namespace rally::http::internal {
namespace {

// Prometheus label values escape backslash, double quote and newline.
std::string EscapeLabel(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

// Microseconds as seconds without floating-point noise: 1500 -> "0.0015".
void AppendSeconds(std::string& out, uint64_t us) {
  AppendUint(out, us / 1'000'000);
  uint64_t frac = us % 1'000'000;
  if (frac == 0) return;
  char digits[7] = "000000";
  for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int len = 6;
  while (len > 0 && digits[len - 1] == '0') --len;
  out += '.';
  out.append(digits, len);
}

}  // namespace

RequestMetrics::RequestMetrics(const std::vector<RouteInfo>& routes) {
  slots_.reserve(routes.size() + 1);
  for (const RouteInfo& r : routes) {
    slots_.push_back(std::make_unique<Slot>());
    slots_.back()->route_label = EscapeLabel(r.pattern);
  }
  slots_.push_back(std::make_unique<Slot>());  // no route
}

RequestMetrics::~RequestMetrics() {
  for (auto& slot : slots_) {
    for (auto& c : slot->counts) delete c.load();
  }
}

void RequestMetrics::Record(int route_index, Method method, int status,
                            std::chrono::microseconds duration) {
  Slot& slot = (route_index >= 0 && static_cast<size_t>(route_index) + 1 < slots_.size())
                   ? *slots_[route_index]
                   : *slots_.back();
  if (status < 100 || status > 599) status = 500;
  int m = static_cast<int>(method);
  if (m < 0 || m >= kMethodCount) m = static_cast<int>(Method::kOther);

  StatusCounts* counts = slot.counts[m].load(std::memory_order_acquire);
  if (counts == nullptr) {
    auto* fresh = new StatusCounts();
    if (slot.counts[m].compare_exchange_strong(counts, fresh, std::memory_order_acq_rel)) {
      counts = fresh;
    } else {
      delete fresh;  // another thread won; `counts` now holds its table
    }
  }
  counts->n[status - 100].fetch_add(1, std::memory_order_relaxed);

  int64_t us = duration.count() < 0 ? 0 : duration.count();
  size_t b = 0;
  while (b < kBucketBoundsUs.size() && us > kBucketBoundsUs[b]) ++b;
  slot.buckets[b].fetch_add(1, std::memory_order_relaxed);
  slot.sum_us.fetch_add(static_cast<uint64_t>(us), std::memory_order_relaxed);
  slot.count.fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::AppendText(std::string& out) const {
  out += "# HELP rally_http_requests_total HTTP requests answered, by method, route pattern and status.\n";
  out += "# TYPE rally_http_requests_total counter\n";
  for (const auto& slot : slots_) {
    for (int m = 0; m < kMethodCount; ++m) {
      const StatusCounts* counts = slot->counts[m].load(std::memory_order_acquire);
      if (counts == nullptr) continue;
      for (int s = 0; s < kStatusCount; ++s) {
        uint64_t n = counts->n[s].load(std::memory_order_relaxed);
        if (n == 0) continue;
        out += "rally_http_requests_total{method=\"";
        out += MethodName(static_cast<Method>(m));
        out += "\",route=\"";
        out += slot->route_label;
        out += "\",status=\"";
        AppendUint(out, static_cast<uint64_t>(s + 100));
        out += "\"} ";
        AppendUint(out, n);
        out += '\n';
      }
    }
  }

  out += "# HELP rally_http_request_duration_seconds Time from a request read to its response handed to the socket (streamed: last chunk written), by route pattern.\n";
  out += "# TYPE rally_http_request_duration_seconds histogram\n";
  for (const auto& slot : slots_) {
    // Read the buckets first and derive the count from them, so one scrape is self-consistent
    // even while requests are being recorded.
    uint64_t cumulative = 0;
    std::array<uint64_t, kBucketBoundsUs.size() + 1> cum{};
    for (size_t b = 0; b < cum.size(); ++b) {
      cumulative += slot->buckets[b].load(std::memory_order_relaxed);
      cum[b] = cumulative;
    }
    if (cumulative == 0) continue;
    std::string labels = "route=\"" + slot->route_label + "\"";
    for (size_t b = 0; b < cum.size(); ++b) {
      out += "rally_http_request_duration_seconds_bucket{";
      out += labels;
      out += ",le=\"";
      if (b < kBucketBoundsUs.size()) {
        AppendSeconds(out, static_cast<uint64_t>(kBucketBoundsUs[b]));
      } else {
        out += "+Inf";
      }
      out += "\"} ";
      AppendUint(out, cum[b]);
      out += '\n';
    }
    out += "rally_http_request_duration_seconds_sum{" + labels + "} ";
    AppendSeconds(out, slot->sum_us.load(std::memory_order_relaxed));
    out += "\nrally_http_request_duration_seconds_count{" + labels + "} ";
    AppendUint(out, cumulative);
    out += '\n';
  }
}

}  // namespace rally::http::internal
