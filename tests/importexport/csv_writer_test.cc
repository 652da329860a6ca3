// CsvWriter: quoting, formula-injection protection, BOM and delimiters as tables of cases, and
// every written table read back by the project's own CSV reader.
#include "importexport/csv_writer.h"

#include <gtest/gtest.h>

#include "reader_test_util.h"

namespace rally::importexport {
namespace {

using testing::ReadCsv;

struct FieldCase {
  std::string name;
  std::string value;
  CsvWriter::Kind kind = CsvWriter::Kind::kText;
  bool protect = true;
  char delimiter = ',';
  std::string want;
};

TEST(CsvWriterTest, WritesOneField) {
  const std::vector<FieldCase> cases = {
      {"plain", "Ada", {}, true, ',', "Ada"},
      {"empty", "", {}, true, ',', ""},
      {"utf-8 and emoji as is", "Zoë 🎉 Ñandú", {}, true, ',', "Zoë 🎉 Ñandú"},
      {"comma quoted", "Lovelace, Ada", {}, true, ',', "\"Lovelace, Ada\""},
      {"comma not special under ;", "Lovelace, Ada", {}, true, ';', "Lovelace, Ada"},
      {"semicolon quoted under ;", "a;b", {}, true, ';', "\"a;b\""},
      {"tab quoted under tab", "a\tb", {}, true, '\t', "\"a\tb\""},
      {"pipe quoted under |", "a|b", {}, true, '|', "\"a|b\""},
      {"quotes doubled", "5\" \"tall\"", {}, true, ',', "\"5\"\" \"\"tall\"\"\""},
      {"LF quoted", "two\nlines", {}, true, ',', "\"two\nlines\""},
      {"CRLF quoted", "two\r\nlines", {}, true, ',', "\"two\r\nlines\""},
      {"leading space quoted", " x", {}, true, ',', "\" x\""},
      {"trailing space quoted", "x ", {}, true, ',', "\"x \""},
      {"= protected", "=1+2", {}, true, ',', "'=1+2"},
      {"+ protected", "+1 415 555 0100", {}, true, ',', "'+1 415 555 0100"},
      {"- protected", "-2+3", {}, true, ',', "'-2+3"},
      {"@ protected", "@SUM(A1)", {}, true, ',', "'@SUM(A1)"},
      {"tab protected and quoted under tab", "\t=1", {}, true, '\t', "\"'\t=1\""},
      {"tab protected under ,", "\tx", {}, true, ',', "'\tx"},
      {"CR protected and quoted", "\r=1", {}, true, ',', "\"'\r=1\""},
      {"protected and quoted", "=HYPERLINK(\"x\",\"y\")", {}, true, ',', "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""},
      {"= inside is fine", "a=b", {}, true, ',', "a=b"},
      {"opt-out keeps =", "=1+2", {}, false, ',', "=1+2"},
      {"opt-out keeps + and quotes", "+a,b", {}, false, ',', "\"+a,b\""},
      {"negative number not protected", "-5", CsvWriter::Kind::kNumber, true, ',', "-5"},
      {"negative number text is protected", "-5", CsvWriter::Kind::kText, true, ',', "'-5"},
  };
  for (const FieldCase& c : cases) {
    CsvWriter w({.delimiter = c.delimiter, .bom = false, .protect_formulas = c.protect});
    std::string out;
    w.Field(out, c.value, c.kind);
    EXPECT_EQ(out, c.want) << c.name;
  }
}

TEST(CsvWriterTest, RecordsAndBom) {
  struct Case {
    std::string name;
    CsvOptions options;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"comma, no BOM", {}, "email,name\r\nada@x.io,\"A, B\"\r\n,\r\n"},
      {"BOM first", {.delimiter = ',', .bom = true}, "\xEF\xBB\xBF" "email,name\r\nada@x.io,\"A, B\"\r\n,\r\n"},
      {"semicolon", {.delimiter = ';'}, "email;name\r\nada@x.io;A, B\r\n;\r\n"},
      {"tab", {.delimiter = '\t'}, "email\tname\r\nada@x.io\tA, B\r\n\t\r\n"},
  };
  for (const Case& c : cases) {
    CsvWriter w(c.options);
    std::string out;
    w.Begin(out);
    for (const auto& row : std::vector<std::vector<std::string>>{{"email", "name"}, {"ada@x.io", "A, B"}, {"", ""}}) {
      for (const std::string& f : row) w.Field(out, f);
      w.EndRow(out);
    }
    EXPECT_EQ(out, c.want) << c.name;
  }
}

TEST(CsvWriterTest, ReadsBackExactlyWithTheProjectReader) {
  const std::vector<std::vector<std::string>> rows = {
      {"email", "name", "note"},
      {"zoë@example.com", "Zoë 🎉", "two\nlines, \"quoted\""},
      {"ada@example.com", "Lovelace, Ada", "a;b|c\td"},
      {"bob@example.com", "", "=1+2"},
  };
  for (char delimiter : {',', ';', '\t', '|'}) {
    for (bool bom : {false, true}) {
      CsvWriter w({.delimiter = delimiter, .bom = bom, .protect_formulas = false});
      std::string out;
      w.Begin(out);
      for (const auto& row : rows) {
        for (const std::string& f : row) w.Field(out, f);
        w.EndRow(out);
      }
      auto r = ReadCsv(out);
      ASSERT_TRUE(r.open.ok()) << r.open.ToString();
      EXPECT_EQ(r.detected.delimiter, delimiter);
      EXPECT_EQ(r.detected.header, rows[0]);
      ASSERT_EQ(r.rows.size(), rows.size() - 1) << "delimiter " << delimiter;
      for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(r.rows[i - 1].cells, rows[i]) << "delimiter " << delimiter;
    }
  }
}

TEST(CsvWriterTest, ParsesDelimiters) {
  const std::vector<std::pair<std::string, std::optional<char>>> cases = {
      {",", ','}, {"comma", ','}, {";", ';'}, {"semicolon", ';'}, {"tab", '\t'}, {"\t", '\t'},
      {"TAB", '\t'}, {"|", '|'}, {"pipe", '|'}, {":", std::nullopt}, {"", std::nullopt}, {",,", std::nullopt},
  };
  for (const auto& [text, want] : cases) {
    auto got = ParseDelimiter(text);
    if (want) {
      ASSERT_TRUE(got.ok()) << text;
      EXPECT_EQ(*got, *want) << text;
    } else {
      ASSERT_FALSE(got.ok()) << text;
      ASSERT_EQ(got.status().details().size(), 1u);
      EXPECT_EQ(got.status().details()[0].field, "delimiter");
    }
  }
}

}  // namespace
}  // namespace rally::importexport
