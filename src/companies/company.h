// Company: the record a contact's "company" links to (DESIGN.md §2). Created on first use by
// name from the contact write path; the name is matched case-insensitively after trimming and
// collapsing inner spaces (companies.name_norm), and keeps the spelling of its first use.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json.h"
#include "base/result.h"

namespace rally::companies {

struct Company {
  Id id = 0;
  Id workspace_id = 0;
  std::string name;
  std::optional<std::string> domain;  // only when given; never guessed
  Micros created_at = 0;
  Micros updated_at = 0;
};

constexpr size_t kMaxCompanyName = 200;

struct CompanyName {
  std::string display;  // trimmed, inner spaces collapsed
  std::string norm;     // display, case-folded: the match key
};
// Errors: invalid_argument naming `field`: "required" when blank, "too_long" past
// kMaxCompanyName bytes, "invalid" when not UTF-8.
Result<CompanyName> NormalizeCompanyName(std::string_view input, std::string_view field = "company");

// "https://www.Acme.com/about" -> "acme.com". Errors: invalid_argument naming `field` when what
// remains is not a plausible host name.
Result<std::string> NormalizeDomain(std::string_view input, std::string_view field = "domain");

// {"id","name","domain","created_at","updated_at"} plus "contact_count" when given.
json::object CompanyToJson(const Company& c, std::optional<int64_t> contact_count = std::nullopt);

}  // namespace rally::companies
