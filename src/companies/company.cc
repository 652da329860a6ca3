#include "companies/company.h"

#include "base/strings.h"

namespace rally::companies {

Result<CompanyName> NormalizeCompanyName(std::string_view input, std::string_view field) {
  if (!IsValidUtf8(input)) {
    return FieldInvalid(std::string(field), "invalid", "company name is not valid UTF-8");
  }
  CompanyName out;
  out.display = CollapseSpaces(input);
  if (out.display.empty()) {
    return FieldInvalid(std::string(field), "required", "company name is empty");
  }
  if (out.display.size() > kMaxCompanyName) {
    return FieldInvalid(std::string(field), "too_long",
                        "company name is longer than " + std::to_string(kMaxCompanyName) + " bytes");
  }
  out.norm = CaseFold(out.display);
  return out;
}

Result<std::string> NormalizeDomain(std::string_view input, std::string_view field) {
  std::string d = AsciiLower(Trim(input));
  for (std::string_view scheme : {"https://", "http://"}) {
    if (d.starts_with(scheme)) d.erase(0, scheme.size());
  }
  if (size_t cut = d.find_first_of("/?#"); cut != std::string::npos) d.resize(cut);
  // Every leading "www.", so the result normalizes to itself ("www.www.acme.com" once gave
  // "www.acme.com", which the next pass cut again).
  while (d.starts_with("www.")) d.erase(0, 4);
  while (!d.empty() && d.back() == '.') d.pop_back();
  bool ok = !d.empty() && d.size() <= 253 && d.find('.') != std::string::npos &&
            d.front() != '.' && d.find("..") == std::string::npos;
  for (char c : d) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                   static_cast<unsigned char>(c) >= 0x80;  // IDN labels in Unicode form
    ok = ok && allowed;
  }
  if (!ok) return FieldInvalid(std::string(field), "invalid", "not a domain name: " + std::string(input));
  return d;
}

json::object CompanyToJson(const Company& c, std::optional<int64_t> contact_count) {
  json::object out;
  out["id"] = IdToString(c.id);
  out["name"] = c.name;
  if (c.domain) out["domain"] = *c.domain;
  else out["domain"] = nullptr;
  out["created_at"] = FormatTimestamp(c.created_at);
  out["updated_at"] = FormatTimestamp(c.updated_at);
  if (contact_count) out["contact_count"] = *contact_count;
  return out;
}

}  // namespace rally::companies
