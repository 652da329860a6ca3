#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <map>
#include <string>
#include <vector>

#include "importexport/row_reader.h"
#include "importexport/xlsx_package.h"
#include "importexport/xlsx_reader.h"
#include "reader_test_util.h"

namespace rally::importexport {
namespace {

using testing::Drain;
using testing::ReadResult;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteZip;
using Cells = std::vector<std::string>;

ReadResult ReadPath(const std::string& path, const ReaderOptions& options = {}) {
  return Drain(OpenRowReader(path, options));
}

ReaderOptions Sheet(std::string name) {
  ReaderOptions o;
  o.sheet = std::move(name);
  return o;
}

// --- Workbooks written by libxlsxwriter, as Excel writes them (shared strings, styles) ---

std::string WriteTypesWorkbook(const TempDir& dir, bool constant_memory) {
  std::string path = dir.File(constant_memory ? "inline.xlsx" : "types.xlsx");
  lxw_workbook_options options{};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Contacts");
  lxw_worksheet* other = workbook_add_worksheet(wb, "Other Sheet");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format_index(date, 14);  // m/d/yyyy, built in
  lxw_format* datetime = workbook_add_format(wb);
  format_set_num_format(datetime, "yyyy-mm-dd hh:mm");
  lxw_format* time = workbook_add_format(wb);
  format_set_num_format(time, "hh:mm:ss");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00 \"USD\"");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);

  const char* header[] = {"email", "name", "score", "vip", "since", "last_seen", "call_at",
                          "revenue", "formula", "note"};
  for (int c = 0; c < 10; ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c], nullptr);
  // Row 2: every type.
  worksheet_write_string(ws, 1, 0, "ada@example.com", nullptr);
  worksheet_write_string(ws, 1, 1, "Ada Lovelace", nullptr);
  worksheet_write_number(ws, 1, 2, 42, nullptr);
  worksheet_write_boolean(ws, 1, 3, 1, nullptr);
  lxw_datetime since = {2024, 1, 15, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 4, &since, date);
  lxw_datetime seen = {2024, 1, 15, 13, 45, 0};
  worksheet_write_datetime(ws, 1, 5, &seen, datetime);
  worksheet_write_number(ws, 1, 6, (9 * 3600 + 30 * 60 + 15) / 86400.0, time);
  worksheet_write_number(ws, 1, 7, 0.1 + 0.2, money);
  worksheet_write_formula_num(ws, 1, 8, "=C2*2", nullptr, 84);
  if (!constant_memory) {
    char met[] = "Met at ", conference[] = "the conference";
    lxw_rich_string_tuple plain = {nullptr, met};
    lxw_rich_string_tuple strong = {bold, conference};
    lxw_rich_string_tuple* rich[] = {&plain, &strong, nullptr};
    worksheet_write_rich_string(ws, 1, 9, rich, nullptr);
  } else {
    worksheet_write_string(ws, 1, 9, "Met at the conference", nullptr);
  }
  // Row 3: gaps (name and score empty), FALSE, a string formula, a negative decimal.
  worksheet_write_string(ws, 2, 0, "bob@example.com", nullptr);
  worksheet_write_boolean(ws, 2, 3, 0, nullptr);
  worksheet_write_number(ws, 2, 7, -1234.5, money);
  worksheet_write_formula_str(ws, 2, 8, "=\"x\"&\"y\"", nullptr, "xy");
  // Rows 4-5 empty; row 6: the 1900 leap-year bug around serial 60, and a shared string again.
  worksheet_write_string(ws, 5, 0, "ada@example.com", nullptr);
  worksheet_write_number(ws, 5, 4, 59, date);
  worksheet_write_number(ws, 5, 5, 61, date);
  worksheet_write_number(ws, 5, 6, 60, date);
  worksheet_write_number(ws, 5, 2, 14155550132.0, nullptr);

  worksheet_write_string(other, 2, 1, "key", nullptr);
  worksheet_write_string(other, 3, 1, "value", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return path;
}

