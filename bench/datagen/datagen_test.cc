#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "contact_generator.h"
#include "formats.h"
#include "pools.h"

namespace rally::datagen {
namespace {

std::string Generate(uint64_t seed, uint64_t count, bool csv, uint32_t dup_per_mille = 30) {
  ContactGenerator gen({.seed = seed, .count = count, .duplicate_per_mille = dup_per_mille});
  Contact c;
  std::string out;
  if (csv) AppendCsvHeader(&out);
  for (uint64_t i = 0; i < count; ++i) {
    gen.Next(&c);
    csv ? AppendCsvRow(c, &out) : AppendJsonLine(c, &out);
  }
  return out;
}

std::vector<Contact> Rows(uint64_t seed, uint64_t count, uint32_t dup_per_mille = 30) {
  ContactGenerator gen({.seed = seed, .count = count, .duplicate_per_mille = dup_per_mille});
  std::vector<Contact> rows(count);
  for (Contact& c : rows) gen.Next(&c);
  return rows;
}

// The normalization Rally applies to emails, restricted to what the generator produces
// (ASCII case; IDN domains are generated lowercase already).
std::string NormalizeEmail(std::string_view e) {
  while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
  while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
  std::string s(e);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// local@domain with a dotted domain, local part of letters, digits, '.', '_', '-' (no leading,
// trailing or double dots), domain labels of letters, digits, '-' or UTF-8 (IDN).
bool LooksLikeEmail(std::string_view e) {
  const size_t at = e.find('@');
  if (at == std::string_view::npos || e.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = e.substr(0, at), domain = e.substr(at + 1);
  if (local.empty() || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u) && c != '.' && c != '-') return false;
  }
  return true;
}

// A strict RFC 4180 reader for the test: rows of cells, quotes doubled inside quoted cells.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell.push_back(c);
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(DatagenTest, SameSeedSameBytesOtherSeedOtherBytes) {
  struct Case {
    bool csv;
  } cases[] = {{true}, {false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.csv ? "csv" : "jsonl");
    const std::string a = Generate(42, 10'000, c.csv);
    EXPECT_EQ(a, Generate(42, 10'000, c.csv));
    EXPECT_NE(a, Generate(43, 10'000, c.csv));
  }
}

// A fixed fingerprint of the first rows: fails if generation changes on another platform or
// standard library, or when someone edits the pools (then update it on purpose, knowing that
// recorded benchmark data sets change with it).
constexpr uint64_t kExpectedFingerprint = 3869373892136294111ULL;

TEST(DatagenTest, OutputIsStableAcrossBuilds) {
  const std::string csv = Generate(1, 1000, true);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : csv) h = (h ^ c) * 0x100000001b3ULL;
  EXPECT_EQ(h, kExpectedFingerprint) << csv.substr(0, csv.find('\n', csv.find('\n') + 1));
}

TEST(DatagenTest, RepeatedEmailsCollideOnlyAfterNormalization) {
  struct Case {
    uint32_t dup_per_mille;
    double min_share, max_share;
  } cases[] = {{30, 0.025, 0.035}, {0, 0.0, 0.0}, {100, 0.09, 0.11}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dup_per_mille);
    constexpr uint64_t kRows = 60'000;
    ContactGenerator gen({.seed = 7, .count = kRows, .duplicate_per_mille = c.dup_per_mille});
    Contact r;
    std::unordered_set<std::string> normalized, raw;
    size_t repeats = 0, raw_repeats = 0;
    for (uint64_t i = 0; i < kRows; ++i) {
      gen.Next(&r);
      if (!raw.insert(r.email).second) ++raw_repeats;
      if (!normalized.insert(NormalizeEmail(r.email)).second) ++repeats;
    }
    const double share = static_cast<double>(repeats) / kRows;
    EXPECT_GE(share, c.min_share);
    EXPECT_LE(share, c.max_share);
    // Repeats are typed differently (case or spaces); byte-identical ones are rare chance hits
    // of the same variant of the same address.
    EXPECT_LT(raw_repeats, repeats / 20 + 1);
  }
}

TEST(DatagenTest, EveryRowHasAValidLookingEmailAndSaneFields) {
  const std::vector<Contact> rows = Rows(3, 30'000);
  const std::set<std::string_view> tags(Tags().begin(), Tags().end());
  const std::set<std::string_view> industries(Industries().begin(), Industries().end());
  std::map<std::string, int> stages;
  size_t non_ascii_names = 0, cjk_names = 0, e164 = 0, garbage = 0, with_company = 0;
  for (const Contact& r : rows) {
    ASSERT_TRUE(LooksLikeEmail(NormalizeEmail(r.email))) << r.email;
    ASSERT_FALSE(r.first_name.empty());
    ASSERT_FALSE(r.last_name.empty());
    ASSERT_GE(r.lead_score, 0);
    ASSERT_LE(r.lead_score, 100);
    ASSERT_LE(r.tags.size(), 5u);
    std::set<std::string> distinct;
    for (const std::string& t : r.tags) {
      std::string lower = NormalizeEmail(t);
      ASSERT_TRUE(tags.count(lower)) << t;
      distinct.insert(lower);
    }
    ASSERT_EQ(distinct.size(), r.tags.size());
    if (!r.industry.empty()) {
      ASSERT_TRUE(industries.count(r.industry)) << r.industry;
    }
    if (!r.renewal_date.empty()) {
      ASSERT_EQ(r.renewal_date.size(), 10u) << r.renewal_date;
    }
    ++stages[NormalizeEmail(r.lifecycle_stage)];
    const std::string name = r.first_name + r.last_name;
    if (std::any_of(name.begin(), name.end(), [](char c) { return c & 0x80; })) ++non_ascii_names;
    if (static_cast<unsigned char>(name[0]) >= 0xe3 &&
        static_cast<unsigned char>(name[0]) <= 0xed) {
      ++cjk_names;  // leading bytes of the CJK and Hangul blocks
    }
    if (r.phone.starts_with("+") && r.phone.find(' ') == std::string::npos) ++e164;
    if (!r.phone.empty() && std::none_of(r.phone.begin(), r.phone.end(), ::isdigit)) ++garbage;
    if (!r.company.empty()) ++with_company;
  }
  EXPECT_EQ(stages.size(), 5u);
  for (const auto& [stage, n] : stages) EXPECT_LE(n, stages["lead"]) << stage;
  EXPECT_GT(non_ascii_names, rows.size() / 10);
  EXPECT_GT(cjk_names, rows.size() / 50);
  EXPECT_GT(e164, rows.size() / 10);
  EXPECT_GT(garbage, rows.size() / 200);
  EXPECT_GT(with_company, rows.size() / 2);
}

TEST(DatagenTest, CsvHasOneCellPerHeaderColumnAndRoundTrips) {
  const std::string csv = Generate(5, 5000, true);
  const auto table = ParseCsv(csv);
  ASSERT_EQ(table.size(), 5001u);
  const std::vector<std::string>& header = table[0];
  EXPECT_EQ(header.front(), "email");
  EXPECT_EQ(header.back(), "custom.renewal_date");
  const std::vector<Contact> rows = Rows(5, 5000);
  for (size_t i = 1; i < table.size(); ++i) {
    ASSERT_EQ(table[i].size(), header.size()) << "row " << i;
    EXPECT_EQ(table[i][0], rows[i - 1].email);  // spaces kept by quoting
  }
}

TEST(DatagenTest, JsonLinesAreApiBodies) {
  const std::string jsonl = Generate(9, 5000, false);
  size_t lines = 0, start = 0;
  while (start < jsonl.size()) {
    const size_t end = jsonl.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(jsonl.substr(start, end - start), ec);
    ASSERT_FALSE(ec) << jsonl.substr(start, end - start);
    const boost::json::object& o = v.as_object();
    ASSERT_TRUE(o.at("email").is_string());
    ASSERT_TRUE(o.at("lead_score").is_int64());
    if (o.contains("tags")) {
      ASSERT_TRUE(o.at("tags").is_array());
    }
    if (o.contains("custom")) {
      const boost::json::object& custom = o.at("custom").as_object();
      ASSERT_FALSE(custom.empty());
      if (custom.contains("annual_revenue")) {
        ASSERT_TRUE(custom.at("annual_revenue").is_int64());
      }
    }
    for (const auto& kv : o) ASSERT_FALSE(kv.value().is_string() && kv.value().as_string().empty());
    ++lines;
    start = end + 1;
  }
  EXPECT_EQ(lines, 5000u);
  const boost::json::value defs = boost::json::parse(CustomFieldsJson());
  EXPECT_EQ(defs.as_array().size(), CustomFields().size());
}

TEST(DatagenTest, NonAsciiWordsHaveAsciiSlugs) {
  auto check = [](const Word& w) {
    const bool ascii =
        std::all_of(w.display.begin(), w.display.end(), [](char c) { return !(c & 0x80); });
    EXPECT_TRUE(ascii || !w.slug.empty()) << w.display;
    for (char c : w.slug) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '-') << w.display << " -> " << w.slug;
    }
  };
  for (const Culture& c : Cultures()) {
    for (const Word& w : c.first_names) check(w);
    for (const Word& w : c.last_names) check(w);
  }
  for (const Word& w : CompanyStems()) check(w);
  for (const CompanyNoun& n : CompanyNouns()) check(n.word);
}

}  // namespace
}  // namespace rally::datagen
