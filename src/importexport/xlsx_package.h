// The parts of an .xlsx file (an OPC package: a zip of XML parts), read one at a time as
// streams, with the limits that keep a hostile file from exhausting memory or time:
//   - a total of inflated bytes over all parts read (PackageLimits::max_inflated_bytes);
//   - a compression ratio per part, checked once the part is past 16 MiB inflated, both on the
//     sizes the zip declares (refused before inflating) and on the bytes actually produced;
//   - at most 65,536 entries; encrypted entries and unknown compression methods are refused.
// Sheet parts of ordinary workbooks compress by tens, so a ratio of 200 only stops bombs
// (docs/decisions/0007-import-readers.md).
//
// The zip package is minizip over a file or over bytes in memory; MemoryPackage holds the
// parts as strings (tests and the fuzzer reach the XML layer without zipping).
//
// Thread safety: a Package and its streams are used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rally::importexport {

struct PackageLimits {
  uint64_t max_inflated_bytes = uint64_t{4} << 30;
  uint32_t max_compression_ratio = 200;
};

class PartStream {
 public:
  virtual ~PartStream() = default;
  // Reads up to `n` bytes of the part into `buf`; 0 at its end. Errors: invalid_argument for
  // a corrupt entry (bad deflate data, CRC mismatch), too_large past a limit.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

class Package {
 public:
  virtual ~Package() = default;
  // Whether the part exists. Names are matched without regard to case (as OPC requires) and
  // without a leading '/'.
  virtual bool Has(std::string_view name) const = 0;
  // Opens a part for reading. REQUIRES: the stream of the previous Open is destroyed (a zip
  // reads one entry at a time). Errors: not_found, invalid_argument (encrypted or unsupported
  // entry), too_large (the declared sizes break a limit).
  virtual Result<std::unique_ptr<PartStream>> Open(std::string_view name) = 0;
};

// Errors: not_found (no such file), invalid_argument when it is not a readable zip (truncated,
// corrupt central directory, too many entries).
Result<std::unique_ptr<Package>> OpenZipPackage(const std::string& path, PackageLimits limits);
// The same over bytes the caller keeps alive while the package is open.
Result<std::unique_ptr<Package>> OpenZipPackageFromMemory(std::string_view bytes,
                                                          PackageLimits limits);
// Parts by name -> content.
std::unique_ptr<Package> MemoryPackage(std::map<std::string, std::string> parts);

}  // namespace rally::importexport