TEST(XlsxReaderTest, TypesDatesGapsAndSharedStrings) {
  TempDir dir;
  for (bool constant_memory : {false, true}) {
    SCOPED_TRACE(constant_memory ? "inline strings (constant_memory)" : "shared strings");
    ReadResult r = ReadPath(WriteTypesWorkbook(dir, constant_memory));
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    ASSERT_TRUE(r.end.ok()) << r.end.ToString();
    EXPECT_EQ(r.detected.format, FileFormat::kXlsx);
    EXPECT_EQ(r.detected.sheets, (Cells{"Contacts", "Other Sheet"}));
    EXPECT_EQ(r.detected.sheet, "Contacts");
    EXPECT_EQ(r.detected.header_row, 1);
    EXPECT_FALSE(r.detected.date1904);
    EXPECT_EQ(r.detected.header, (Cells{"email", "name", "score", "vip", "since", "last_seen",
                                        "call_at", "revenue", "formula", "note"}));
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0].number, 2);
    EXPECT_EQ(r.rows[0].cells,
              (Cells{"ada@example.com", "Ada Lovelace", "42", "TRUE", "2024-01-15",
                     "2024-01-15T13:45:00", "09:30:15", "0.3", "84", "Met at the conference"}));
    EXPECT_EQ(r.rows[1].number, 3);
    EXPECT_EQ(r.rows[1].cells,
              (Cells{"bob@example.com", "", "", "FALSE", "", "", "", "-1234.5", "xy", ""}));
    EXPECT_EQ(r.rows[2].number, 6);  // rows 4 and 5 are empty
    EXPECT_EQ(r.rows[2].cells, (Cells{"ada@example.com", "", "14155550132", "", "1900-02-28",
                                      "1900-03-01", "1900-02-29", "", "", ""}));
    for (const Row& row : r.rows) EXPECT_TRUE(row.error.ok()) << row.error.ToString();
  }
}

TEST(XlsxReaderTest, PicksSheetsByName) {
  TempDir dir;
  std::string path = WriteTypesWorkbook(dir, false);
  for (const char* name : {"Other Sheet", "other sheet"}) {
    ReadResult r = ReadPath(path, Sheet(name));
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    EXPECT_EQ(r.detected.sheet, "Other Sheet");
    EXPECT_EQ(r.detected.header_row, 3);  // the first non-empty row
    EXPECT_EQ(r.detected.header, (Cells{"", "key"}));
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].cells, (Cells{"", "value"}));
  }
  ReadResult missing = ReadPath(path, Sheet("Nope"));
  ASSERT_FALSE(missing.open.ok());
  EXPECT_EQ(missing.open.details().at(0).field, "sheet");
  EXPECT_NE(missing.open.message().find("its sheets: Contacts, Other Sheet"), std::string::npos);
}

TEST(XlsxReaderTest, HeaderRowChosenByCaller) {
  TempDir dir;
  std::string path = WriteTypesWorkbook(dir, false);
  ReaderOptions o;
  o.header_row = 3;
  ReadResult r = ReadPath(path, o);
  ASSERT_TRUE(r.open.ok()) << r.open.ToString();
  EXPECT_EQ(r.detected.header[0], "bob@example.com");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].number, 6);
  o.header_row = 4;
  EXPECT_NE(ReadPath(path, o).open.message().find("row 4 is empty"), std::string::npos);
  o.header_row = 99;
  EXPECT_NE(ReadPath(path, o).open.message().find("past the last row"), std::string::npos);
}

// --- Hand-built packages: what libxlsxwriter does not write ---

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string RootRels() {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://"
                     "schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
                     "Id=\"rId1\" Type=\"") +
         kRel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
}

std::string WorkbookXml(bool date1904, const std::vector<std::string>& sheets) {
  std::string s = std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel + "\">";
  if (date1904) s += "<workbookPr date1904=\"1\"/>";
  s += "<sheets>";
  for (size_t i = 0; i < sheets.size(); ++i)
    s += "<sheet name=\"" + sheets[i] + "\" sheetId=\"" + std::to_string(i + 1) +
         "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
  return s + "</sheets></workbook>";
}

std::string WorkbookRels(size_t sheets) {
  std::string s =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (size_t i = 0; i < sheets; ++i)
    s += "<Relationship Id=\"rId" + std::to_string(i + 1) + "\" Type=\"" + kRel +
         "/worksheet\" Target=\"worksheets/sheet" + std::to_string(i + 1) + ".xml\"/>";
  s += std::string("<Relationship Id=\"rIdS\" Type=\"") + kRel +
       "/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>";
  s += std::string("<Relationship Id=\"rIdT\" Type=\"") + kRel +
       "/styles\" Target=\"styles.xml\"/>";
  return s + "</Relationships>";
}

