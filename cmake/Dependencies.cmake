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

if(RALLY_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
