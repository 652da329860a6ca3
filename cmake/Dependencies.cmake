# Every outside library Rally builds on, found once here and exposed as an imported target.
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json url system)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(PROTOBUF REQUIRED IMPORTED_TARGET protobuf)
# .xlsx: minizip (zip reading; writing for the export's own .xlsx writer) and expat (streamed XML).
pkg_check_modules(MINIZIP REQUIRED IMPORTED_TARGET minizip)
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
# libxlsxwriter: the import template, test fixtures and benchmarks (exports: decision 0018).
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)

# libphonenumber: headers unpacked by scripts/install-deps (see docs/decisions), library from
# the runtime package.
set(RALLY_PHONENUMBER_ROOT ${CMAKE_SOURCE_DIR}/.deps/phonenumber/usr/include)
find_library(PHONENUMBER_LIB NAMES phonenumber libphonenumber.so.8 REQUIRED)
if(NOT EXISTS ${RALLY_PHONENUMBER_ROOT}/phonenumbers/phonenumberutil.h)
  message(FATAL_ERROR "libphonenumber headers missing: run scripts/install-deps")
endif()
add_library(rally_phonenumber INTERFACE)
target_include_directories(rally_phonenumber SYSTEM INTERFACE ${RALLY_PHONENUMBER_ROOT})
target_link_libraries(rally_phonenumber INTERFACE ${PHONENUMBER_LIB} PkgConfig::PROTOBUF)

# tcmalloc (gperftools' thread-caching malloc, the minimal build) under the rally binary and the
# benchmark programs: decision 0019. Linked from the runtime package (libtcmalloc-minimal4; the
# -dev package would pull in libunwind-dev for the profiler we do not use). Not under the
# sanitizers, which bring their own allocator.
add_library(rally_malloc INTERFACE)
if(NOT RALLY_SANITIZE AND NOT RALLY_TSAN)
  find_library(RALLY_TCMALLOC NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(RALLY_TCMALLOC)
    target_link_libraries(rally_malloc INTERFACE ${RALLY_TCMALLOC})
  else()
    message(WARNING "libtcmalloc-minimal4 not found (scripts/install-deps installs it): rally "
                    "uses the C library's malloc, about 15% slower under load (decision 0019)")
  endif()
endif()

if(RALLY_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
