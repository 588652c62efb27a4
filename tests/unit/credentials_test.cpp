// The credential primitives: Argon2id password hashes, random session tokens,
// their BLAKE2b digests and the constant-time digest comparison.
#define CAF_SUITE credentials
#include <caf/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <unordered_set>

#include "actors/credentials.hpp"

using namespace griddle::actors;

namespace {

const auto weak = password_strength::minimum();

bool is_url_safe(const std::string& text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok)
      return false;
  }
  return true;
}

bool is_lower_hex(const std::string& text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

}  // namespace

CAF_TEST(a hash verifies its password) {
  auto hash = hash_password("correct horse battery staple", weak);
  CAF_CHECK(verify_password(hash, "correct horse battery staple"));
}

CAF_TEST(a hash rejects a wrong password) {
  auto hash = hash_password("correct horse battery staple", weak);
  CAF_CHECK(!verify_password(hash, "correct horse battery stapler"));
  CAF_CHECK(!verify_password(hash, ""));
}

CAF_TEST(passwords with embedded nul bytes are hashed in full) {
  std::string password{"abc\0def", 7};
  auto hash = hash_password(password, weak);
  CAF_CHECK(verify_password(hash, password));
  CAF_CHECK(!verify_password(hash, "abc"));
}

CAF_TEST(hashes are argon2id strings) {
  auto hash = hash_password("secret", weak);
  CAF_CHECK_EQUAL(hash.rfind("$argon2id$", 0), 0u);
}

CAF_TEST(two hashes of one password differ by their salt) {
  auto first = hash_password("secret", weak);
  auto second = hash_password("secret", weak);
  CAF_CHECK_NOT_EQUAL(first, second);
  CAF_CHECK(verify_password(first, "secret"));
  CAF_CHECK(verify_password(second, "secret"));
}

CAF_TEST(malformed hashes never verify) {
  CAF_CHECK(!verify_password("", "secret"));
  CAF_CHECK(!verify_password("$argon2id$garbage", "secret"));
  auto hash = hash_password("secret", weak);
  CAF_CHECK(!verify_password(hash + std::string{"\0x", 2}, "secret"));
  CAF_CHECK(!verify_password(hash + std::string(200, 'x'), "secret"));
}

CAF_TEST(limits below the minimum make hashing throw) {
  password_strength too_weak{0, weak.memlimit};
  bool thrown = false;
  try {
    hash_password("secret", too_weak);
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
}

CAF_TEST(tokens are 43 url safe characters) {
  auto token = new_session_token();
  CAF_CHECK_EQUAL(token.size(), 43u);
  CAF_CHECK(is_url_safe(token));
}

CAF_TEST(a thousand tokens are all distinct) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto token = new_session_token();
    CAF_REQUIRE_EQUAL(token.size(), 43u);
    CAF_REQUIRE(is_url_safe(token));
    seen.insert(std::move(token));
  }
  CAF_CHECK_EQUAL(seen.size(), 1000u);
}

CAF_TEST(digests are 64 lowercase hex characters) {
  auto digest = token_digest(new_session_token());
  CAF_CHECK_EQUAL(digest.size(), 64u);
  CAF_CHECK(is_lower_hex(digest));
}

CAF_TEST(digests are deterministic) {
  auto token = new_session_token();
  CAF_CHECK_EQUAL(token_digest(token), token_digest(token));
  // BLAKE2b-256 of the empty input, unkeyed: pins the algorithm and size.
  CAF_CHECK_EQUAL(token_digest(""),
                  "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

CAF_TEST(digests differ for different tokens) {
  auto token = new_session_token();
  auto other = token;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  CAF_CHECK_NOT_EQUAL(token_digest(token), token_digest(other));
  CAF_CHECK_NOT_EQUAL(token_digest(token), token_digest(new_session_token()));
}

CAF_TEST(digests_equal compares content) {
  auto digest = token_digest(new_session_token());
  auto same = std::string{digest};
  CAF_CHECK(digests_equal(digest, same));
  auto last_differs = digest;
  last_differs.back() = last_differs.back() == '0' ? '1' : '0';
  CAF_CHECK(!digests_equal(digest, last_differs));
  auto first_differs = digest;
  first_differs.front() = first_differs.front() == '0' ? '1' : '0';
  CAF_CHECK(!digests_equal(digest, first_differs));
  CAF_CHECK(digests_equal("", ""));
}

CAF_TEST(digests of different lengths are never equal) {
  auto digest = token_digest(new_session_token());
  CAF_CHECK(!digests_equal(digest, digest.substr(0, 63)));
  CAF_CHECK(!digests_equal(digest.substr(0, 32), digest));
  CAF_CHECK(!digests_equal(digest, ""));
  CAF_CHECK(!digests_equal(digest, digest + "0"));
}
