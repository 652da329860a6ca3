#include "importexport/xlsx_package.h"

#include <minizip/unzip.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "base/strings.h"

namespace rally::importexport {
namespace {

constexpr uint64_t kRatioFloor = 16 << 20;  // parts smaller than this may compress any amount
constexpr size_t kMaxEntries = 65536;

std::string PartKey(std::string_view name) {
  if (name.starts_with('/')) name.remove_prefix(1);
  return AsciiLower(name);
}

// --- minizip over bytes in memory ---

struct MemoryFile {
  const char* data;
  uint64_t size;
  uint64_t pos = 0;
};

voidpf ZCALLBACK MemOpen(voidpf opaque, const void* /*filename*/, int mode) {
  if (mode & ZLIB_FILEFUNC_MODE_WRITE) return nullptr;
  static_cast<MemoryFile*>(opaque)->pos = 0;
  return opaque;
}
uLong ZCALLBACK MemRead(voidpf /*opaque*/, voidpf stream, void* buf, uLong size) {
  auto* f = static_cast<MemoryFile*>(stream);
  uint64_t n = std::min<uint64_t>(size, f->size - std::min(f->pos, f->size));
  if (n > 0) std::memcpy(buf, f->data + f->pos, n);
  f->pos += n;
  return static_cast<uLong>(n);
}
uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK MemTell(voidpf /*opaque*/, voidpf stream) {
  return static_cast<MemoryFile*>(stream)->pos;
}
long ZCALLBACK MemSeek(voidpf /*opaque*/, voidpf stream, ZPOS64_T offset, int origin) {
  auto* f = static_cast<MemoryFile*>(stream);
  uint64_t from = 0;
  if (origin == ZLIB_FILEFUNC_SEEK_CUR) from = f->pos;
  if (origin == ZLIB_FILEFUNC_SEEK_END) from = f->size;
  if (offset > f->size || from > f->size - offset) return -1;
  f->pos = from + offset;
  return 0;
}
int ZCALLBACK MemClose(voidpf, voidpf) { return 0; }
int ZCALLBACK MemError(voidpf, voidpf) { return 0; }

Status Corrupt(std::string_view what) {
  return InvalidArgument("the .xlsx file is corrupt or truncated (" + std::string(what) + ")");
}

struct Entry {
  unz64_file_pos pos;
  std::string name;
  uint64_t compressed = 0;
  uint64_t inflated = 0;
  uint64_t flag = 0;
  uint64_t method = 0;
};

class ZipPackage;

class ZipPartStream final : public PartStream {
 public:
  ZipPartStream(ZipPackage* package, const Entry* entry) : package_(package), entry_(entry) {}
  ~ZipPartStream() override;
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  ZipPackage* package_;
  const Entry* entry_;
  uint64_t inflated_ = 0;
  bool open_ = true;
};

class ZipPackage final : public Package {
 public:
  ZipPackage(PackageLimits limits, std::unique_ptr<MemoryFile> memory)
      : limits_(limits), memory_(std::move(memory)) {}
  ~ZipPackage() override {
    if (zip_ != nullptr) unzClose(zip_);
  }

  Status Load(const std::string& path) {
    if (memory_) {
      zlib_filefunc64_def io{};
      io.zopen64_file = MemOpen;
      io.zread_file = MemRead;
      io.zwrite_file = MemWrite;
      io.ztell64_file = MemTell;
      io.zseek64_file = MemSeek;
      io.zclose_file = MemClose;
      io.zerror_file = MemError;
      io.opaque = memory_.get();
      zip_ = unzOpen2_64("memory", &io);
    } else {
      zip_ = unzOpen64(path.c_str());
    }
    if (zip_ == nullptr) return Corrupt("no readable zip directory");
    int rc = unzGoToFirstFile(zip_);
    while (rc == UNZ_OK) {
      if (entries_.size() >= kMaxEntries)
        return InvalidArgument("the .xlsx file holds more than 65536 parts");
      unz_file_info64 info;
      char name[1024];
      if (unzGetCurrentFileInfo64(zip_, &info, name, sizeof name, nullptr, 0, nullptr, 0) !=
          UNZ_OK)
        return Corrupt("bad zip directory entry");
      Entry e;
      if (unzGetFilePos64(zip_, &e.pos) != UNZ_OK) return Corrupt("bad zip directory entry");
      e.name.assign(name, strnlen(name, sizeof name));
      e.compressed = info.compressed_size;
      e.inflated = info.uncompressed_size;
      e.flag = info.flag;
      e.method = info.compression_method;
      std::string key = PartKey(e.name);
      entries_.push_back(std::move(e));
      index_.emplace(std::move(key), entries_.size() - 1);  // the first of duplicates wins
      rc = unzGoToNextFile(zip_);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE) return Corrupt("bad zip directory");
    return Status::Ok();
  }

  bool Has(std::string_view name) const override { return index_.contains(PartKey(name)); }

