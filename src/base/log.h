// Logging facade: modules log through these functions and never include spdlog directly, so
// the sink (text on a terminal, JSON lines in production) is chosen once in app/.
//
// Thread safety: safe from any thread.
#pragma once

#include <string_view>

namespace rally::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetLevel(Level level);

// Lines are buffered (warnings and errors excepted) and written at least once a second; Flush()
// writes what is pending now (before a clean exit, say).
void Flush();

void Debug(std::string_view message);
void Info(std::string_view message);
void Warn(std::string_view message);
void Error(std::string_view message);

}  // namespace rally::log
