// Helpers shared by the reader tests: read a whole file into rows, write zips with minizip.
#pragma once

#include <minizip/zip.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "importexport/row_reader.h"

namespace rally::importexport::testing {

struct ReadResult {
  Status open;  // the status of Open
  Detected detected;
  std::vector<Row> rows;
  Status end;  // the status Next() ended with (OK at a clean end)
};

inline ReadResult Drain(Result<std::unique_ptr<RowReader>> opened) {
  ReadResult out;
  if (!opened.ok()) {
    out.open = opened.status();
    return out;
  }
  RowReader& reader = **opened;
  out.detected = reader.Detected();
  Row row;
  while (true) {
    Result<bool> more = reader.Next(row);
    if (!more.ok()) {
      out.end = more.status();
      break;
    }
    if (!*more) break;
    out.rows.push_back(row);
  }
  out.detected.windows1252_fallback_bytes = reader.Detected().windows1252_fallback_bytes;
  return out;
}

inline ReadResult ReadCsv(const std::string& bytes, const ReaderOptions& options = {}) {
  return Drain(OpenCsvReader(std::make_unique<std::istringstream>(bytes), options));
}

// A fresh folder under the test temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("rally-readers-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes a zip of (name, content) entries, deflated unless `level` is 0 (stored).
inline bool WriteZip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& entries,
                     int level = 6) {
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zip == nullptr) return false;
  bool ok = true;
  for (const auto& [name, content] : entries) {
    zip_fileinfo info{};
    ok = ok && zipOpenNewFileInZip64(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                     level == 0 ? 0 : Z_DEFLATED, level,
                                     content.size() > 0xFFFFFFFFu) == ZIP_OK;
    ok = ok && zipWriteInFileInZip(zip, content.data(), static_cast<unsigned>(content.size())) ==
                   ZIP_OK;
    ok = ok && zipCloseFileInZip(zip) == ZIP_OK;
  }
  return zipClose(zip, nullptr) == ZIP_OK && ok;
}

}  // namespace rally::importexport::testing
