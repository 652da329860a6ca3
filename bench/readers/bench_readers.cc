// rally-bench-readers: how fast the import readers (importexport/row_reader.h) turn a typical
// contact file into rows, beside ceilings measured in the same run on the same file (the
// machine is shared and noisy: compare the columns of one run, not runs with each other).
//
//   rally-bench-readers [--rows N] [--rounds R] [--dir DIR]
//
// Files: N generated contacts (bench/datagen: 23 columns, RFC 4180 quoting, CRLF, UTF-8 with
// names in many scripts) written as CSV, and the same rows as an .xlsx sheet written by
// libxlsxwriter (shared strings, as Excel writes them). Each figure is the median of R rounds,
// in wall-clock and in process CPU time (the reader is single-threaded, so on a busy machine
// CPU time is the figure that says what the code costs; ratios use it).
//
// CSV lines:
//   scan     read the file in 256 KiB chunks and count '\n' with memchr (the I/O ceiling)
//   naive    std::getline + split on ',' into a reused vector<string> (wrong on quotes; what a
//            quick importer does)
//   reader   OpenRowReader: detection, decoding, RFC 4180 state machine, row checks
// XLSX lines:
//   inflate  minizip inflates the sheet part (the zip ceiling)
//   expat    inflate + expat with no handlers (the streaming XML ceiling)
//   reader   OpenRowReader over the .xlsx (shared strings, styles, cells)
#include <expat.h>
#include <minizip/unzip.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "contact_generator.h"
#include "formats.h"
#include "importexport/row_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

struct Timing {
  double wall;  // median seconds of wall clock
  double cpu;   // median seconds of process CPU time (what the figure is when cores are busy)
};

// Runs `body` `rounds` times; returns the medians. `body` returns the rows it saw, which must
// equal `expect` (so no line measures a reader that skipped work).
Timing Time(int rounds, uint64_t expect, const char* what, const std::function<uint64_t()>& body) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = Clock::now();
    double c0 = CpuSeconds();
    uint64_t rows = body();
    cpu.push_back(CpuSeconds() - c0);
    wall.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (expect != 0 && rows != expect) {
      std::fprintf(stderr, "%s: saw %llu rows, expected %llu\n", what,
                   static_cast<unsigned long long>(rows), static_cast<unsigned long long>(expect));
      std::exit(1);
    }
  }
  return {Median(wall), Median(cpu)};
}

void Print(const char* format, const char* what, Timing t, uint64_t rows, uint64_t bytes,
           Timing reference) {
  std::printf("%-5s %-8s %7.3f s wall %10.0f rows/s | %7.3f s cpu %10.0f rows/s %7.1f MB/s"
              "  %5.2fx of %s\n",
              format, what, t.wall, rows / t.wall, t.cpu, rows / t.cpu, bytes / t.cpu / 1e6,
              reference.cpu / t.cpu, format[0] == 'c' ? "scan" : "expat");
}

uint64_t ReadRows(const std::string& path) {
  auto reader = rally::importexport::OpenRowReader(path, {});
  if (!reader.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), reader.status().ToString().c_str());
    std::exit(1);
  }
  rally::importexport::Row row;
  uint64_t rows = 0;
  while (true) {
    auto more = (*reader)->Next(row);
    if (!more.ok()) {
      std::fprintf(stderr, "read: %s\n", more.status().ToString().c_str());
      std::exit(1);
    }
    if (!*more) break;
    if (!row.error.ok()) {
      std::fprintf(stderr, "row %lld: %s\n", static_cast<long long>(row.number),
                   row.error.message().c_str());
      std::exit(1);
    }
    ++rows;
  }
  return rows;
}

// Splits the header of the generated CSV into column names (it has no quoted header cells).
std::vector<std::string> HeaderColumns() {
  std::string header;
  rally::datagen::AppendCsvHeader(&header);
  while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.pop_back();
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= header.size(); ++i) {
    if (i == header.size() || header[i] == ',') {
      out.push_back(header.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

void WriteXlsx(const std::string& path, uint64_t rows) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;  // shared strings, as Excel writes them
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Contacts");
  std::vector<std::string> header = HeaderColumns();
  for (size_t c = 0; c < header.size(); ++c)
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), nullptr);
  rally::datagen::GeneratorOptions g;
  g.count = rows;
  rally::datagen::ContactGenerator gen(g);
  rally::datagen::Contact c;
  for (uint64_t r = 1; r <= rows; ++r) {
    gen.Next(&c);
    std::string tags;
    for (const std::string& t : c.tags) tags += (tags.empty() ? "" : ",") + t;
    const std::string* text[] = {&c.email,    &c.first_name, &c.last_name,  &c.phone,
                                 &c.mobile,   &c.title,      &c.department, &c.company,
                                 &c.linkedin, &c.twitter,    &c.street,     &c.city,
                                 &c.state,    &c.postal_code, &c.country,   &c.lead_source,
                                 &c.lifecycle_stage};
    lxw_col_t col = 0;
    for (const std::string* s : text) {
      if (!s->empty()) worksheet_write_string(ws, static_cast<lxw_row_t>(r), col, s->c_str(), nullptr);
      ++col;
    }
    worksheet_write_number(ws, static_cast<lxw_row_t>(r), col++, c.lead_score, nullptr);
    if (!tags.empty()) worksheet_write_string(ws, static_cast<lxw_row_t>(r), col, tags.c_str(), nullptr);
    ++col;
    if (!c.industry.empty())
      worksheet_write_string(ws, static_cast<lxw_row_t>(r), col, c.industry.c_str(), nullptr);
    ++col;
    if (c.annual_revenue >= 0)
      worksheet_write_number(ws, static_cast<lxw_row_t>(r), col, static_cast<double>(c.annual_revenue), nullptr);
    ++col;
    if (!c.renewal_date.empty())
      worksheet_write_string(ws, static_cast<lxw_row_t>(r), col, c.renewal_date.c_str(), nullptr);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) {
    std::fprintf(stderr, "writing %s failed\n", path.c_str());
    std::exit(1);
  }
}

