// rally-bench-xlsx: the cost of the .xlsx writer alone (importexport/xlsx_writer.h) beside
// libxlsxwriter in constant-memory mode writing the same cells the same way (what the export
// used before docs/decisions/0018-streaming-xlsx-writer.md), in the same run.
//
//   rally-bench-xlsx [--rows N] [--rounds R] [--dir DIR]
//
// The cells: N generated contacts (bench/datagen) as the 26 columns of `rally export --columns
// all` (text, a number, a date, two timestamps), built once in memory, so only the writers are
// timed. Each figure is the median of R rounds, wall clock and process CPU time (the writer
// uses a second thread for deflate: CPU time is the sum of both; wall clock on an idle machine
// is what a user waits). The machine is shared and noisy: compare the lines of one run.
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "contact_generator.h"
#include "importexport/xlsx_writer.h"

namespace {

using rally::importexport::Cell;
using rally::importexport::CellType;
using rally::importexport::ExportColumn;

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Cell Text(const std::string& s) {
  Cell c;
  c.empty = s.empty();
  c.text = s;
  return c;
}

// The rows as the export builds them (export_service.cc FillCell), from generated contacts.
std::vector<std::vector<Cell>> MakeRows(uint64_t n, std::vector<ExportColumn>* columns) {
  const char* keys[] = {"email", "additional_emails", "first_name", "last_name", "phone",
                        "mobile", "title", "department", "linkedin", "twitter", "street", "city",
                        "state", "postal_code", "country", "lifecycle_stage", "lead_score",
                        "lead_source", "company", "owner", "tags", "custom.industry",
                        "custom.annual_revenue", "custom.renewal_date", "created_at",
                        "updated_at"};
  for (const char* k : keys) {
    ExportColumn c{k, k, CellType::kText, 16};
    std::string_view key = k;
    if (key == "lead_score" || key == "custom.annual_revenue") c.type = CellType::kNumber;
    if (key == "custom.renewal_date") c.type = CellType::kDate;
    if (key == "created_at" || key == "updated_at") c.type = CellType::kTimestamp;
    columns->push_back(c);
  }
  rally::datagen::GeneratorOptions o;
  o.count = n;
  rally::datagen::ContactGenerator gen(o);
  rally::datagen::Contact g;
  std::vector<std::vector<Cell>> rows;
  rows.reserve(n);
  rally::Micros t0 = 1'700'000'000'000'000;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Next(&g);
    std::string tags;
    for (const std::string& t : g.tags) tags += (tags.empty() ? "" : ", ") + t;
    std::vector<Cell> r = {Text(g.email), Text(""), Text(g.first_name), Text(g.last_name),
                           Text(g.phone), Text(g.mobile), Text(g.title), Text(g.department),
                           Text(g.linkedin), Text(g.twitter), Text(g.street), Text(g.city),
                           Text(g.state), Text(g.postal_code), Text(g.country),
                           Text(g.lifecycle_stage), Text(std::to_string(g.lead_score)),
                           Text(g.lead_source), Text(g.company), Text("owner@example.com"),
                           Text(tags), Text(g.industry),
                           Text(g.annual_revenue < 0 ? "" : std::to_string(g.annual_revenue)),
                           Text(g.renewal_date), Text("t"), Text("t")};
    r[16].type = CellType::kNumber;
    r[16].number = g.lead_score;
    r[22].type = CellType::kNumber;
    r[22].number = static_cast<double>(g.annual_revenue);
    r[23].type = CellType::kDate;
    if (auto d = rally::ParseDate(g.renewal_date)) r[23].days = *d;
    for (int k : {24, 25}) {
      r[k].type = CellType::kTimestamp;
      r[k].micros = t0 + static_cast<rally::Micros>(i) * 1'234'567;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

// libxlsxwriter, constant-memory mode, the cells written as the export's writer wrote them.
bool WriteLibxlsxwriter(const std::string& path, const std::vector<ExportColumn>& columns,
                        const std::vector<std::vector<Cell>>& rows) {
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_TRUE;
  wo.use_zip64 = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &wo);
  if (wb == nullptr) return false;
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* ts = workbook_add_format(wb);
  format_set_num_format(ts, "yyyy-mm-dd hh:mm:ss");
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Contacts");
  for (size_t c = 0; c < columns.size(); ++c) {
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         columns[c].width, nullptr);
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), columns[c].key.c_str(), bold);
  }
  worksheet_freeze_panes(ws, 1, 0);
  std::string text;
  for (size_t r = 0; r < rows.size(); ++r) {
    auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t i = 0; i < rows[r].size(); ++i) {
      const Cell& cell = rows[r][i];
      if (cell.empty) continue;
      auto col = static_cast<lxw_col_t>(i);
      switch (cell.type) {
        case CellType::kNumber:
          worksheet_write_number(ws, row, col, cell.number, nullptr);
          break;
        case CellType::kDate:
          worksheet_write_number(ws, row, col, 25569.0 + cell.days, date);
          break;
        case CellType::kTimestamp:
          worksheet_write_number(ws, row, col,
                                 25569.0 + static_cast<double>(cell.micros) / 86'400'000'000.0, ts);
          break;
        case CellType::kBoolean:
          worksheet_write_boolean(ws, row, col, cell.boolean, nullptr);
          break;
        case CellType::kText:
          text.assign(cell.text);
          worksheet_write_string(ws, row, col, text.c_str(), nullptr);
          break;
      }
    }
  }
  worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(rows.size()),
                       static_cast<lxw_col_t>(columns.size() - 1));
  return workbook_close(wb) == LXW_NO_ERROR;
}