  Result<std::unique_ptr<PartStream>> Open(std::string_view name) override {
    auto it = index_.find(PartKey(name));
    if (it == index_.end()) return NotFound("the workbook has no part " + std::string(name));
    const Entry& e = entries_[it->second];
    if (e.flag & 1)
      return InvalidArgument("the workbook is encrypted/password-protected; remove the password "
                             "in Excel and save again, or save as CSV");
    if (e.method != 0 && e.method != Z_DEFLATED)
      return InvalidArgument("part " + e.name + " uses an unsupported zip compression method");
    RALLY_RETURN_IF_ERROR(CheckSizes(e.name, e.inflated, e.compressed, 0));
    if (unzGoToFilePos64(zip_, &e.pos) != UNZ_OK || unzOpenCurrentFile(zip_) != UNZ_OK)
      return Corrupt("cannot open part " + e.name);
    return std::unique_ptr<PartStream>(std::make_unique<ZipPartStream>(this, &e));
  }

  // Whether a part of `inflated` bytes (from `compressed`) fits, with `extra` more bytes
  // counted toward the package total.
  Status CheckSizes(const std::string& name, uint64_t inflated, uint64_t compressed,
                    uint64_t extra) {
    if (inflated > kRatioFloor && inflated / std::max<uint64_t>(compressed, 1) >=
                                      limits_.max_compression_ratio)
      return TooLarge("part " + name + " inflates " + std::to_string(inflated) + " bytes from " +
                      std::to_string(compressed) + " (over " +
                      std::to_string(limits_.max_compression_ratio) +
                      ":1): refused as a zip bomb");
    if (total_inflated_ + extra > limits_.max_inflated_bytes || inflated > limits_.max_inflated_bytes)
      return TooLarge("the workbook inflates to more than " +
                      std::to_string(limits_.max_inflated_bytes) + " bytes; refused (zip bomb?)");
    return Status::Ok();
  }

  unzFile zip() { return zip_; }
  uint64_t& total_inflated() { return total_inflated_; }

 private:
  PackageLimits limits_;
  std::unique_ptr<MemoryFile> memory_;
  unzFile zip_ = nullptr;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
  uint64_t total_inflated_ = 0;
};

ZipPartStream::~ZipPartStream() {
  if (open_) unzCloseCurrentFile(package_->zip());
}

Result<size_t> ZipPartStream::Read(char* buf, size_t n) {
  if (!open_) return size_t{0};
  unsigned chunk = static_cast<unsigned>(std::min<size_t>(n, 1 << 20));
  int got = unzReadCurrentFile(package_->zip(), buf, chunk);
  if (got < 0) return Corrupt("bad data in part " + entry_->name);
  if (got == 0) {
    open_ = false;
    if (unzCloseCurrentFile(package_->zip()) != UNZ_OK)
      return Corrupt("checksum mismatch in part " + entry_->name);
    return size_t{0};
  }
  inflated_ += static_cast<uint64_t>(got);
  package_->total_inflated() += static_cast<uint64_t>(got);
  RALLY_RETURN_IF_ERROR(package_->CheckSizes(entry_->name, inflated_, entry_->compressed, 0));
  return static_cast<size_t>(got);
}

// --- parts in memory ---

class MemoryPartStream final : public PartStream {
 public:
  explicit MemoryPartStream(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    n = std::min(n, data_.size());
    std::memcpy(buf, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

class MemoryPackageImpl final : public Package {
 public:
  explicit MemoryPackageImpl(std::map<std::string, std::string> parts) {
    for (auto& [name, data] : parts) parts_.emplace(PartKey(name), std::move(data));
  }
  bool Has(std::string_view name) const override { return parts_.contains(PartKey(name)); }
  Result<std::unique_ptr<PartStream>> Open(std::string_view name) override {
    auto it = parts_.find(PartKey(name));
    if (it == parts_.end()) return NotFound("the workbook has no part " + std::string(name));
    return std::unique_ptr<PartStream>(std::make_unique<MemoryPartStream>(it->second));
  }

 private:
  std::map<std::string, std::string> parts_;
};

}  // namespace

Result<std::unique_ptr<Package>> OpenZipPackage(const std::string& path, PackageLimits limits) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("no such file: " + path);
  auto package = std::make_unique<ZipPackage>(limits, nullptr);
  RALLY_RETURN_IF_ERROR(package->Load(path));
  return std::unique_ptr<Package>(std::move(package));
}

Result<std::unique_ptr<Package>> OpenZipPackageFromMemory(std::string_view bytes,
                                                          PackageLimits limits) {
  auto memory = std::make_unique<MemoryFile>(MemoryFile{bytes.data(), bytes.size()});
  auto package = std::make_unique<ZipPackage>(limits, std::move(memory));
  RALLY_RETURN_IF_ERROR(package->Load(""));
  return std::unique_ptr<Package>(std::move(package));
}

std::unique_ptr<Package> MemoryPackage(std::map<std::string, std::string> parts) {
  return std::make_unique<MemoryPackageImpl>(std::move(parts));
}

}  // namespace rally::importexport
