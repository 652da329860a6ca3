#include <phonenumbers/phonenumberutil.h>

#include "base/strings.h"
#include "fields/field.h"

namespace rally::fields {

std::optional<std::string> PhoneToE164(std::string_view raw, std::string_view default_region) {
  std::string_view s = Trim(raw);
  if (s.empty() || s.size() > 64) return std::nullopt;
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string region = default_region.empty() ? "US" : std::string(default_region);
  if (util->Parse(std::string(s), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  // "Possible" (plausible length for the region) rather than "valid" (an assigned range):
  // fictional and newly assigned numbers still get an E.164 form that matches on dedupe.
  if (!util->IsPossibleNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace rally::fields