bool WriteRally(const std::string& path, const std::vector<ExportColumn>& columns,
                const std::vector<std::vector<Cell>>& rows, int level) {
  rally::importexport::XlsxOptions o;
  o.deflate_level = level;
  auto w = rally::importexport::XlsxWriter::Create(path, columns, o);
  if (!w.ok()) return false;
  for (const auto& r : rows) {
    if (!(*w)->WriteRow(r).ok()) return false;
  }
  return (*w)->Close().ok();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 100'000;
  int rounds = 3;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) n = std::stoull(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rounds")) rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::vector<ExportColumn> columns;
  std::vector<std::vector<Cell>> rows = MakeRows(n, &columns);
  std::string path = dir + "/rally-bench-xlsx-" + std::to_string(getpid()) + ".xlsx";
  struct Case {
    const char* name;
    std::function<bool()> run;
  };
  const std::vector<Case> cases = {
      {"libxlsxwriter_constant_memory", [&] { return WriteLibxlsxwriter(path, columns, rows); }},
      {"rally_xlsx_writer_level1", [&] { return WriteRally(path, columns, rows, 1); }},
      {"rally_xlsx_writer_level6", [&] { return WriteRally(path, columns, rows, 6); }},
  };
  std::vector<std::vector<double>> wall(cases.size()), cpu(cases.size());
  std::vector<uintmax_t> bytes(cases.size());
  for (int r = 0; r < rounds; ++r) {
    for (size_t c = 0; c < cases.size(); ++c) {  // alternating, so load drifts hit both
      auto t0 = std::chrono::steady_clock::now();
      double c0 = CpuSeconds();
      if (!cases[c].run()) {
        std::fprintf(stderr, "rally-bench-xlsx: %s failed\n", cases[c].name);
        return 1;
      }
      cpu[c].push_back(CpuSeconds() - c0);
      wall[c].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      bytes[c] = std::filesystem::file_size(path);
      std::filesystem::remove(path);
    }
  }
  double base_cpu = Median(cpu[0]);
  for (size_t c = 0; c < cases.size(); ++c) {
    double w = Median(wall[c]), u = Median(cpu[c]);
    std::printf(
        "case=%s rows=%llu wall_s=%.3f cpu_s=%.3f rows_per_cpu_s=%.0f cpu_vs_libxlsxwriter=%.2f "
        "bytes=%ju\n",
        cases[c].name, static_cast<unsigned long long>(n), w, u, static_cast<double>(n) / u,
        u / base_cpu, bytes[c]);
  }
  return 0;
}
