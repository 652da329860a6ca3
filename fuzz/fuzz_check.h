// Shared by the fuzz targets: invariant checks that abort with a message, so a broken
// invariant is a crash libFuzzer saves as an artifact (and a failed replay under ctest).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/status.h"

namespace rally::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* what,
                              std::string_view input) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  input (%zu bytes): ", file, line, what,
               input.size());
  for (unsigned char c : input) {
    if (c >= 0x20 && c < 0x7f && c != '\\')
      std::fputc(c, stderr);
    else
      std::fprintf(stderr, "\\x%02x", c);
  }
  std::fputc('\n', stderr);
  std::abort();
}

inline const Status& StatusOf(const Status& s) { return s; }
template <typename R>
const Status& StatusOf(const R& r) {
  return r.status();
}

// The same for a Status that should be OK, showing it when it is not.
[[noreturn]] inline void FailStatus(const char* file, int line, const Status& s,
                                    std::string_view input) {
  std::fprintf(stderr, "%s:%d: unexpected error: %s\n", file, line, s.ToString().c_str());
  Fail(file, line, "status is OK", input);
}

}  // namespace rally::fuzz

// FUZZ_CHECK(cond, input): `input` is the string shown when cond is false (the fuzz input or
// the part of it under test).
#define FUZZ_CHECK(cond, input)                                           \
  do {                                                                    \
    if (!(cond)) ::rally::fuzz::Fail(__FILE__, __LINE__, #cond, (input)); \
  } while (0)

// FUZZ_CHECK_OK(status_or_result, input): the call must have succeeded.
#define FUZZ_CHECK_OK(expr, input)                                                              \
  do {                                                                                          \
    const auto& fuzz_check_value_ = (expr);                                                     \
    if (!fuzz_check_value_.ok())                                                                \
      ::rally::fuzz::FailStatus(__FILE__, __LINE__, ::rally::fuzz::StatusOf(fuzz_check_value_), \
                                (input));                                                       \
  } while (0)
