#include "auth/credentials.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <semaphore>
#include <thread>

namespace rally::auth {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, no padding

void EnsureSodium() {
  // sodium_init is thread-safe and idempotent, but a static makes the common path a load.
  static const bool ok = [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG: nothing in auth can work safely
    return true;
  }();
  (void)ok;
}

// argon2id with the interactive limits takes 64 MiB per hash. Allowing one hash per core at a
// time bounds that memory however many worker threads log users in at once; the others wait.
std::counting_semaphore<64>& HashSlots() {
  static std::counting_semaphore<64> slots(
      std::clamp<ptrdiff_t>(std::thread::hardware_concurrency(), 1, 64));
  return slots;
}

class HashSlot {
 public:
  HashSlot() { HashSlots().acquire(); }
  ~HashSlot() { HashSlots().release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

}  // namespace

PasswordLimits PasswordLimits::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordLimits PasswordLimits::Minimal() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Status ValidateNewPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return FieldInvalid("password", "too_short",
                        "password must be at least " + std::to_string(kMinPasswordBytes) +
                            " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return FieldInvalid("password", "too_long",
                        "password must be at most " + std::to_string(kMaxPasswordBytes) +
                            " bytes");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, const PasswordLimits& limits) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits.opslimit,
                            limits.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(StatusCode::kResourceExhausted, "not enough memory to hash a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  // crypto_pwhash_str_verify wants a NUL-terminated buffer of crypto_pwhash_STRBYTES.
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buf);
  HashSlot slot;
  return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash, const PasswordLimits& limits) {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buf);
  return crypto_pwhash_str_needs_rehash(buf, limits.opslimit, limits.memlimit) != 0;
}

std::string RandomSecret() {
  EnsureSodium();
  unsigned char bytes[kSecretBytes];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(out);
}

std::string Sha256Hex(std::string_view data) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string NewToken(std::string_view prefix, Id workspace_id) {
  std::string token(prefix);
  token += '_';
  token += ToBase36(workspace_id);
  token += '_';
  token += RandomSecret();
  return token;
}

std::optional<Id> TokenWorkspace(std::string_view token, std::string_view prefix) {
  if (token.size() <= prefix.size() + 1 || token.substr(0, prefix.size()) != prefix ||
      token[prefix.size()] != '_') {
    return std::nullopt;
  }
  std::string_view rest = token.substr(prefix.size() + 1);
  // Base36 has no '_', so the first one ends the workspace part; the secret may hold more.
  size_t sep = rest.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  std::string_view secret = rest.substr(sep + 1);
  if (secret.size() != kSecretChars || !std::all_of(secret.begin(), secret.end(), IsBase64UrlChar)) {
    return std::nullopt;
  }
  return FromBase36(rest.substr(0, sep));
}

std::string ToBase36(Id id) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (id <= 0) return "0";
  std::string out;
  auto v = static_cast<uint64_t>(id);
  while (v > 0) {
    out += kDigits[v % 36];
    v /= 36;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<Id> FromBase36(std::string_view text) {
  // 13 base36 digits exceed 63 bits only above "1y2p0ij32e8e7"; check overflow explicitly.
  if (text.empty() || text.size() > 13) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (v > (static_cast<uint64_t>(INT64_MAX) - d) / 36) return std::nullopt;
    v = v * 36 + d;
  }
  if (v == 0) return std::nullopt;
  return static_cast<Id>(v);
}

}  // namespace rally::auth
