#include "base/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <mutex>
#include <string>

namespace rally::log {
namespace {

// Writes to stderr through a 64 KiB buffer: a busy server logs one access line per request, and
// a write(2) per line (what spdlog's console sinks do) costs more than the request itself.
// Warnings and errors flush at once; everything else at least once a second.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) flush_();
  }
  void flush_() override {
    size_t off = 0;
    while (off < buffer_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buffer_.data() + off, buffer_.size() - off);
      if (n <= 0) break;  // nowhere to report a failing stderr; drop the rest
      off += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 64 << 10;
  std::string buffer_;
};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("rally", std::make_shared<BufferedStderrSink>());
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::warn);
    spdlog::register_logger(l);
    spdlog::flush_every(std::chrono::seconds(1));
    // Whatever is buffered when the process exits normally still reaches stderr.
    std::atexit([] {
      if (auto registered = spdlog::get("rally")) registered->flush();
    });
    return l;
  }();
  return *logger;
}

}  // namespace

void SetLevel(Level level) {
  static const spdlog::level::level_enum kMap[] = {spdlog::level::debug, spdlog::level::info,
                                                   spdlog::level::warn, spdlog::level::err};
  Logger().set_level(kMap[static_cast<int>(level)]);
}

void Flush() { Logger().flush(); }

void Debug(std::string_view m) { Logger().debug("{}", m); }
void Info(std::string_view m) { Logger().info("{}", m); }
void Warn(std::string_view m) { Logger().warn("{}", m); }
void Error(std::string_view m) { Logger().error("{}", m); }

}  // namespace rally::log
