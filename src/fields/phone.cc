#include <phonenumbers/phonenumberutil.h>

#include "base/strings.h"
#include "fields/field.h"

namespace rally::fields {
namespace {

// Whether `raw` is "+" and then exactly the digits of `e164` (after its "+"), with nothing
// between them but spaces and the separators ( ) - . /: no letters, extensions or non-ASCII
// digits.
bool SameDigitsAfterPlus(std::string_view raw, std::string_view e164) {
  if (raw.empty() || raw[0] != '+' || e164.empty() || e164[0] != '+') return false;
  size_t j = 1;
  for (size_t i = 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (c >= '0' && c <= '9') {
      if (j >= e164.size() || e164[j] != c) return false;
      ++j;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return false;
    }
  }
  return j == e164.size();
}

}  // namespace

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
  //
  // Reading back costs a second Parse (about 14 us: ICU regexes). It cannot change anything when
  // the input was "+" and the very digits of the result: a "+" number is parsed the same whatever
  // the default region (the country code comes from the digits), so the second parse would get
  // the same digits and do what the first did to them, which left them as they were (they are
  // the result's). Only then is it skipped.
  if (SameDigitsAfterPlus(s, out)) return out;
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
