// Pools: the fixed vocabularies the contact generator draws from (names by culture, countries
// with cities, streets and phone plans, company words by industry, titles by department, tags,
// lead sources, custom field definitions).
//
// Everything here is constant data with static storage; the spans stay valid for the life of the
// program. Thread safety: read-only, safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace rally::datagen {

// A name or word as shown, with the lowercase ASCII form used to build emails, domains and
// social handles. An empty `slug` means "derive it from `display`", which is only allowed when
// `display` is plain ASCII (checked by datagen_test).
struct Word {
  std::string_view display;
  std::string_view slug;
};

struct City {
  std::string_view city;
  std::string_view state;   // "" where the country's addresses carry none
  std::string_view postal;  // pattern: '#' a digit, '@' an uppercase letter, others literal
};

struct Country {
  std::string_view code;          // ISO 3166-1 alpha-2
  std::string_view name;          // English name, as most CRMs hold it
  std::string_view calling_code;  // "1", "44", ...
  // National trunk prefix written before the number in national format ("0"); "" for NANP.
  std::string_view trunk_prefix;
  bool national_formats;  // true for US, GB, DE, CA: numbers are often typed nationally
  // National significant numbers: '#' a digit, 'N' a digit 2-9, ' ' a group break.
  std::span<const std::string_view> phone_plans;
  std::span<const City> cities;
  // Street line: "{n}" the house number, "{s}" a street name from `streets`.
  std::string_view street_pattern;
  std::span<const std::string_view> streets;
  // Company legal forms and top-level domains typical of the country.
  std::span<const std::string_view> legal_forms;
  std::span<const std::string_view> tlds;
};

struct Culture {
  std::string_view code;
  uint32_t weight;               // relative share of contacts
  uint32_t romanized_per_mille;  // non-Latin scripts: how often the name is typed in Latin
  std::span<const Word> first_names;
  std::span<const Word> last_names;
  std::span<const uint32_t> country_indexes;           // into Countries()
  std::span<const uint32_t> country_weights;           // same length as country_indexes
  std::span<const std::string_view> personal_domains;  // webmail used by this culture
};

struct CompanyNoun {
  Word word;
  uint32_t industry;  // index into Industries()
};

struct Department {
  std::string_view name;
  std::span<const std::string_view> titles;
};

struct CustomFieldDef {
  std::string_view key;
  std::string_view label;
  std::string_view type;                      // text | number | date | boolean | select
  std::span<const std::string_view> options;  // select only
};

std::span<const Culture> Cultures();
std::span<const Country> Countries();
std::span<const Word> CompanyStems();
std::span<const CompanyNoun> CompanyNouns();
std::span<const std::string_view> CompanyQualifiers();  // "Group", "Partners", ...
std::span<const std::string_view> Industries();         // options of custom.industry
std::span<const Department> Departments();
std::span<const std::string_view> Tags();
std::span<const uint32_t> TagWeights();  // popularity, same length as Tags()
std::span<const std::string_view> LeadSources();
std::span<const uint32_t> LeadSourceWeights();
std::span<const std::string_view> GlobalPersonalDomains();
std::span<const std::string_view> GarbagePhones();  // typed junk no phone parser accepts
std::span<const CustomFieldDef> CustomFields();

}  // namespace rally::datagen
