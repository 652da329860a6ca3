// Names the calling thread ("rally-writer", "rally-io", ...) so `top -H`, `perf` and gdb show
// which of Rally's threads is busy. Linux keeps at most 15 characters; longer names are cut.
#pragma once

#include <string_view>

namespace rally {

void SetThreadName(std::string_view name);

}  // namespace rally
