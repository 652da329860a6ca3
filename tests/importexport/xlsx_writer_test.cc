// XlsxWriter: workbooks read back with the project's own reader (row_reader.h): typed cells
// (numbers, dates, timestamps, booleans) come back as the reader renders each type, text that
// looks like a formula stays text, and rows past the per-sheet limit continue on further
// sheets with the header repeated.
#include "importexport/xlsx_writer.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "importexport/row_reader.h"
#include "reader_test_util.h"

namespace rally::importexport {
namespace {

using testing::Drain;
using testing::TempDir;
using Cells = std::vector<std::string>;

Cell Text(std::string s) {
  Cell c;
  c.type = CellType::kText;
  c.empty = s.empty();
  c.text = std::move(s);
  return c;
}
Cell Number(double v, std::string text) {
  Cell c = Text(std::move(text));
  c.type = CellType::kNumber;
  c.number = v;
  return c;
}
Cell Date(std::string iso) {
  Cell c = Text(iso);
  c.type = CellType::kDate;
  c.days = *ParseDate(iso);
  return c;
}
Cell Timestamp(std::string iso) {
  Cell c = Text(iso);
  c.type = CellType::kTimestamp;
  c.micros = *ParseTimestamp(iso);
  return c;
}
Cell Bool(bool b) {
  Cell c = Text(b ? "true" : "false");
  c.type = CellType::kBoolean;
  c.boolean = b;
  return c;
}

const std::vector<ExportColumn> kColumns = {
    {"email", "Email", CellType::kText, 30}, {"lead_score", "Lead score", CellType::kNumber, 10},
    {"custom.renewal", "Renewal", CellType::kDate, 12}, {"created_at", "Created", CellType::kTimestamp, 20},
    {"custom.vip", "VIP", CellType::kBoolean, 8}, {"custom.notes", "Notes", CellType::kText, 16},
};

TEST(XlsxWriterTest, TypedCellsReadBack) {
  TempDir dir;
  std::string path = dir.File("typed.xlsx");
  auto w = XlsxWriter::Create(path, kColumns);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  struct Case {
    std::string name;
    std::vector<Cell> cells;
    Cells want;
  };
  const std::vector<Case> cases = {
      {"every type", {Text("zoë@x.io"), Number(42, "42"), Date("2026-01-31"), Timestamp("2026-01-31T12:34:56.000Z"), Bool(true), Text("Zoë 🎉")},
       {"zoë@x.io", "42", "2026-01-31", "2026-01-31T12:34:56", "TRUE", "Zoë 🎉"}},
      {"formula-like text stays text", {Text("ada@x.io"), Number(-3.5, "-3.5"), Text(""), Text(""), Bool(false), Text("=HYPERLINK(\"http://x\",\"y\")")},
       {"ada@x.io", "-3.5", "", "", "FALSE", "=HYPERLINK(\"http://x\",\"y\")"}},
      {"newlines, quotes, commas", {Text("bob@x.io"), Text(""), Text(""), Text(""), Text(""), Text("two\nlines, \"q\"")},
       {"bob@x.io", "", "", "", "", "two\nlines, \"q\""}},
  };
  for (const Case& c : cases) ASSERT_TRUE((*w)->WriteRow(c.cells).ok()) << c.name;
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->rows(), 3);
  EXPECT_EQ((*w)->sheets(), 1);

  auto r = Drain(OpenRowReader(path, {}));
  ASSERT_TRUE(r.open.ok()) << r.open.ToString();
  ASSERT_TRUE(r.end.ok()) << r.end.ToString();
  EXPECT_EQ(r.detected.format, FileFormat::kXlsx);
  EXPECT_EQ(r.detected.sheets, (Cells{"Contacts"}));
  EXPECT_EQ(r.detected.header, (Cells{"email", "lead_score", "custom.renewal", "created_at", "custom.vip", "custom.notes"}));
  ASSERT_EQ(r.rows.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(r.rows[i].cells, cases[i].want) << cases[i].name;
}

TEST(XlsxWriterTest, RowsPastTheSheetLimitContinueOnFurtherSheets) {
  TempDir dir;
  std::string path = dir.File("sheets.xlsx");
  XlsxOptions o;
  o.max_rows_per_sheet = 2;
  o.tmp_dir = dir.File("");
  auto w = XlsxWriter::Create(path, std::span(kColumns).first(2), o);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (int i = 0; i < 5; ++i) {
    std::vector<Cell> row = {Text("c" + std::to_string(i) + "@x.io"), Number(i, std::to_string(i))};
    ASSERT_TRUE((*w)->WriteRow(row).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->sheets(), 3);
  const std::vector<std::pair<std::string, std::vector<Cells>>> want = {
      {"Contacts", {{"c0@x.io", "0"}, {"c1@x.io", "1"}}},
      {"Contacts 2", {{"c2@x.io", "2"}, {"c3@x.io", "3"}}},
      {"Contacts 3", {{"c4@x.io", "4"}}},
  };
  for (const auto& [sheet, rows] : want) {
    ReaderOptions ro;
    ro.sheet = sheet;
    auto r = Drain(OpenRowReader(path, ro));
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    EXPECT_EQ(r.detected.sheets, (Cells{"Contacts", "Contacts 2", "Contacts 3"}));
    EXPECT_EQ(r.detected.header, (Cells{"email", "lead_score"})) << sheet;
    ASSERT_EQ(r.rows.size(), rows.size()) << sheet;
    for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(r.rows[i].cells, rows[i]) << sheet;
  }
}

TEST(XlsxWriterTest, RefusesNoColumnsAndAnUnwritablePath) {
  TempDir dir;
  EXPECT_EQ(XlsxWriter::Create(dir.File("none.xlsx"), {}).status().code(), StatusCode::kInvalidArgument);
  auto w = XlsxWriter::Create(dir.File("no/such/dir/x.xlsx"), kColumns);
  if (w.ok()) {
    // libxlsxwriter opens the file only at close.
    EXPECT_FALSE((*w)->Close().ok());
  } else {
    EXPECT_EQ(w.status().code(), StatusCode::kUnavailable);
  }
}

}  // namespace
}  // namespace rally::importexport
