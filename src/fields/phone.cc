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
  // libphonenumber's length data allows some national numbers (German ones of 15 digits) that
  // with their country code exceed E.164's 15 digits; those are not E.164, so keep them raw.
  if (out.size() > 16) return std::nullopt;
  // Some odd inputs format to a string that libphonenumber reads back as another number
  // ("dd000s237" in DE gives +4900237, which reads as +490237). A form that does not read back
  // as itself cannot serve as the match key, so such numbers keep no E.164 either.
  PhoneNumber again;
  std::string round_trip;
  if (util->Parse(out, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util->IsPossibleNumber(again))
    return std::nullopt;
  util->Format(again, PhoneNumberUtil::E164, &round_trip);
  if (round_trip != out) return std::nullopt;
  return out;
}

}  // namespace rally::fields
