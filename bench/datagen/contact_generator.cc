#include "contact_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <numeric>
#include <string_view>

#include "pools.h"
#include "random.h"

namespace rally::datagen {
namespace {

// How many earlier rows are kept as candidates for repeated emails. A fixed-size sample
// (reservoir sampling) keeps memory flat while repeats still reach back across the whole file.
constexpr size_t kReservoirSize = 1 << 16;

// ---- Small string helpers ------------------------------------------------------------------

void AppendInt(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(end - buf); pad > 0; --pad) out.push_back('0');
  out.append(buf, end);
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The ASCII form of a word for emails, domains and handles: the explicit slug, or the display
// form lowercased with everything but letters, digits and hyphens dropped ("O'Brien" -> obrien).
void AppendSlug(std::string& out, const Word& w) {
  if (!w.slug.empty()) {
    out.append(w.slug);
    return;
  }
  for (char c : w.display) {
    c = Lower(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out.push_back(c);
  }
}

// A name as typed: its own script, or (for non-Latin scripts, when romanized) the slug with
// capitals after each word start or hyphen ("al-husseini" -> "Al-Husseini").
void AssignName(std::string& out, const Word& w, bool romanized) {
  if (!romanized) {
    out.assign(w.display);
    return;
  }
  out.clear();
  AppendSlug(out, w);
  bool start = true;
  for (char& c : out) {
    if (start) c = Upper(c);
    start = (c == '-');
  }
}

// Expands a pattern: '#' a digit, 'N' a digit 2-9, '@' an uppercase letter, others literal.
void AppendPattern(std::string& out, std::string_view pattern, Random& rng) {
  for (char c : pattern) {
    switch (c) {
      case '#':
        out.push_back(static_cast<char>('0' + rng.Below(10)));
        break;
      case 'N':
        out.push_back(static_cast<char>('2' + rng.Below(8)));
        break;
      case '@':
        out.push_back(static_cast<char>('A' + rng.Below(26)));
        break;
      default:
        out.push_back(c);
    }
  }
}

// Replaces "{n}" and "{s}" in a street pattern.
void AppendStreet(std::string& out, std::string_view pattern, uint64_t number,
                  std::string_view street) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}') {
      if (pattern[i + 1] == 'n') AppendInt(out, number);
      if (pattern[i + 1] == 's') out.append(street);
      i += 2;
    } else {
      out.push_back(pattern[i]);
    }
  }
}

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a splitmix finalizer for the low bits
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return SplitMix64(h);
}

// A set of 64-bit email hashes (open addressing). A hash collision can only make a fresh email
// look taken, which adds a digit to it; it can never let a duplicate through.
class HashSet {
 public:
  HashSet() : slots_(1024, 0) {}

  // Inserts; returns false when already present.
  bool Insert(uint64_t h) {
    if (h == 0) h = 1;  // 0 marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    return InsertInto(slots_, h);
  }

 private:
  bool InsertInto(std::vector<uint64_t>& slots, uint64_t h) {
    const size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots[i] == h) return false;
      if (slots[i] == 0) {
        slots[i] = h;
        ++size_;
        return true;
      }
    }
  }

  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    size_ = 0;
    for (uint64_t h : slots_) {
      if (h != 0) InsertInto(bigger, h);
    }
    slots_.swap(bigger);
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

struct CompanyRecord {
  std::string name;
  std::string domain;
  uint32_t industry = 0;
  uint32_t country = 0;
  int64_t revenue = 0;
};

// An earlier row that a later one may repeat: enough to rebuild the same person.
struct SeenRow {
  std::string email;
  uint32_t culture = 0;
  uint32_t first = 0;
  uint32_t last = 0;
  bool romanized = false;
  int32_t company = -1;
};

constexpr std::string_view kStages[] = {"lead", "qualified", "opportunity", "customer",
                                        "evangelist"};
