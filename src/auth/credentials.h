// Credentials: the cryptographic pieces of auth, all on libsodium. Password hashes (argon2id),
// random secrets, the API-token and session-token formats, and the SHA-256 digests under which
// tokens are stored (the database never holds a usable token).
//
// Token format: "<prefix>_<workspace id in base36>_<43 chars: 32 random bytes, base64url>".
//   API tokens use prefix "rly", session cookies "rlys". The workspace id is in the clear so
//   a token can be looked up by (workspace_id, token_hash) without scanning every workspace
//   (the Citus distribution key). The digest covers the whole token, workspace part included,
//   so a token edited to name another workspace matches nothing.
//
// Thread safety: every function is safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"

namespace rally::auth {

// argon2id cost. The defaults are libsodium's "interactive" limits (2 passes, 64 MiB);
// tests lower them (Minimal()) to stay fast. Verification reads the cost from the stored hash,
// so hashes made under other limits still verify.
struct PasswordLimits {
  unsigned long long opslimit;
  size_t memlimit;
  static PasswordLimits Interactive();
  static PasswordLimits Minimal();  // for tests only: no real protection
};

// Passwords shorter or longer than this are refused when set (bytes of UTF-8).
constexpr size_t kMinPasswordBytes = 8;
constexpr size_t kMaxPasswordBytes = 1024;

// Checks a new password's length. Errors: invalid_argument naming field "password" with code
// "too_short" or "too_long".
Status ValidateNewPassword(std::string_view password);

// The argon2id hash string ("$argon2id$v=19$m=...") of `password`.
// Errors: kResourceExhausted when the memory for the hash cannot be had.
Result<std::string> HashPassword(std::string_view password, const PasswordLimits& limits);

// True when `password` matches `hash` (in constant time with respect to the password).
// A malformed hash is a non-match.
bool VerifyPassword(std::string_view hash, std::string_view password);

// True when `hash` was made with other limits than `limits` (rehash it on the next login).
bool PasswordNeedsRehash(std::string_view hash, const PasswordLimits& limits);

// 32 random bytes from the OS CSPRNG, base64url without padding (43 characters).
std::string RandomSecret();

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

constexpr std::string_view kApiTokenPrefix = "rly";
constexpr std::string_view kSessionTokenPrefix = "rlys";

// A new token for `workspace_id`: "<prefix>_<base36 id>_<RandomSecret()>".
std::string NewToken(std::string_view prefix, Id workspace_id);

// The workspace a token names, when it has exactly the shape NewToken makes with `prefix`;
// nullopt otherwise (wrong prefix, bad base36, secret of the wrong length or alphabet).
std::optional<Id> TokenWorkspace(std::string_view token, std::string_view prefix);

// Base36 (digits and lower-case letters) of a positive id, and back (nullopt when not a
// positive base36 number that fits 63 bits).
std::string ToBase36(Id id);
std::optional<Id> FromBase36(std::string_view text);

}  // namespace rally::auth
