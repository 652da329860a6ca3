// XlsxWriter: workbooks read back with the project's own reader (row_reader.h): typed cells
// (numbers, dates, timestamps, booleans) come back as the reader renders each type, text that
// looks like a formula stays text, text XML cannot hold as it is (markup, control characters,
// "_xHHHH_" look-alikes, outer blanks) comes back exactly, blank cells keep the columns after
// them in place, the package carries the bold frozen header, the autofilter and the column
// widths, and rows past the per-sheet limit continue on further sheets with the header repeated.
#include "importexport/xlsx_writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/clock.h"
#include "importexport/row_reader.h"
#include "importexport/xlsx_package.h"
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

TEST(XlsxWriterTest, TextThatXmlCannotHoldAsItIsReadsBackExactly) {
  TempDir dir;
  std::string path = dir.File("text.xlsx");
  const std::vector<ExportColumn> columns = {{"a", "A", CellType::kText, 16}, {"b", "B", CellType::kText, 16},
                                             {"n", "N", CellType::kNumber, 10}};
  auto w = XlsxWriter::Create(path, columns);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  struct Case {
    std::string name;
    std::vector<Cell> cells;
    Cells want;
  };
  const std::string long_text(40000, 'x');
  const std::vector<Case> cases = {
      {"markup", {Text("a & b <c> \"d\" 'e'"), Text("]]>"), Number(1, "1")}, {"a & b <c> \"d\" 'e'", "]]>", "1"}},
      {"control characters and CR", {Text("x\x01y\x1Fz"), Text("crlf\r\nend\ttab"), Number(2, "2")},
       {"x\x01y\x1Fz", "crlf\r\nend\ttab", "2"}},
      {"escape look-alikes stay literal", {Text("_x0041_"), Text("a_x00_b _x12345_ __x0041__"), Number(3, "3")},
       {"_x0041_", "a_x00_b _x12345_ __x0041__", "3"}},
      {"outer blanks kept", {Text("  lead"), Text("trail\n"), Number(4, "4")}, {"  lead", "trail\n", "4"}},
      {"a blank cell keeps the next column in place", {Text(""), Text("second"), Number(5, "5")}, {"", "second", "5"}},
      {"only the last cell", {Text(""), Text(""), Number(1234567.125, "1234567.125")}, {"", "", "1234567.125"}},
      {"a non-finite number is written as its text", {Text("nan"), Text(""), Number(std::nan(""), "NaN")}, {"nan", "", "NaN"}},
      {"text over Excel's cell limit is cut", {Text(long_text), Text(""), Number(6, "6")}, {long_text.substr(0, 32767), "", "6"}},
  };
  for (const Case& c : cases) ASSERT_TRUE((*w)->WriteRow(c.cells).ok()) << c.name;
  ASSERT_TRUE((*w)->Close().ok());
  ReaderOptions ro;
  auto r = Drain(OpenRowReader(path, ro));
  ASSERT_TRUE(r.open.ok()) << r.open.ToString();
  ASSERT_TRUE(r.end.ok()) << r.end.ToString();
  ASSERT_EQ(r.rows.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    Cells got = r.rows[i].cells;
    got.resize(3);
    EXPECT_EQ(got, cases[i].want) << cases[i].name;
  }
}

// What the reader does not render: the header's style, the frozen pane, the autofilter (and the
// name Excel keeps for it), the widths and the date styles of the columns.
TEST(XlsxWriterTest, PackageHoldsTheHeaderStyleFrozenPaneAutofilterAndWidths) {
  TempDir dir;
  std::string path = dir.File("parts.xlsx");
  auto w = XlsxWriter::Create(path, kColumns);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*w)->WriteRow(std::vector<Cell>{Text("a@x.io")}).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto pkg = OpenZipPackage(path, {});
  ASSERT_TRUE(pkg.ok()) << pkg.status().ToString();
  auto part = [&](std::string_view name) {
    std::string out;
    auto s = (*pkg)->Open(name);
    EXPECT_TRUE(s.ok()) << name;
    if (!s.ok()) return out;
    char buf[4096];
    for (;;) {
      auto n = (*s)->Read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
      out.append(buf, *n);
    }
    return out;
  };
  struct Case {
    std::string part;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"xl/worksheets/sheet1.xml", R"(<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>)"},
      {"xl/worksheets/sheet1.xml", R"(<autoFilter ref="A1:F4"/>)"},
      {"xl/worksheets/sheet1.xml", R"(<col min="1" max="1" width="30.7109375" customWidth="1"/>)"},
      {"xl/worksheets/sheet1.xml", R"(<col min="3" max="3" width="12.7109375" style="2" customWidth="1"/>)"},
      {"xl/worksheets/sheet1.xml", R"(<col min="4" max="4" width="20.7109375" style="3" customWidth="1"/>)"},
      {"xl/worksheets/sheet1.xml", R"(<row r="1"><c s="1" t="inlineStr"><is><t>email</t></is></c>)"},
      {"xl/styles.xml", R"(<font><b/>)"},
      {"xl/styles.xml", R"(<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>)"},
      {"xl/workbook.xml", R"(<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'Contacts'!$A$1:$F$4</definedName>)"},
      {"[Content_Types].xml", "/xl/worksheets/sheet1.xml"},
  };
  for (const Case& c : cases) {
    EXPECT_NE(part(c.part).find(c.want), std::string::npos) << c.part << " lacks " << c.want;
  }
}

TEST(XlsxWriterTest, RowsPastTheSheetLimitContinueOnFurtherSheets) {
  TempDir dir;
  std::string path = dir.File("sheets.xlsx");
  XlsxOptions o;
  o.max_rows_per_sheet = 2;
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
  EXPECT_EQ(XlsxWriter::Create(dir.File("no/such/dir/x.xlsx"), kColumns).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rally::importexport