constexpr std::string_view kStagesDisplay[] = {"Lead", "Qualified", "Opportunity", "Customer",
                                               "Evangelist"};
constexpr uint32_t kStageWeights[] = {55, 18, 12, 12, 3};
constexpr uint32_t kTagCountWeights[] = {8, 15, 22, 25, 18, 12};  // 0..5 tags, mean ~2.7

}  // namespace

struct ContactGenerator::Impl {
  explicit Impl(const GeneratorOptions& o) : options(o), rng(o.seed) {
    for (const Culture& c : Cultures()) culture_weights.push_back(c.weight);
    BuildCompanies();
  }

  uint32_t PickCountry(const Culture& culture) {
    return culture.country_indexes[rng.Weighted(culture.country_weights)];
  }

  void BuildCompanies() {
    const auto stems = CompanyStems();
    const auto nouns = CompanyNouns();
    const auto qualifiers = CompanyQualifiers();
    const uint64_t n = std::max<uint64_t>(10, options.count / 20);
    const uint64_t combos = stems.size() * nouns.size();
    // An affine map scatters consecutive indexes over the stems and nouns, so the first
    // companies (and the popular ones) are not all "Acme ...".
    uint64_t mult = 7919;
    for (uint64_t candidate : {7919ULL, 104729ULL, 1299709ULL, 15485863ULL}) {
      if (std::gcd(candidate, combos) == 1) {
        mult = candidate;
        break;
      }
    }
    const uint64_t offset = rng.Below(combos);
    companies.resize(n);
    for (uint64_t k = 0; k < n; ++k) {
      CompanyRecord& c = companies[k];
      const uint64_t i = ((k % combos) * mult + offset) % combos;
      const uint64_t round = k / combos;
      const Word& stem = stems[i % stems.size()];
      const CompanyNoun& noun = nouns[i / stems.size()];
      const Culture& culture = Cultures()[rng.Weighted(culture_weights)];
      c.country = PickCountry(culture);
      const Country& country = Countries()[c.country];
      c.industry = noun.industry;

      c.name.assign(stem.display).append(" ").append(noun.word.display);
      std::string base;
      const bool idn =
          !IsAscii(stem.display) && IsAscii(stem.display.substr(0, 1)) && rng.PerMille(400);
      if (idn) {
        for (char ch : stem.display) base.push_back(Lower(ch));
      } else {
        AppendSlug(base, stem);
      }
      if (rng.PerMille(200)) base.push_back('-');
      AppendSlug(base, noun.word);
      if (round > 0) {
        const std::string_view q = qualifiers[(round - 1) % qualifiers.size()];
        const uint64_t extra = (round - 1) / qualifiers.size();
        c.name.append(" ").append(q);
        for (char ch : q) base.push_back(Lower(ch));
        if (extra > 0) {
          c.name.push_back(' ');
          AppendInt(c.name, extra + 1);
          AppendInt(base, extra + 1);
        }
      }
      if (rng.PerMille(550)) c.name.append(" ").append(rng.Pick(country.legal_forms));
      c.domain = std::move(base);
      c.domain.push_back('.');
      c.domain.append(rng.Pick(country.tlds));

      static constexpr uint32_t kExponentWeights[] = {15, 30, 30, 17, 8};  // 10^5 .. 10^9
      int64_t revenue = 10 + static_cast<int64_t>(rng.Below(90));          // two leading digits
      for (size_t e = rng.Weighted(kExponentWeights) + 4; e > 0; --e) revenue *= 10;
      c.revenue = revenue;
    }
  }

  // Popular companies get far more contacts: a tenth of the picks go to the top 1%.
  int32_t PickCompany() {
    const uint64_t n = companies.size();
    if (rng.PerMille(100)) return static_cast<int32_t>(rng.Below(std::max<uint64_t>(1, n / 100)));
    return static_cast<int32_t>(std::min(rng.Below(n), rng.Below(n)));
  }

