#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/strings.h"
#include "importexport/row_reader.h"
#include "importexport/text_decoder.h"
#include "reader_test_util.h"

namespace rally::importexport {
namespace {

using testing::ReadCsv;
using testing::ReadResult;
using Cells = std::vector<std::string>;

// UTF-8 -> UTF-16 (BMP and astral), with a BOM.
std::string Utf16(std::string_view utf8, bool little_endian, bool bom = true) {
  std::string out;
  auto put = [&](uint32_t u) {
    char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out.push_back(little_endian ? lo : hi);
    out.push_back(little_endian ? hi : lo);
  };
  if (bom) put(0xFEFF);
  for (size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp;
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += static_cast<size_t>(n);
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

struct ExpectedRow {
  int64_t number;
  Cells cells;
  bool error = false;
  int64_t line = 0;  // checked when set
};

struct Case {
  std::string name;
  std::string input;
  ReaderOptions options;
  TextEncoding encoding;
  char delimiter;
  int64_t header_row;
  Cells header;
  std::vector<ExpectedRow> rows;
};

ReaderOptions WithHeaderRow(int64_t n) {
  ReaderOptions o;
  o.header_row = n;
  return o;
}

TEST(CsvReaderTest, Cases) {
  const std::string linkedin =
      "Notes:\n"
      "\"When exporting your connection data, you may notice that some of the email addresses "
      "are missing. You will only see email addresses for connections who have allowed their "
      "connections to see or download their email address using this setting.\"\n"
      "\n"
      "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
      "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Engines,Analyst,01 Jan 2024\n"
      "Grace,Hopper,https://www.linkedin.com/in/grace,,Navy,Admiral,02 Feb 2024\n";
  const Case cases[] = {
      {"comma_lf", "email,name\na@x.co,Ada\nb@x.co,Bob\n", {}, TextEncoding::kUtf8, ',', 1,
       {"email", "name"}, {{2, {"a@x.co", "Ada"}}, {3, {"b@x.co", "Bob"}}}},
      {"crlf_no_final_newline", "email,name\r\na@x.co,Ada\r\nb@x.co,Bob", {}, TextEncoding::kUtf8,
       ',', 1, {"email", "name"}, {{2, {"a@x.co", "Ada"}, false, 2}, {3, {"b@x.co", "Bob"}, false, 3}}},
      {"cr_only", "email,name\ra@x.co,Ada\rb@x.co,Bob\r", {}, TextEncoding::kUtf8, ',', 1,
       {"email", "name"}, {{2, {"a@x.co", "Ada"}, false, 2}, {3, {"b@x.co", "Bob"}, false, 3}}},
      {"mixed_line_ends", "a,b\r\n1,2\n3,4\r5,6\r\n", {}, TextEncoding::kUtf8, ',', 1, {"a", "b"},
       {{2, {"1", "2"}}, {3, {"3", "4"}}, {4, {"5", "6"}}}},
      {"semicolon_with_decimal_commas", "name;price;qty\nfoo;1,5;2\nbar;2,25;3\nbaz;0,5;1\n", {},
       TextEncoding::kUtf8, ';', 1, {"name", "price", "qty"},
       {{2, {"foo", "1,5", "2"}}, {3, {"bar", "2,25", "3"}}, {4, {"baz", "0,5", "1"}}}},
      {"tab", "email\tname\na@x.co\tAda, Countess\n", {}, TextEncoding::kUtf8, '\t', 1,
       {"email", "name"}, {{2, {"a@x.co", "Ada, Countess"}}}},
      {"pipe", "email|name|city\na@x.co|Ada|London\nb@x.co|Bob|Paris\n", {}, TextEncoding::kUtf8,
       '|', 1, {"email", "name", "city"},
       {{2, {"a@x.co", "Ada", "London"}}, {3, {"b@x.co", "Bob", "Paris"}}}},
      {"quoting_rfc4180",
       "email,note,quote\n"
       "a@x.co,\"one, two\",\"say \"\"hi\"\"\"\n"
       "b@x.co,\"line 1\r\nline 2\nline 3\",\"\"\n"
       "c@x.co,plain,\"\"\"\"\n",
       {}, TextEncoding::kUtf8, ',', 1, {"email", "note", "quote"},
       {{2, {"a@x.co", "one, two", "say \"hi\""}, false, 2},
        {3, {"b@x.co", "line 1\r\nline 2\nline 3", ""}, false, 3},
        {4, {"c@x.co", "plain", "\""}, false, 6}}},
      {"quoted_delimiters_do_not_fool_the_sniffer",
       "\"a;b\",\"c;d\",e\n\"1;2\",\"3;4\",5\n\"6;7\",\"8;9\",0\n", {}, TextEncoding::kUtf8, ',',
       1, {"a;b", "c;d", "e"}, {{2, {"1;2", "3;4", "5"}}, {3, {"6;7", "8;9", "0"}}}},
      {"bare_quote_in_unquoted_cell_is_literal", "item,size\nboard,5\" x 7\"\n", {},
       TextEncoding::kUtf8, ',', 1, {"item", "size"}, {{2, {"board", "5\" x 7\""}}}},
      {"text_after_closing_quote_is_kept", "a,b\n\"abc\"def,x\n", {}, TextEncoding::kUtf8, ',', 1,
       {"a", "b"}, {{2, {"abcdef", "x"}}}},
      {"unterminated_quote_is_a_row_error", "a,b\n1,2\n3,\"never closed\n4,5\n", {},
       TextEncoding::kUtf8, ',', 1, {"a", "b"},
       {{2, {"1", "2"}}, {3, {"3", "never closed\n4,5\n"}, true}}},
      {"utf8_bom", "\xEF\xBB\xBF" "email,name\na@x.co,Jos\xC3\xA9\n", {}, TextEncoding::kUtf8Bom,
       ',', 1, {"email", "name"}, {{2, {"a@x.co", "Jos\xC3\xA9"}}}},
      {"utf16le_excel_unicode_text",
       Utf16("email\tname\r\na@x.co\tJos\xC3\xA9 \xF0\x9F\x8E\x89\r\nb@x.co\t\xE6\x97\xA5\xE6\x9C\xAC\r\n", true),
       {}, TextEncoding::kUtf16Le, '\t', 1, {"email", "name"},
       {{2, {"a@x.co", "Jos\xC3\xA9 \xF0\x9F\x8E\x89"}}, {3, {"b@x.co", "\xE6\x97\xA5\xE6\x9C\xAC"}}}},
      {"utf16be", Utf16("email,name\na@x.co,\xC3\x89mile\n", false), {}, TextEncoding::kUtf16Be,
       ',', 1, {"email", "name"}, {{2, {"a@x.co", "\xC3\x89mile"}}}},
      {"utf16le_without_bom", Utf16("email,name\na@x.co,Ada\n", true, false), {},
       TextEncoding::kUtf16Le, ',', 1, {"email", "name"}, {{2, {"a@x.co", "Ada"}}}},
      {"windows1252", "email,name,note\na@x.co,Jos\xE9,\x80" "5 \x93quoted\x94\n", {},
       TextEncoding::kWindows1252, ',', 1, {"email", "name", "note"},
       {{2, {"a@x.co", "Jos\xC3\xA9", "\xE2\x82\xAC" "5 \xE2\x80\x9Cquoted\xE2\x80\x9D"}}}},
      {"linkedin_notes_preamble", linkedin, {}, TextEncoding::kUtf8, ',', 4,
       {"First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"},
       {{5,
         {"Ada", "Lovelace", "https://www.linkedin.com/in/ada", "ada@example.com", "Engines",
          "Analyst", "01 Jan 2024"}},
        {6,
         {"Grace", "Hopper", "https://www.linkedin.com/in/grace", "", "Navy", "Admiral",
          "02 Feb 2024"}}}},
      {"title_line_then_blank_then_header", "Contacts export 2024\n\nemail,name\na@x.co,Ada\n",
       {}, TextEncoding::kUtf8, ',', 3, {"email", "name"}, {{4, {"a@x.co", "Ada"}}}},
      {"header_row_override", "email,name\nskip,me\nreal,header\na@x.co,Ada\n", WithHeaderRow(3),
       TextEncoding::kUtf8, ',', 3, {"real", "header"}, {{4, {"a@x.co", "Ada"}}}},
      {"ragged_rows_are_errors", "a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,,\n", {}, TextEncoding::kUtf8,
       ',', 1, {"a", "b", "c"},
       {{2, {"1", "2", "3"}},
        {3, {"1", "2", ""}, true},
        {4, {"1", "2", "3", "4"}, true},
        {5, {"1", "2", "3"}}}},
      {"trailing_delimiter_everywhere", "a,b,\n1,2,\n", {}, TextEncoding::kUtf8, ',', 1,
       {"a", "b"}, {{2, {"1", "2"}}}},
      {"blank_lines_skipped_but_counted", "a,b\n\n1,2\n,\n3,4\n\n", {}, TextEncoding::kUtf8, ',',
       1, {"a", "b"}, {{3, {"1", "2"}, false, 3}, {5, {"3", "4"}, false, 5}}},
      {"one_column", "email\na@x.co\nb@x.co\n", {}, TextEncoding::kUtf8, ',', 1, {"email"},
       {{2, {"a@x.co"}}, {3, {"b@x.co"}}}},
      {"empty_file", "", {}, TextEncoding::kUtf8, ',', 0, {}, {}},
      {"only_header", "email,name\r\n", {}, TextEncoding::kUtf8, ',', 1, {"email", "name"}, {}},
      {"quoted_empty_and_spaces_kept", "a,b\n\"\",  x  \n", {}, TextEncoding::kUtf8, ',', 1,
       {"a", "b"}, {{2, {"", "  x  "}}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ReadResult r = ReadCsv(c.input, c.options);
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    ASSERT_TRUE(r.end.ok()) << r.end.ToString();
    EXPECT_EQ(r.detected.format, FileFormat::kCsv);
    EXPECT_EQ(TextEncodingName(r.detected.encoding), TextEncodingName(c.encoding));
    EXPECT_EQ(r.detected.delimiter, c.delimiter);
    EXPECT_EQ(r.detected.header_row, c.header_row);
    EXPECT_EQ(r.detected.header, c.header);
    ASSERT_EQ(r.rows.size(), c.rows.size());
    for (size_t i = 0; i < c.rows.size(); ++i) {
      SCOPED_TRACE("row " + std::to_string(i));
      EXPECT_EQ(r.rows[i].number, c.rows[i].number);
      EXPECT_EQ(r.rows[i].cells, c.rows[i].cells);
      EXPECT_EQ(!r.rows[i].error.ok(), c.rows[i].error) << r.rows[i].error.ToString();
      if (c.rows[i].line != 0) {
        EXPECT_EQ(r.rows[i].line, c.rows[i].line);
      }
    }
  }
}

TEST(CsvReaderTest, RaggedRowErrorNamesRowAndCounts) {
  ReadResult r = ReadCsv("a,b,c\n1,2\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].error.message(), "row 2 has 2 cells; the header (row 1) has 3");
}

// A file that is ASCII for the whole sniffing sample and has a Windows-1252 byte far later:
// detected as UTF-8, and the late byte still reads as the character it meant.
TEST(CsvReaderTest, LateWindows1252ByteReadsAsWindows1252) {
  std::string csv = "email,name\n";
  for (int i = 0; i < 5000; ++i) csv += "user" + std::to_string(i) + "@example.com,Plain Name\n";
  csv += "late@example.com,Ren\xE9" "e\n";
  csv += "utf8@example.com,Ren\xC3\xA9" "e\n";
  ReadResult r = ReadCsv(csv);
  ASSERT_TRUE(r.end.ok());
  EXPECT_EQ(r.detected.encoding, TextEncoding::kUtf8);
  ASSERT_EQ(r.rows.size(), 5002u);
  EXPECT_EQ(r.rows[5000].cells[1], "Ren\xC3\xA9" "e");
  EXPECT_EQ(r.rows[5001].cells[1], "Ren\xC3\xA9" "e");
  EXPECT_EQ(r.detected.windows1252_fallback_bytes, 1u);
}

// Big enough to cross several 256 KiB chunks, with multi-byte characters, quoted newlines and
// doubled quotes landing on chunk boundaries; every encoding gives the same rows.
TEST(CsvReaderTest, ChunkBoundariesInEveryEncoding) {
  std::string utf8 = "email,name,note\n";
  std::vector<Cells> expected;
  for (int i = 0; i < 12000; ++i) {
    std::string name = "Jos\xC3\xA9 " + std::to_string(i) + (i % 7 == 0 ? " \xE2\x82\xAC" : "");
    std::string note = i % 3 == 0 ? "two\nlines \"q\"" : "plain";
    utf8 += "u" + std::to_string(i) + "@x.co," + name + ",\"" +
            (i % 3 == 0 ? std::string("two\nlines \"\"q\"\"") : note) + "\"\n";
    expected.push_back({"u" + std::to_string(i) + "@x.co", name, note});
  }
  struct Variant {
    std::string name, bytes;
    TextEncoding encoding;
    ReaderOptions options;
  };
  ReaderOptions cp1252;
  cp1252.encoding = TextEncoding::kWindows1252;
  std::string as1252;
  for (size_t i = 0; i < utf8.size(); ++i) {  // é and € only
    if (utf8.compare(i, 2, "\xC3\xA9") == 0) {
      as1252 += '\xE9';
      ++i;
    } else if (utf8.compare(i, 3, "\xE2\x82\xAC") == 0) {
      as1252 += '\x80';
      i += 2;
    } else {
      as1252 += utf8[i];
    }
  }
  ReaderOptions tiny_sample;
  tiny_sample.sample_bytes = 5;  // the sample ends inside "é" of no row: boundaries everywhere
  const Variant variants[] = {
      {"utf8", utf8, TextEncoding::kUtf8, {}},
      {"utf8_tiny_sample", utf8, TextEncoding::kUtf8, tiny_sample},
      {"utf16le", Utf16(utf8, true), TextEncoding::kUtf16Le, {}},
      {"utf16be", Utf16(utf8, false), TextEncoding::kUtf16Be, {}},
      {"windows1252", as1252, TextEncoding::kWindows1252, {}},
      {"windows1252_forced", as1252, TextEncoding::kWindows1252, cp1252},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    ReadResult r = ReadCsv(v.bytes, v.options);
    ASSERT_TRUE(r.open.ok() && r.end.ok()) << r.open.ToString() << r.end.ToString();
    EXPECT_EQ(r.detected.encoding, v.encoding);
    ASSERT_EQ(r.rows.size(), expected.size());
    int64_t line = 2;
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(r.rows[i].cells, expected[i]) << i;
      ASSERT_EQ(r.rows[i].number, static_cast<int64_t>(i) + 2);
      ASSERT_EQ(r.rows[i].line, line);
      line += i % 3 == 0 ? 2 : 1;
    }
  }
}

TEST(CsvReaderTest, LimitsEndTheReadWithTooLarge) {
  struct LimitCase {
    std::string name, input;
    ReaderOptions options;
    std::string message_part;
  };
  ReaderOptions small_cell;
  small_cell.max_cell_bytes = 10;
  ReaderOptions small_row;
  small_row.max_row_bytes = 12;
  ReaderOptions few_columns;
  few_columns.max_columns = 3;
  const LimitCase cases[] = {
      {"cell", "a,b\n1,0123456789A\n", small_cell, "row 2 (line 2): a cell is over the 10-byte"},
      {"stray_quote", "a,b\n1,\"" + std::string(100, 'x') + "\n2,3\n", small_cell,
       "is a quote left open?"},
      {"row", "a,b\n1234567,1234567\n", small_row, "row 2 (line 2): the row is over"},
      {"columns", "a,b\n1,2\n3,4\n1,2,3,4,5\n", few_columns, "more than 3 cells"},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.name);
    ReadResult r = ReadCsv(c.input, c.options);
    ASSERT_TRUE(r.open.ok()) << r.open.ToString();
    EXPECT_EQ(r.end.code(), StatusCode::kTooLarge) << r.end.ToString();
    EXPECT_NE(r.end.message().find(c.message_part), std::string::npos) << r.end.message();
  }
}

TEST(CsvReaderTest, BadOptions) {
  ReaderOptions bad_delim;
  bad_delim.delimiter = 'x';
  EXPECT_EQ(ReadCsv("a,b\n", bad_delim).open.details().at(0).field, "delimiter");
  ReadResult past = ReadCsv("a,b\n1,2\n", WithHeaderRow(9));
  EXPECT_EQ(past.open.details().at(0).field, "header_row");
  EXPECT_NE(past.open.message().find("past the end"), std::string::npos);
  ReadResult blank = ReadCsv("a,b\n\n1,2\n", WithHeaderRow(2));
  EXPECT_NE(blank.open.message().find("row 2 is empty"), std::string::npos);
}

TEST(CsvReaderTest, ExplicitDelimiterAndEncoding) {
  ReaderOptions o;
  o.delimiter = ';';
  ReadResult r = ReadCsv("a,b;c\n1,2;3\n", o);
  EXPECT_EQ(r.detected.header, (Cells{"a,b", "c"}));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].cells, (Cells{"1,2", "3"}));
}

// The decoder gives the same text however the bytes are split.
TEST(TextDecoderTest, SplitsAnywhere) {
  const std::string utf8 = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89z \xFF end \xC3";
  struct Enc {
    TextEncoding e;
    std::string bytes;
  };
  const Enc encs[] = {
      {TextEncoding::kUtf8, utf8},
      {TextEncoding::kUtf16Le, Utf16("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89z", true, false)},
      {TextEncoding::kUtf16Be, Utf16("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89z", false, false)},
  };
  for (const Enc& enc : encs) {
    TextDecoder whole(enc.e);
    std::string expected;
    whole.Decode(enc.bytes, true, &expected);
    EXPECT_TRUE(IsValidUtf8(expected));
    for (size_t split = 0; split <= enc.bytes.size(); ++split) {
      TextDecoder d(enc.e);
      std::string out;
      d.Decode(std::string_view(enc.bytes).substr(0, split), false, &out);
      d.Decode(std::string_view(enc.bytes).substr(split), true, &out);
      EXPECT_EQ(out, expected) << TextEncodingName(enc.e) << " split at " << split;
    }
  }
  TextDecoder d(TextEncoding::kUtf8);
  std::string out;
  d.Decode(utf8, true, &out);
  EXPECT_EQ(out, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89z \xC3\xBF end \xC3\x83");
  EXPECT_EQ(d.fallback_bytes(), 2u);
}

TEST(TextDecoderTest, Detection) {
  struct DetectCase {
    std::string sample;
    bool complete;
    TextEncoding encoding;
    size_t bom;
  };
  const DetectCase cases[] = {
      {"plain ascii", true, TextEncoding::kUtf8, 0},
      {"caf\xC3\xA9", true, TextEncoding::kUtf8, 0},
      {"caf\xC3", false, TextEncoding::kUtf8, 0},  // cut by the sample's end
      {"caf\xC3", true, TextEncoding::kWindows1252, 0},
      {"caf\xE9 ok", true, TextEncoding::kWindows1252, 0},
      {"\xEF\xBB\xBFx", true, TextEncoding::kUtf8Bom, 3},
      {"\xFF\xFEx\0", true, TextEncoding::kUtf16Le, 2},
      {"\xFE\xFF\0x", true, TextEncoding::kUtf16Be, 2},
      {std::string("a\0b\0c\0", 6), true, TextEncoding::kUtf16Le, 0},
      {std::string("\0a\0b\0c", 6), true, TextEncoding::kUtf16Be, 0},
  };
  for (const DetectCase& c : cases) {
    EncodingGuess g = DetectEncoding(c.sample, c.complete);
    EXPECT_EQ(g.encoding, c.encoding) << c.sample;
    EXPECT_EQ(g.bom_bytes, c.bom) << c.sample;
  }
}

TEST(RowReaderTest, EncodingNames) {
  for (TextEncoding e : {TextEncoding::kUtf8, TextEncoding::kUtf8Bom, TextEncoding::kUtf16Le,
                         TextEncoding::kUtf16Be, TextEncoding::kWindows1252})
    EXPECT_EQ(ParseTextEncoding(TextEncodingName(e)), e);
  EXPECT_EQ(ParseTextEncoding("CP1252"), TextEncoding::kWindows1252);
  EXPECT_EQ(ParseTextEncoding("ebcdic"), std::nullopt);
}

}  // namespace
}  // namespace rally::importexport
