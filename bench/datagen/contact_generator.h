// ContactGenerator: realistic, deterministic contact rows for benchmarks and tests.
//
// Rows look like a CRM's real contact table: names in many scripts (accented Latin, CJK,
// Cyrillic, Greek, Devanagari, Arabic; no emoji), work emails built from the name and the
// company's domain (some webmail, a few IDN domains), companies drawn from a pool of about
// count/20 with a skewed size distribution, phones in mixed formats (E.164, international,
// national US/GB/DE, some junk that no parser accepts), social handles or URLs, addresses,
// lifecycle stages (lead most common), skewed lead scores, 0-5 tags out of 30, and three custom
// fields (CustomFields() in pools.h).
//
// About `duplicate_per_mille`/1000 of the rows repeat an earlier row's email in another case or
// with leading/trailing spaces, so they collide once trimmed and case-folded; every other row's
// email is unique after that normalization (guaranteed, not just likely).
//
// Determinism: the output is a pure function of (seed, count, duplicate_per_mille), identical on
// every platform and standard library (integer arithmetic only, own PRNG). `count` matters
// because it sizes the company pool.
//
// Performance: about a microsecond per row; memory grows by ~16 bytes per row (the set of
// emails already used) plus a fixed 64K-entry sample of earlier rows for repeats.
//
// Thread safety: none; use one generator per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rally::datagen {

// One generated contact, with the REST API's field names. Empty strings mean "not set".
struct Contact {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string mobile;
  std::string title;
  std::string department;
  std::string company;  // the company's name
  std::string linkedin;
  std::string twitter;
  std::string street;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;
  std::string lead_source;
  std::string lifecycle_stage;  // API name, sometimes in display case ("Customer")
  int lead_score = 0;           // 0-100, always set
  std::vector<std::string> tags;
  // Custom fields (keys in CustomFields()).
  std::string industry;         // custom.industry, one of Industries()
  int64_t annual_revenue = -1;  // custom.annual_revenue; -1 means not set
  std::string renewal_date;     // custom.renewal_date, YYYY-MM-DD
};

struct GeneratorOptions {
  uint64_t seed = 1;
  uint64_t count = 100'000;           // rows that will be drawn; sizes the company pool
  uint32_t duplicate_per_mille = 30;  // share of rows that repeat an earlier email
};

class ContactGenerator {
 public:
  explicit ContactGenerator(const GeneratorOptions& options);
  ~ContactGenerator();
  ContactGenerator(const ContactGenerator&) = delete;
  ContactGenerator& operator=(const ContactGenerator&) = delete;

  // Overwrites *out with the next row, reusing its string capacity (so a loop over one Contact
  // allocates almost nothing).
  void Next(Contact* out);

  // Rows produced so far.
  uint64_t rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rally::datagen