std::string SheetXml(const std::string& rows) {
  return std::string("<?xml version=\"1.0\"?><worksheet xmlns=\"") + kMain + "\"><sheetData>" +
         rows + "</sheetData></worksheet>";
}

// One custom date-time format (164) and a built-in date (14) as cellXfs 1 and 2; cellStyleXfs
// must not count.
std::string StylesXml() {
  return std::string("<styleSheet xmlns=\"") + kMain +
         "\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"d/m/yyyy\\ h:mm\"/>"
         "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"22\"/></cellStyleXfs>"
         "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/>"
         "</cellXfs></styleSheet>";
}

using Parts = std::vector<std::pair<std::string, std::string>>;

Parts Workbook(bool date1904, const std::string& sheet_rows, const std::string& shared = "") {
  Parts parts = {{"[Content_Types].xml", "<Types/>"},
                 {"_rels/.rels", RootRels()},
                 {"xl/workbook.xml", WorkbookXml(date1904, {"Data"})},
                 {"xl/_rels/workbook.xml.rels", WorkbookRels(1)},
                 {"xl/styles.xml", StylesXml()},
                 {"xl/worksheets/sheet1.xml", SheetXml(sheet_rows)}};
  if (!shared.empty())
    parts.push_back({"xl/sharedStrings.xml",
                     std::string("<sst xmlns=\"") + kMain + "\">" + shared + "</sst>"});
  return parts;
}

ReadResult ReadZip(const Parts& parts, const ReaderOptions& options = {}) {
  TempDir dir;
  std::string path = dir.File("book.xlsx");
  EXPECT_TRUE(WriteZip(path, parts));
  return ReadPath(path, options);
}

