// Email address validation and the match key used for dedupe.
#include <unicode/uidna.h>

#include "base/strings.h"
#include "fields/field.h"

namespace rally::fields {
namespace {

constexpr size_t kMaxLocal = 64;
constexpr size_t kMaxEmail = 254;

bool IsAtext(unsigned char c) {
  if (c >= 0x80) return true;  // RFC 6531: UTF-8 in the local part
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}':
    case '~':
      return true;
  }
  return false;
}

bool ValidDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(c)) {
      return false;
    }
  }
  return true;
}

bool ValidQuoted(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == '\\') {
      if (++i + 1 >= s.size()) return false;  // a backslash must escape a character
      continue;
    }
    if (c == '"' || c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// Converts the domain to its ASCII (punycode) form with UTS #46 and checks each label.
bool DomainToAscii(std::string_view domain, std::string* out) {
  UErrorCode err = U_ZERO_ERROR;
  static UIDNA* idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI |
                                           UIDNA_CHECK_CONTEXTJ | UIDNA_USE_STD3_RULES,
                                       &err);
  if (U_FAILURE(err) || idna == nullptr) return false;
  char buf[512];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  err = U_ZERO_ERROR;
  int32_t n = uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()), buf,
                                     sizeof buf, &info, &err);
  if (U_FAILURE(err) || info.errors != 0 || n <= 0 || n >= static_cast<int32_t>(sizeof buf))
    return false;
  std::string ascii(buf, static_cast<size_t>(n));
  auto labels = Split(ascii, '.');
  if (labels.size() < 2) return false;
  for (std::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  std::string_view tld = labels.back();
  bool numeric = true;
  for (char c : tld) numeric = numeric && c >= '0' && c <= '9';
  if (numeric) return false;
  *out = std::move(ascii);
  return true;
}

}  // namespace

Result<NormalizedEmail> NormalizeEmail(std::string_view input, std::string_view field) {
  std::string_view s = Trim(input);
  if (s.empty()) return FieldInvalid(std::string(field), "required", "an email address is required");
  auto invalid = [&](std::string why) {
    return FieldInvalid(std::string(field), "invalid",
                        "\"" + ToValidUtf8(TruncateUtf8(s, 100)) + "\" is not a valid email address: " + why);
  };
  if (!IsValidUtf8(s)) return invalid("not valid UTF-8");
  if (s.size() > kMaxEmail) return invalid("longer than 254 bytes");
  size_t at = s.rfind('@');
  if (at == std::string_view::npos) return invalid("missing @");
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.empty()) return invalid("nothing before @");
  if (domain.empty()) return invalid("nothing after @");
  if (local.size() > kMaxLocal) return invalid("local part longer than 64 bytes");
  if (local.front() == '"' ? !ValidQuoted(local) : !ValidDotAtom(local))
    return invalid("bad characters before @");
  std::string ascii_domain;
  if (!DomainToAscii(domain, &ascii_domain)) return invalid("bad domain");
  NormalizedEmail out;
  out.display = std::string(s);
  out.key = CaseFold(local) + "@" + ascii_domain;
  return out;
}

}  // namespace rally::fields
