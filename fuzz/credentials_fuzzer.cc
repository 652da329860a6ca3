// Fuzz target for credential parsing: API and session token shapes (auth::TokenWorkspace,
// base36 workspace ids), the Cookie header (http::Request::Cookie, where the session token
// arrives) and the checks applied to a new password.
//
// Input: byte 0 picks the check, the rest is its text.
//
// Invariants:
//   - TokenWorkspace accepts exactly "<prefix>_<base36 id>_<43 base64url chars>": the id is
//     positive, the token rebuilt from its parts gives the same id, and an API token is never
//     taken for a session token or the other way round.
//   - FromBase36 and ToBase36 are inverse (up to leading zeros) on positive ids.
//   - Cookie returns a value that sits inside a Cookie header, without ';' and without
//     surrounding blanks (unless they were inside quotes); it finds the value of a cookie we
//     append ourselves.
//   - ConstantTimeEquals agrees with ==; ValidateNewPassword with the length limits.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "auth/credentials.h"
#include "fuzz_check.h"
#include "http/message.h"

namespace rally {
namespace {

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string_view StripLeadingZeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

void CheckToken(std::string_view token) {
  auto api = auth::TokenWorkspace(token, auth::kApiTokenPrefix);
  auto session = auth::TokenWorkspace(token, auth::kSessionTokenPrefix);
  FUZZ_CHECK(!(api && session), token);
  for (auto [id, prefix] :
       {std::pair{api, auth::kApiTokenPrefix}, std::pair{session, auth::kSessionTokenPrefix}}) {
    if (!id) continue;
    FUZZ_CHECK(*id > 0, token);
    FUZZ_CHECK(
        token.size() > prefix.size() && token.starts_with(prefix) && token[prefix.size()] == '_',
        token);
    std::string_view rest = token.substr(prefix.size() + 1);
    size_t sep = rest.find('_');
    FUZZ_CHECK(sep != std::string_view::npos, token);
    std::string_view secret = rest.substr(sep + 1);
    FUZZ_CHECK(secret.size() == 43, token);
    for (char c : secret) FUZZ_CHECK(IsBase64Url(c), token);
    FUZZ_CHECK(auth::ToBase36(*id) == StripLeadingZeros(rest.substr(0, sep)), token);
    std::string rebuilt =
        std::string(prefix) + "_" + auth::ToBase36(*id) + "_" + std::string(secret);
    FUZZ_CHECK(auth::TokenWorkspace(rebuilt, prefix) == id, token);
  }
}

void CheckBase36(std::string_view text) {
  if (auto id = auth::FromBase36(text)) {
    FUZZ_CHECK(*id > 0, text);
    FUZZ_CHECK(auth::ToBase36(*id) == StripLeadingZeros(text), text);
  }
  // The text's first 8 bytes as an id.
  int64_t raw = 0;
  std::memcpy(&raw, text.data(), std::min<size_t>(text.size(), sizeof raw));
  if (raw > 0) {
    std::string b36 = auth::ToBase36(raw);
    FUZZ_CHECK(auth::FromBase36(b36) == raw, text);
    std::string token = auth::NewToken(auth::kSessionTokenPrefix, raw);
    FUZZ_CHECK(auth::TokenWorkspace(token, auth::kSessionTokenPrefix) == raw, text);
    FUZZ_CHECK(!auth::TokenWorkspace(token, auth::kApiTokenPrefix), text);
  }
}

// Lines of "name: value" become headers (names lower-cased by the server, so here too).
void CheckCookies(std::string_view text) {
  http::Request req;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.emplace_back(std::move(name), std::string(value));
  }
  for (std::string_view name : {std::string_view("rally_session"), std::string_view("a")}) {
    auto value = req.Cookie(name);
    if (!value) continue;
    bool inside = false;
    for (const auto& [k, v] : req.headers) {
      if (k != "cookie") continue;
      inside = inside ||
               (value->data() >= v.data() && value->data() + value->size() <= v.data() + v.size());
    }
    FUZZ_CHECK(inside, text);
    FUZZ_CHECK(value->find(';') == std::string_view::npos, text);
    // Blanks at either end only survive inside quotes (which Cookie strips).
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    if (!value->empty() && (blank(value->front()) || blank(value->back()))) {
      FUZZ_CHECK(value->data()[-1] == '"' && value->data()[value->size()] == '"', text);
    }
  }
  // A well-formed session cookie appended in its own header is found unless an earlier one
  // of the same name is.
  bool had = req.Cookie("rally_session").has_value();
  req.headers.emplace_back("cookie", "theme=dark; rally_session=rlys_1_abc; x=1");
  auto found = req.Cookie("rally_session");
  FUZZ_CHECK(found.has_value(), text);
  if (!had) FUZZ_CHECK(*found == "rlys_1_abc", text);
}

void CheckCompare(std::string_view text) {
  std::string_view a = text.substr(0, text.size() / 2), b = text.substr(text.size() / 2);
  FUZZ_CHECK(auth::ConstantTimeEquals(a, b) == (a == b), text);
  FUZZ_CHECK(auth::ConstantTimeEquals(a, a), text);
  Status s = auth::ValidateNewPassword(text);
  FUZZ_CHECK(
      s.ok() == (text.size() >= auth::kMinPasswordBytes && text.size() <= auth::kMaxPasswordBytes),
      text);
  if (!s.ok()) FUZZ_CHECK(s.details().size() == 1 && s.details()[0].field == "password", text);
}

}  // namespace
}  // namespace rally

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rally;
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      CheckToken(text);
      break;
    case 1:
      CheckBase36(text);
      break;
    case 2:
      CheckCookies(text);
      break;
    default:
      CheckCompare(text);
      break;
  }
  return 0;
}