TEST(XlsxReaderTest, HandBuiltCases) {
  struct Case {
    std::string name;
    bool date1904;
    std::string rows;
    std::string shared;
    Cells header;
    std::vector<Cells> cells;
    std::vector<int64_t> numbers;
    std::vector<bool> errors;
  };
  const std::string header =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c></row>";
  const Case cases[] = {
      {"inline_strings_with_rich_runs", false,
       header + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>Ada </t></r>"
                "<r><t xml:space=\"preserve\">Lovelace </t></r></is></c>"
                "<c r=\"B2\" t=\"inlineStr\"><is><t>x_x000D_y</t></is></c></row>",
       "", {"a", "b"}, {{"Ada Lovelace ", "x\ry"}}, {2}, {false}},
      {"date_1904_system", true,
       header + "<row r=\"2\"><c r=\"A2\" s=\"2\"><v>0</v></c><c r=\"B2\" s=\"2\"><v>43000</v></c>"
                "</row><row r=\"3\"><c r=\"A3\" s=\"1\"><v>43000.75</v></c>"
                "<c r=\"B3\" s=\"2\"><v>60</v></c></row>",
       "", {"a", "b"}, {{"1904-01-01", "2021-09-23"}, {"2021-09-23T18:00:00", "1904-03-01"}},
       {2, 3}, {false, false}},
      {"formulas_use_cached_values", false,
       header + "<row r=\"2\"><c r=\"A2\"><f>1+2</f><v>3</v></c>"
                "<c r=\"B2\" t=\"str\"><f>CONCAT(\"a\",\"b\")</f><v>ab</v></c></row>"
                "<row r=\"3\"><c r=\"A3\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                "<c r=\"B3\"><f>A2</f></c></row>",
       "", {"a", "b"}, {{"3", "ab"}, {"#DIV/0!", ""}}, {2, 3}, {false, false}},
      {"shared_strings_rich_text_and_phonetic", false,
       "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
       "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>",
       "<si><t>email</t></si><si><r><t>na</t></r><r><rPr><i/></rPr><t>me</t></r></si>"
       "<si><t>kanji@example.jp</t></si>"
       "<si><t>\xE6\x9D\xB1\xE4\xBA\xAC</t><rPh sb=\"0\" eb=\"2\"><t>\xE3\x83\x88\xE3\x82\xA6"
       "\xE3\x82\xAD\xE3\x83\xA7\xE3\x82\xA6</t></rPh></si>",
       {"email", "name"}, {{"kanji@example.jp", "\xE6\x9D\xB1\xE4\xBA\xAC"}}, {2}, {false}},
      {"cells_and_rows_without_references", false,
       "<row><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\"><is><t>b</t></is></c>"
       "</row><row><c><v>1</v></c><c><v>2.50</v></c></row>"
       "<row><c r=\"B3\"><v>7</v></c></row>",
       "", {"a", "b"}, {{"1", "2.5"}, {"", "7"}}, {2, 3}, {false, false}},
      {"value_right_of_header_is_a_row_error", false,
       header + "<row r=\"4\"><c r=\"A4\"><v>1</v></c><c r=\"D4\"><v>9</v></c></row>"
                "<row r=\"5\"><c r=\"A5\"><v>2</v></c><c r=\"D5\" t=\"inlineStr\"><is><t></t>"
                "</is></c></row>",
       "", {"a", "b"}, {{"1", "", "", "9"}, {"2", ""}}, {4, 5}, {true, false}},
      {"booleans_and_large_numbers", false,
       header + "<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c r=\"B2\"><v>1.5E+20</v></c>"
                "</row><row r=\"3\"><c r=\"A3\"><v>-0</v></c><c r=\"B3\"><v>1E-3</v></c></row>",
       "", {"a", "b"}, {{"TRUE", "1.5e+20"}, {"0", "0.001"}}, {2, 3}, {false, false}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ReadResult r = ReadZip(Workbook(c.date1904, c.rows, c.shared));
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    ASSERT_TRUE(r.end.ok()) << r.end.ToString();
    EXPECT_EQ(r.detected.date1904, c.date1904);
    EXPECT_EQ(r.detected.header, c.header);
    ASSERT_EQ(r.rows.size(), c.cells.size());
    for (size_t i = 0; i < c.cells.size(); ++i) {
      EXPECT_EQ(r.rows[i].cells, c.cells[i]) << i;
      EXPECT_EQ(r.rows[i].number, c.numbers[i]) << i;
      EXPECT_EQ(!r.rows[i].error.ok(), c.errors[i]) << i << " " << r.rows[i].error.ToString();
    }
  }
}

// Prefixed namespaces (as some tools write them) and no rels at all: names match by local name
// and the sheet part is found by Excel's own naming.
TEST(XlsxReaderTest, PrefixedNamespacesAndMissingRels) {
  Parts parts = {
      {"xl/workbook.xml", std::string("<x:workbook xmlns:x=\"") + kMain + "\" xmlns:rr=\"" + kRel +
                              "\"><x:sheets><x:sheet name=\"S\" sheetId=\"1\" rr:id=\"r9\"/>"
                              "</x:sheets></x:workbook>"},
      {"xl/worksheets/sheet1.xml",
       std::string("<x:worksheet xmlns:x=\"") + kMain +
           "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>h</x:t>"
           "</x:is></x:c></x:row><x:row r=\"2\"><x:c r=\"A2\"><x:v>5</x:v></x:c></x:row>"
           "</x:sheetData></x:worksheet>"}};
  ReadResult r = ReadZip(parts);
  ASSERT_TRUE(r.open.ok()) << r.open.ToString();
  EXPECT_EQ(r.detected.header, (Cells{"h"}));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].cells, (Cells{"5"}));
}

// --- Files no reader takes: a clear error, never a crash or a hang ---

std::string Ole2(bool encrypted) {
  // Header sector: magic, sector shift 9 (512 bytes) at 0x1E, first directory sector 1 at 0x30.
  std::string file(2048, '\0');
  file.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  file[0x1E] = 9;
  file[0x30] = 1;
  std::string name;
  for (char c : std::string(encrypted ? "EncryptionInfo" : "Workbook")) {
    name.push_back(c);
    name.push_back('\0');
  }
  file.replace(1024 + 128, name.size(), name);  // the second directory entry
  return file;
}