// Inflates xl/worksheets/sheet1.xml, feeding each chunk to `sink`.
uint64_t InflateSheet(const std::string& path, const std::function<void(const char*, int)>& sink) {
  unzFile zip = unzOpen64(path.c_str());
  if (zip == nullptr || unzLocateFile(zip, "xl/worksheets/sheet1.xml", 0) != UNZ_OK ||
      unzOpenCurrentFile(zip) != UNZ_OK) {
    std::fprintf(stderr, "cannot open the sheet of %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<char> buf(64 * 1024);
  uint64_t total = 0;
  int n;
  while ((n = unzReadCurrentFile(zip, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
    sink(buf.data(), n);
    total += static_cast<uint64_t>(n);
  }
  sink(nullptr, 0);
  unzCloseCurrentFile(zip);
  unzClose(zip);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t rows = 100'000;
  int rounds = 5;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--rows") rows = std::stoull(argv[i + 1]);
    else if (arg == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
    else if (arg == "--dir") dir = argv[i + 1];
  }
  const std::string csv = dir + "/rally-bench-readers.csv";
  const std::string xlsx = dir + "/rally-bench-readers.xlsx";

  {
    std::ofstream out(csv, std::ios::binary);
    std::string buf;
    rally::datagen::AppendCsvHeader(&buf);
    rally::datagen::GeneratorOptions g;
    g.count = rows;
    rally::datagen::ContactGenerator gen(g);
    rally::datagen::Contact c;
    for (uint64_t r = 0; r < rows; ++r) {
      gen.Next(&c);
      rally::datagen::AppendCsvRow(c, &buf);
      if (buf.size() > (1 << 20)) {
        out << buf;
        buf.clear();
      }
    }
    out << buf;
  }
  WriteXlsx(xlsx, rows);
  const uint64_t csv_bytes = std::filesystem::file_size(csv);
  const uint64_t xlsx_bytes = std::filesystem::file_size(xlsx);
  std::printf("rally-bench-readers: %llu contacts; CSV %.1f MB, XLSX %.1f MB; median of %d rounds\n"
              "(shared 2-core machine: compare lines of this run, not runs; the cpu columns hold when\n"
              " other work competes for the cores, the wall columns do not)\n",
              static_cast<unsigned long long>(rows), csv_bytes / 1e6, xlsx_bytes / 1e6, rounds);

  Timing scan = Time(rounds, 0, "scan", [&] {
    std::ifstream in(csv, std::ios::binary);
    std::vector<char> buf(256 * 1024);
    uint64_t lines = 0;
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
      const char* p = buf.data();
      const char* end = p + in.gcount();
      while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
        ++lines;
        ++p;
      }
    }
    return lines;
  });
  Timing naive = Time(rounds, 0, "naive", [&] {
    std::ifstream in(csv, std::ios::binary);
    std::string line;
    std::vector<std::string> cells;
    uint64_t n = 0;
    while (std::getline(in, line)) {
      size_t count = 0, start = 0;
      for (size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == ',') {
          if (cells.size() <= count) cells.emplace_back();
          cells[count++].assign(line, start, i - start);
          start = i + 1;
        }
      }
      ++n;
    }
    return n;
  });
  Timing csv_reader = Time(rounds, rows, "csv reader", [&] { return ReadRows(csv); });
  Print("csv", "scan", scan, rows, csv_bytes, scan);
  Print("csv", "naive", naive, rows, csv_bytes, scan);
  Print("csv", "reader", csv_reader, rows, csv_bytes, scan);

  uint64_t sheet_bytes = 0;
  Timing inflate = Time(rounds, 0, "inflate", [&] {
    sheet_bytes = InflateSheet(xlsx, [](const char*, int) {});
    return uint64_t{0};
  });
  Timing expat = Time(rounds, 0, "expat", [&] {
    XML_Parser parser = XML_ParserCreate(nullptr);
    InflateSheet(xlsx, [&](const char* p, int n) { XML_Parse(parser, p, n, p == nullptr); });
    XML_ParserFree(parser);
    return uint64_t{0};
  });
  Timing xlsx_reader = Time(rounds, rows, "xlsx reader", [&] { return ReadRows(xlsx); });
  Print("xlsx", "inflate", inflate, rows, sheet_bytes, expat);
  Print("xlsx", "expat", expat, rows, sheet_bytes, expat);
  Print("xlsx", "reader", xlsx_reader, rows, sheet_bytes, expat);
  std::printf("(xlsx MB/s are of the inflated sheet XML, %.1f MB)\n", sheet_bytes / 1e6);

  std::filesystem::remove(csv);
  std::filesystem::remove(xlsx);
  return 0;
}