  void BuildLocalPart(std::string& out, const std::string& first, const std::string& last,
                      bool personal) {
    out.clear();
    if (personal) {
      static constexpr uint32_t kWeights[] = {25, 20, 20, 10, 10, 10, 5};
      switch (rng.Weighted(kWeights)) {
        case 0:
          out.append(first).append(".").append(last);
          break;
        case 1:
          out.append(first).append(last);
          break;
        case 2:
          out.append(first).append(".").append(last);
          AppendPadded(out, rng.Below(100), 2);
          break;
        case 3:
          out.append(first).append("_").append(last);
          break;
        case 4:
          out.push_back(first[0]);
          out.append(last);
          AppendPadded(out, rng.Below(100), 2);
          break;
        case 5:
          out.append(first);
          AppendInt(out, rng.Between(1960, 2004));
          break;
        default:
          out.append(first).append(".").push_back(last[0]);
          break;
      }
      return;
    }
    static constexpr uint32_t kWeights[] = {40, 14, 8, 5, 9, 5, 4, 5, 5, 5};
    switch (rng.Weighted(kWeights)) {
      case 0:
        out.append(first).append(".").append(last);
        break;
      case 1:
        out.push_back(first[0]);
        out.append(last);
        break;
      case 2:
        out.push_back(first[0]);
        out.append(".").append(last);
        break;
      case 3:
        out.append(first);
        break;
      case 4:
        out.append(first).append(last);
        break;
      case 5:
        out.append(first).append("_").append(last);
        break;
      case 6:
        out.append(last).append(".").append(first);
        break;
      case 7:
        out.append(first).push_back(last[0]);
        break;
      case 8:
        out.append(first).append("-").append(last);
        break;
      default:
        out.append(last);
        break;
    }
  }

  // A fresh email, unique after trimming and case-folding: on a clash, a counter goes before
  // the '@' (jose.garcia2@...), as mail admins do.
  void FreshEmail(std::string& out, const std::string& first, const std::string& last,
                  std::string_view domain, bool personal) {
    BuildLocalPart(local, first, last, personal);
    out.assign(local).append("@").append(domain);
    for (uint64_t n = 2; !emails.Insert(HashBytes(out)); ++n) {
      out.assign(local);
      AppendInt(out, n);
      out.append("@").append(domain);
    }
  }

  // The same address as typed by someone else: other case, or stray spaces, or both.
  void RepeatEmail(std::string& out, const std::string& original) {
    static constexpr uint32_t kWeights[] = {20, 35, 15, 15, 15};
    const size_t kind = rng.Weighted(kWeights);
    out.assign(original);
    if (kind == 0) {
      for (char& c : out) c = Upper(c);
    } else if (kind == 1 || kind == 4) {
      bool start = true;
      for (char& c : out) {
        if (start) c = Upper(c);
        start = (c == '.' || c == '_' || c == '-' || c == '@');
      }
    }
    if (kind == 2 || kind == 4) out.insert(0, rng.PerMille(800) ? " " : "  ");
    if (kind == 3 || kind == 4) out.append(rng.PerMille(800) ? " " : "  ");
    if (out == original) out.push_back(' ');  // an address with no letter to change
  }