TEST(XlsxReaderTest, FilesThatAreRefused) {
  TempDir dir;
  std::string real = testing::ReadFileBytes(WriteTypesWorkbook(dir, false));
  std::string zeros(64 << 20, '\0');

  struct Refusal {
    std::string name;
    std::string bytes;     // the file, or
    Parts parts;           // a zip of these
    ReaderOptions options;
    StatusCode code;
    std::string message_part;
    bool at_open = true;   // else at Next()
  };
  ReaderOptions tiny_inflate;
  tiny_inflate.max_inflated_bytes = 2000;
  ReaderOptions tiny_strings;
  tiny_strings.max_shared_strings_bytes = 10;
  const Refusal cases[] = {
      {"legacy_xls", Ole2(false), {}, {}, StatusCode::kInvalidArgument,
       "legacy .xls is not supported; save as .xlsx or CSV"},
      {"encrypted", Ole2(true), {}, {}, StatusCode::kInvalidArgument,
       "encrypted/password-protected"},
      {"zip_bomb_sheet", "", Workbook(false, "") , {}, StatusCode::kTooLarge, "zip bomb"},
      {"inflate_total", real, {}, tiny_inflate, StatusCode::kTooLarge, "inflates to more than"},
      {"shared_strings_cap", real, {}, tiny_strings, StatusCode::kTooLarge, "shared strings"},
      {"truncated", real.substr(0, real.size() / 2), {}, {}, StatusCode::kInvalidArgument,
       "corrupt or truncated"},
      {"zip_without_workbook", "", {{"hello.txt", "hi"}}, {}, StatusCode::kInvalidArgument,
       "not an Excel workbook"},
      {"ods", "", {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                   {"content.xml", "<office:document-content/>"}},
       {}, StatusCode::kInvalidArgument, ".ods"},
      {"dtd_entities", "",
       Workbook(false, "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row>"),
       {}, StatusCode::kInvalidArgument, "DTD"},
      {"shared_string_index_out_of_range", "",
       Workbook(false, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>", "<si><t>x</t></si>"),
       {}, StatusCode::kInvalidArgument, "shared string index 5 out of range"},
      {"bad_xml", "", Workbook(false, "<row r=\"1\"><c r=\"A1\"><v>1</v></row>"), {},
       StatusCode::kInvalidArgument, "mismatched tag"},
      {"row_past_1048576", "",
       Workbook(false, "<row r=\"1048576\"><c r=\"A1048576\"><v>1</v></c></row>"
                       "<row><c><v>2</v></c></row>"),
       {}, StatusCode::kInvalidArgument, "past row 1048576"},
      {"column_past_xfd", "", Workbook(false, "<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>"),
       {}, StatusCode::kTooLarge, "column"},
  };
  for (const Refusal& c : cases) {
    SCOPED_TRACE(c.name);
    std::string path = dir.File(c.name + ".xlsx");
    if (!c.bytes.empty()) {
      WriteFile(path, c.bytes);
    } else {
      Parts parts = c.parts;
      if (c.name == "zip_bomb_sheet") parts.back().second = zeros;  // 64 MiB of NULs
      if (c.name == "dtd_entities")
        for (auto& [name, content] : parts)
          if (name == "xl/workbook.xml")
            content = "<!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>" +
                      content;
      ASSERT_TRUE(WriteZip(path, parts, 9));
    }
    ReadResult r = ReadPath(path, c.options);
    const Status& s = r.open.ok() ? r.end : r.open;
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
  }
}

// Every single-byte corruption of a real workbook ends in rows or a clean error.
TEST(XlsxReaderTest, CorruptedBytesNeverCrash) {
  TempDir dir;
  const std::string real = testing::ReadFileBytes(WriteTypesWorkbook(dir, false));
  size_t errors = 0;
  for (size_t at = 0; at < real.size(); at += 11) {
    std::string bad = real;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    ReadResult r = Drain(OpenXlsxReaderFromMemory(bad, {}));
    const Status& s = r.open.ok() ? r.end : r.open;
    if (!s.ok()) {
      ++errors;
      EXPECT_TRUE(s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ||
                  s.code() == StatusCode::kTooLarge)
          << s.ToString();
    }
  }
  EXPECT_GT(errors, 0u);
}

TEST(XlsxReaderTest, MemoryPackageReadsTheSameParts) {
  std::map<std::string, std::string> parts;
  for (auto& [name, content] :
       Workbook(false, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
                       "<row r=\"2\"><c r=\"A2\" s=\"2\"><v>45306</v></c></row>",
                "<si><t>since</t></si>"))
    parts[name] = content;
  ReadResult r = Drain(OpenXlsxPackage(MemoryPackage(parts), {}));
  ASSERT_TRUE(r.open.ok()) << r.open.ToString();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].cells, (Cells{"2024-01-15"}));
}

}  // namespace
}  // namespace rally::importexport
