#include "importexport/row_reader.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/strings.h"

namespace rally::importexport {
namespace {

constexpr std::string_view kOle2Magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr size_t kHeadBytes = 512 * 1024;

// "EncryptionInfo" as it appears in an OLE2 directory entry (UTF-16LE).
const std::string& EncryptionInfoName() {
  static const std::string name = [] {
    std::string s;
    for (char c : std::string_view("EncryptionInfo")) {
      s.push_back(c);
      s.push_back('\0');
    }
    return s;
  }();
  return name;
}

uint32_t Le32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

std::string_view FileFormatName(FileFormat f) {
  return f == FileFormat::kXlsx ? "xlsx" : "csv";
}

std::string_view TextEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8: return "utf-8";
    case TextEncoding::kUtf8Bom: return "utf-8-bom";
    case TextEncoding::kUtf16Le: return "utf-16le";
    case TextEncoding::kUtf16Be: return "utf-16be";
    case TextEncoding::kWindows1252: return "windows-1252";
  }
  return "utf-8";
}

std::optional<TextEncoding> ParseTextEncoding(std::string_view name) {
  std::string n = AsciiLower(Trim(name));
  if (n == "utf-8" || n == "utf8") return TextEncoding::kUtf8;
  if (n == "utf-8-bom" || n == "utf8-bom" || n == "utf-8-sig") return TextEncoding::kUtf8Bom;
  if (n == "utf-16le" || n == "utf16le" || n == "utf-16") return TextEncoding::kUtf16Le;
  if (n == "utf-16be" || n == "utf16be") return TextEncoding::kUtf16Be;
  if (n == "windows-1252" || n == "cp1252" || n == "latin1" || n == "iso-8859-1")
    return TextEncoding::kWindows1252;
  return std::nullopt;
}

Result<FileFormat> SniffFormat(std::string_view head) {
  if (head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06")) return FileFormat::kXlsx;
  if (!head.starts_with(kOle2Magic)) return FileFormat::kCsv;
  // An OLE2 compound file: a legacy .xls, or an .xlsx that Excel encrypted with a password
  // (the zip then sits inside an EncryptedPackage stream, described by EncryptionInfo).
  if (head.find(EncryptionInfoName()) != std::string_view::npos)
    return InvalidArgument(
        "the workbook is encrypted/password-protected; remove the password in Excel "
        "(File > Info > Protect Workbook) and save again, or save as CSV");
  return InvalidArgument("legacy .xls is not supported; save as .xlsx or CSV");
}

Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path,
                                                 const ReaderOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("no such file: " + path);
  std::string head(kHeadBytes, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unavailable("cannot open " + path);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    // OLE2: the directory may start past the head; its first sector is where the header says
    // (sector size 1 << u16 at 0x1E, first directory sector at 0x30).
    if (head.starts_with(kOle2Magic) && head.size() >= 512) {
      uint32_t shift = static_cast<unsigned char>(head[0x1E]) |
                       (static_cast<unsigned char>(head[0x1F]) << 8);
      uint32_t dir_sector = Le32(head, 0x30);
      if (shift >= 9 && shift <= 16 && dir_sector < 0xFFFFFFFA) {
        uint64_t sector = uint64_t{1} << shift;
        in.clear();
        in.seekg(static_cast<std::streamoff>((dir_sector + uint64_t{1}) * sector));
        std::string dir(sector, '\0');
        in.read(dir.data(), static_cast<std::streamsize>(dir.size()));
        dir.resize(static_cast<size_t>(in.gcount()));
        head += dir;
      }
    }
  }
  RALLY_ASSIGN_OR_RETURN(FileFormat format, SniffFormat(head));
  if (format == FileFormat::kXlsx) return OpenXlsxReader(path, options);
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) return Unavailable("cannot open " + path);
  return OpenCsvReader(std::move(in), options);
}

}  // namespace rally::importexport