  void Phone(std::string& out, const Country& country) {
    if (rng.PerMille(40)) {
      out.assign(rng.Pick(GarbagePhones()));
      return;
    }
    digits.clear();
    spaced.clear();
    AppendPattern(spaced, rng.Pick(country.phone_plans), rng);
    for (char c : spaced) {
      if (c != ' ') digits.push_back(c);
    }
    out.clear();
    const bool nanp = country.calling_code == "1";
    if (country.national_formats && rng.PerMille(500)) {
      if (nanp) {
        const std::string_view d = digits;
        static constexpr uint32_t kWeights[] = {40, 30, 10, 10, 10};
        switch (rng.Weighted(kWeights)) {
          case 0:
            out.append("(")
                .append(d.substr(0, 3))
                .append(") ")
                .append(d.substr(3, 3))
                .append("-")
                .append(d.substr(6));
            break;
          case 1:
            out.append(d.substr(0, 3))
                .append("-")
                .append(d.substr(3, 3))
                .append("-")
                .append(d.substr(6));
            break;
          case 2:
            out.append(d.substr(0, 3))
                .append(".")
                .append(d.substr(3, 3))
                .append(".")
                .append(d.substr(6));
            break;
          case 3:
            out.append("1-")
                .append(d.substr(0, 3))
                .append("-")
                .append(d.substr(3, 3))
                .append("-")
                .append(d.substr(6));
            break;
          default:
            out.append(d.substr(0, 3))
                .append(" ")
                .append(d.substr(3, 3))
                .append(" ")
                .append(d.substr(6));
            break;
        }
        if (rng.PerMille(50)) {
          out.append(" x");
          AppendInt(out, rng.Between(10, 9999));
        }
      } else {
        out.append(country.trunk_prefix).append(spaced);
        if (country.code == "DE" && rng.PerMille(300)) out[out.find(' ')] = '/';
      }
      return;
    }
    static constexpr uint32_t kWeights[] = {50, 35, 10, 5};
    switch (rng.Weighted(kWeights)) {
      case 0:
        out.append("+").append(country.calling_code).append(digits);
        break;
      case 1:
        out.append("+").append(country.calling_code).append(" ").append(spaced);
        break;
      case 2:
        out.append("00").append(country.calling_code).append(" ").append(spaced);
        break;
      default:
        out.append("+").append(country.calling_code).append(" ");
        if (!country.trunk_prefix.empty()) out.append("(").append(country.trunk_prefix).append(")");
        out.append(spaced);
        break;
    }
  }

  void LinkedIn(std::string& out, const std::string& first, const std::string& last) {
    handle.assign(first);
    if (rng.PerMille(650)) handle.push_back('-');
    handle.append(last);
    if (rng.PerMille(350)) {
      handle.push_back('-');
      static constexpr char kHex[] = "0123456789abcdef";
      for (int64_t i = rng.Between(6, 8); i > 0; --i) handle.push_back(kHex[rng.Below(16)]);
    }
    static constexpr uint32_t kWeights[] = {20, 25, 40, 10, 5};
    out.clear();
    switch (rng.Weighted(kWeights)) {
      case 0:
        out.assign(handle);
        break;
      case 1:
        out.append("linkedin.com/in/").append(handle);
        break;
      case 2:
        out.append("https://www.linkedin.com/in/").append(handle);
        break;
      case 3:
        out.append("https://linkedin.com/in/").append(handle).append("/");
        break;
      default:
        out.append("www.linkedin.com/in/").append(handle);
        break;
    }
  }

  void Twitter(std::string& out, const std::string& first, const std::string& last) {
    handle.clear();
    static constexpr uint32_t kWeights[] = {35, 25, 20, 20};
    const size_t kind = rng.Weighted(kWeights);
    const bool camel = rng.PerMille(300);
    auto add = [&](std::string_view part, bool capital) {
      for (char c : part) {
        if (c == '-') continue;  // handles allow letters, digits and '_' only
        handle.push_back(capital ? Upper(c) : c);
        capital = false;
      }
    };
    switch (kind) {
      case 0:
        add(first, camel);
        add(last, camel);
        break;
      case 1:
        add(first, camel);
        handle.push_back('_');
        add(last, camel);
        break;
      case 2:
        add(std::string_view(first).substr(0, 1), camel);
        add(last, camel);
        break;
      default:
        add(first, camel);
        add(last, camel);
        AppendPadded(handle, rng.Below(100), 2);
        break;
    }
    if (handle.size() > 15) handle.resize(15);
    static constexpr uint32_t kForms[] = {50, 15, 20, 15};
    out.clear();
    switch (rng.Weighted(kForms)) {
      case 0:
        out.append("@").append(handle);
        break;
      case 1:
        out.assign(handle);
        break;
      case 2:
        out.append("https://twitter.com/").append(handle);
        break;
      default:
        out.append("https://x.com/").append(handle);
        break;
    }
  }

