// rally-datagen: writes N generated contacts as CSV or JSON lines (see contact_generator.h).
//
//   rally-datagen --count 1000000 --seed 7 --format csv --out contacts.csv
//   rally-datagen --count 1000 --format jsonl            # to stdout
//   rally-datagen --custom-fields                        # the custom field definitions (JSON)
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "contact_generator.h"
#include "formats.h"

namespace {

constexpr std::string_view kUsage =
    "usage: rally-datagen [--count N] [--seed S] [--format csv|jsonl] [--out FILE]\n"
    "                     [--duplicates PER_MILLE] | --custom-fields\n"
    "  --count N           rows to write (default 100000)\n"
    "  --seed S            PRNG seed; same seed and count give the same bytes (default 1)\n"
    "  --format F          csv (RFC 4180, header row) or jsonl (API bodies) (default csv)\n"
    "  --out FILE          output file (default: standard output)\n"
    "  --duplicates P      rows per thousand that repeat an earlier email (default 30)\n"
    "  --custom-fields     print the custom field definitions the rows use, as JSON\n";

bool ParseUint(std::string_view s, uint64_t* v) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "rally-datagen: %s\n%.*s", message.c_str(), static_cast<int>(kUsage.size()),
               kUsage.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  rally::datagen::GeneratorOptions options;
  std::string format = "csv";
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    }
    if (arg == "--custom-fields") {
      std::printf("%s\n", rally::datagen::CustomFieldsJson().c_str());
      return 0;
    }
    if (i + 1 >= argc) return Fail("missing value for " + std::string(arg));
    const std::string_view value = argv[++i];
    uint64_t number = 0;
    if (arg == "--count") {
      if (!ParseUint(value, &options.count)) return Fail("bad --count");
    } else if (arg == "--seed") {
      if (!ParseUint(value, &options.seed)) return Fail("bad --seed");
    } else if (arg == "--duplicates") {
      if (!ParseUint(value, &number) || number > 1000) return Fail("bad --duplicates");
      options.duplicate_per_mille = static_cast<uint32_t>(number);
    } else if (arg == "--format") {
      format = value;
      if (format != "csv" && format != "jsonl") return Fail("--format must be csv or jsonl");
    } else if (arg == "--out") {
      out_path = value;
    } else {
      return Fail("unknown option " + std::string(arg));
    }
  }

  FILE* out = stdout;
  if (!out_path.empty()) {
    out = std::fopen(out_path.c_str(), "wb");
    if (out == nullptr) return Fail(out_path + ": " + std::strerror(errno));
  }

  rally::datagen::ContactGenerator generator(options);
  rally::datagen::Contact contact;
  std::string buf;
  buf.reserve(2 << 20);
  const bool csv = format == "csv";
  if (csv) rally::datagen::AppendCsvHeader(&buf);
  bool ok = true;
  for (uint64_t i = 0; i < options.count && ok; ++i) {
    generator.Next(&contact);
    if (csv) {
      rally::datagen::AppendCsvRow(contact, &buf);
    } else {
      rally::datagen::AppendJsonLine(contact, &buf);
    }
    if (buf.size() >= (1 << 20)) {
      ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
      buf.clear();
    }
  }
  if (ok && !buf.empty()) ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
  if (std::fflush(out) != 0) ok = false;
  if (out != stdout && std::fclose(out) != 0) ok = false;
  if (!ok) {
    std::fprintf(stderr, "rally-datagen: write failed: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
