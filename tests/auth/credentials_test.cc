#include "auth/credentials.h"

#include <gtest/gtest.h>

#include <set>

namespace rally::auth {
namespace {

TEST(PasswordTest, HashVerifiesOnlyTheSamePassword) {
  auto hash = HashPassword("correct horse battery", PasswordLimits::Minimal());
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  struct Case {
    std::string password;
    bool want;
  };
  const Case cases[] = {
      {"correct horse battery", true},
      {"correct horse batterY", false},
      {"correct horse battery ", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(VerifyPassword(*hash, c.password), c.want) << "\"" << c.password << "\"";
  }
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  const std::string_view hashes[] = {"", "$argon2id$", "plain", std::string_view("x\0y", 3)};
  for (std::string_view hash : hashes) {
    EXPECT_FALSE(VerifyPassword(hash, "")) << hash;
    EXPECT_FALSE(VerifyPassword(hash, "plain")) << hash;
  }
}

TEST(PasswordTest, SaltsDifferAndRehashFollowsLimits) {
  auto a = HashPassword("same password", PasswordLimits::Minimal());
  auto b = HashPassword("same password", PasswordLimits::Minimal());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(PasswordNeedsRehash(*a, PasswordLimits::Minimal()));
  EXPECT_TRUE(PasswordNeedsRehash(*a, PasswordLimits::Interactive()));
}

TEST(PasswordTest, NewPasswordLength) {
  struct Case {
    size_t length;
    std::string want_code;  // "" when accepted
  };
  const Case cases[] = {{0, "too_short"}, {7, "too_short"}, {8, ""}, {1024, ""}, {1025, "too_long"}};
  for (const auto& c : cases) {
    Status s = ValidateNewPassword(std::string(c.length, 'x'));
    if (c.want_code.empty()) {
      EXPECT_TRUE(s.ok()) << c.length;
    } else {
      ASSERT_EQ(s.code(), StatusCode::kInvalidArgument) << c.length;
      ASSERT_EQ(s.details().size(), 1u);
      EXPECT_EQ(s.details()[0].field, "password");
      EXPECT_EQ(s.details()[0].code, c.want_code);
    }
  }
}

TEST(TokenFormatTest, NewTokensNameTheirWorkspaceAndDiffer) {
  std::set<std::string> seen;
  for (Id ws : {Id{1}, Id{35}, Id{36}, Id{7'345'678'901'234'567}, INT64_MAX}) {
    std::string token = NewToken(kApiTokenPrefix, ws);
    EXPECT_EQ(token.rfind("rly_" + ToBase36(ws) + "_", 0), 0u) << token;
    EXPECT_EQ(token.size(), 4 + ToBase36(ws).size() + 1 + 43) << token;
    EXPECT_EQ(TokenWorkspace(token, kApiTokenPrefix), ws) << token;
    EXPECT_EQ(TokenWorkspace(token, kSessionTokenPrefix), std::nullopt) << token;
    EXPECT_TRUE(seen.insert(token.substr(token.size() - 43)).second);
  }
}

TEST(TokenFormatTest, MalformedTokensNameNoWorkspace) {
  const std::string secret(43, 'A');
  const std::string cases[] = {
      "",
      "rly",
      "rly_",
      "rly_1",
      "rly_1_",
      "rly__" + secret,                 // no workspace
      "rly_0_" + secret,                // workspace 0
      "rly_1Z_" + secret,               // upper case is not base36 here
      "rly_1_" + secret + "A",          // secret too long
      "rly_1_" + secret.substr(1),      // too short
      "rly_1_" + secret.substr(1) + "=",  // padding is not base64url
      "rly_1_" + secret.substr(1) + "+",
      "Rly_1_" + secret,
      "rlyx1_" + secret,
      "rly_zzzzzzzzzzzzzz_" + secret,   // more than 63 bits
      "Bearer rly_1_" + secret,
  };
  for (const auto& c : cases) EXPECT_EQ(TokenWorkspace(c, kApiTokenPrefix), std::nullopt) << c;
  EXPECT_EQ(TokenWorkspace("rly_1_" + secret, kApiTokenPrefix), Id{1});
  // '_' and '-' are base64url characters and may appear anywhere in the secret.
  EXPECT_EQ(TokenWorkspace("rly_a_" + std::string(42, '_') + "-", kApiTokenPrefix), Id{10});
}

TEST(TokenFormatTest, Base36RoundTrips) {
  struct Case {
    Id id;
    std::string text;
  };
  const Case cases[] = {{1, "1"}, {35, "z"}, {36, "10"}, {INT64_MAX, "1y2p0ij32e8e7"}};
  for (const auto& c : cases) {
    EXPECT_EQ(ToBase36(c.id), c.text);
    EXPECT_EQ(FromBase36(c.text), c.id);
  }
  for (std::string_view bad : {"", "0", "-1", "1y2p0ij32e8e8", "10000000000000", "a b"}) {
    EXPECT_EQ(FromBase36(bad), std::nullopt) << bad;
  }
}

TEST(DigestTest, Sha256HexAndConstantTimeEquals) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace rally::auth
