// Logging facade: modules log through these functions and never include spdlog directly, so
// the sink (text on a terminal, JSON lines in production) is chosen once in app/.
//
// Thread safety: safe from any thread.
#pragma once

#include <string_view>

namespace rally::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetLevel(Level level);

void Debug(std::string_view message);
void Info(std::string_view message);
void Warn(std::string_view message);
void Error(std::string_view message);

}  // namespace rally::log
