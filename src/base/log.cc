#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace rally::log {
namespace {

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("rally");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::info);
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

void Debug(std::string_view m) { Logger().debug("{}", m); }
void Info(std::string_view m) { Logger().info("{}", m); }
void Warn(std::string_view m) { Logger().warn("{}", m); }
void Error(std::string_view m) { Logger().error("{}", m); }

}  // namespace rally::log