  void Address(Contact* c, const Country& country) {
    static constexpr uint32_t kWeights[] = {70, 15, 5, 10};  // full, city, country, none
    const size_t kind = rng.Weighted(kWeights);
    if (kind == 3) return;
    if (kind <= 1) {
      const City& city = rng.Pick(country.cities);
      c->city.assign(city.city);
      if (kind == 0) {
        // House numbers are mostly small.
        const uint64_t number = std::min(rng.Below(300), rng.Below(300)) + 1;
        AppendStreet(c->street, country.street_pattern, number, rng.Pick(country.streets));
        if (country.code == "US" && rng.PerMille(150)) {
          c->street.append(", Suite ");
          AppendInt(c->street, rng.Between(1, 9) * 100 + rng.Below(50));
        }
        c->state.assign(city.state);
        AppendPattern(c->postal_code, city.postal, rng);
      }
    }
    const uint32_t style = static_cast<uint32_t>(rng.Below(100));
    if (country.code == "US" && style < 5) {
      c->country.assign("USA");
    } else if (style < 20) {
      c->country.assign(country.code);
    } else {
      c->country.assign(country.name);
    }
  }

  void RenewalDate(std::string& out) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int64_t month = rng.Between(1, 12);
    out.clear();
    AppendInt(out, rng.Between(2025, 2027));  // no leap years in range
    out.push_back('-');
    AppendPadded(out, month, 2);
    out.push_back('-');
    AppendPadded(out, rng.Between(1, kDays[month - 1]), 2);
  }

  void Next(Contact* c) {
    ++rows;
    const bool repeat = !reservoir.empty() && rng.PerMille(options.duplicate_per_mille);
    SeenRow row;
    if (repeat) {
      row = reservoir[rng.Below(reservoir.size())];
    } else {
      row.culture = static_cast<uint32_t>(rng.Weighted(culture_weights));
      const Culture& cu = Cultures()[row.culture];
      row.first = static_cast<uint32_t>(rng.Below(cu.first_names.size()));
      row.last = static_cast<uint32_t>(rng.Below(cu.last_names.size()));
      row.romanized = cu.romanized_per_mille > 0 && rng.PerMille(cu.romanized_per_mille);
    }
    const Culture& culture = Cultures()[row.culture];
    const Word& first = culture.first_names[row.first];
    const Word& last = culture.last_names[row.last];
    AssignName(c->first_name, first, row.romanized);
    AssignName(c->last_name, last, row.romanized);
    first_slug.clear();
    AppendSlug(first_slug, first);
    last_slug.clear();
    AppendSlug(last_slug, last);

    if (repeat) {
      RepeatEmail(c->email, row.email);
    } else {
      const bool personal = rng.PerMille(180);
      row.company = (!personal || rng.PerMille(400)) ? PickCompany() : -1;
      std::string_view domain;
      if (personal) {
        domain = (!culture.personal_domains.empty() && rng.PerMille(500))
                     ? rng.Pick(culture.personal_domains)
                     : rng.Pick(GlobalPersonalDomains());
      } else {
        domain = companies[row.company].domain;
      }
      FreshEmail(c->email, first_slug, last_slug, domain, personal);
    }

    const CompanyRecord* company = row.company >= 0 ? &companies[row.company] : nullptr;
    if (!repeat) Remember(std::move(row), c->email);
    if (company) {
      c->company = company->name;
    } else {
      c->company.clear();
    }
    const uint32_t country_index =
        (company && rng.PerMille(500)) ? company->country : PickCountry(culture);
    const Country& country = Countries()[country_index];

    c->phone.clear();
    c->mobile.clear();
    if (rng.PerMille(820)) Phone(c->phone, country);
    if (rng.PerMille(450)) Phone(c->mobile, country);

    c->title.clear();
    c->department.clear();
    if (rng.PerMille(880)) {
      const Department& dep = rng.Pick(Departments());
      c->title.assign(rng.Pick(dep.titles));
      if (rng.PerMille(750)) c->department.assign(dep.name);
    }

    c->linkedin.clear();
    c->twitter.clear();
    if (rng.PerMille(500)) LinkedIn(c->linkedin, first_slug, last_slug);
    if (rng.PerMille(220)) Twitter(c->twitter, first_slug, last_slug);

    c->street.clear();
    c->city.clear();
    c->state.clear();
    c->postal_code.clear();
    c->country.clear();
    Address(c, country);

    c->lead_source.clear();
    if (rng.PerMille(900)) {
      c->lead_source.assign(LeadSources()[rng.Weighted(LeadSourceWeights())]);
    }

    const size_t stage = rng.Weighted(kStageWeights);
    c->lifecycle_stage.assign(rng.PerMille(100) ? kStagesDisplay[stage] : kStages[stage]);
    switch (stage) {
      case 0:
        c->lead_score = static_cast<int>(rng.Below(101) * rng.Below(101) / 100);
        break;
      case 1:
        c->lead_score = static_cast<int>(rng.Between(20, 75));
        break;
      case 2:
        c->lead_score = static_cast<int>(rng.Between(40, 95));
        break;
      case 3:
        c->lead_score = static_cast<int>(rng.Between(30, 100));
        break;
      default:
        c->lead_score = static_cast<int>(rng.Between(60, 100));
        break;
    }

    c->tags.clear();
    const size_t tag_count = rng.Weighted(kTagCountWeights);
    while (c->tags.size() < tag_count) {
      const size_t t = rng.Weighted(TagWeights());
      if (std::find(picked.begin(), picked.begin() + c->tags.size(), t) !=
          picked.begin() + c->tags.size()) {
        continue;
      }
      picked[c->tags.size()] = t;
      std::string& tag = c->tags.emplace_back(Tags()[t]);
      if (rng.PerMille(10)) tag[0] = Upper(tag[0]);  // "Inbound": same tag, another hand
    }

    c->industry.clear();
    if (company ? rng.PerMille(880) : rng.PerMille(300)) {
      c->industry.assign(
          Industries()[company ? company->industry : rng.Below(Industries().size())]);
    }
    c->annual_revenue = (company && rng.PerMille(600)) ? company->revenue : -1;
    c->renewal_date.clear();
    const uint32_t renewal_per_mille = stage >= 3 ? 900 : (stage == 2 ? 300 : 80);
    if (rng.PerMille(renewal_per_mille)) RenewalDate(c->renewal_date);
  }

  // Reservoir sampling keeps a uniform sample of all earlier unique rows.
  void Remember(SeenRow&& row, const std::string& email) {
    ++unique_rows;
    if (reservoir.size() < kReservoirSize) {
      row.email = email;
      reservoir.push_back(std::move(row));
    } else if (const uint64_t j = rng.Below(unique_rows); j < kReservoirSize) {
      row.email = email;
      reservoir[j] = std::move(row);
    }
  }

  GeneratorOptions options;
  Random rng;
  std::vector<uint32_t> culture_weights;
  std::vector<CompanyRecord> companies;
  HashSet emails;
  std::vector<SeenRow> reservoir;
  uint64_t unique_rows = 0;
  uint64_t rows = 0;
  std::array<size_t, 8> picked{};
  // Scratch buffers reused across rows.
  std::string first_slug, last_slug, local, handle, digits, spaced;
};

ContactGenerator::ContactGenerator(const GeneratorOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}

ContactGenerator::~ContactGenerator() = default;

void ContactGenerator::Next(Contact* out) { impl_->Next(out); }

uint64_t ContactGenerator::rows() const { return impl_->rows; }

}  // namespace rally::datagen
