#include "actors/credentials.hpp"

#include <array>
#include <stdexcept>

#include <sodium.h>

namespace griddle::actors {

namespace {

/// Initialises libsodium once per process; `sodium_init` itself is idempotent,
/// the function-static makes the check cheap after the first call.
void ensure_sodium() {
  static const bool initialised = sodium_init() >= 0;
  if (!initialised)
    throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

password_strength password_strength::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

password_strength password_strength::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string hash_password(std::string_view password, password_strength strength) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), strength.opslimit,
                            strength.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing failed (out of memory or invalid limits)");
  return std::string{out.data()};
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_sodium();
  // libsodium reads the hash as a C string of fewer than STRBYTES characters.
  if (stored_hash.size() >= crypto_pwhash_STRBYTES ||
      stored_hash.find('\0') != std::string_view::npos)
    return false;
  std::string hash{stored_hash};
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_session_token() {
  ensure_sodium();
  constexpr auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, variant)> text;
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string{text.data()};
}

std::string token_digest(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, 32> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::array<char, 2 * 32 + 1> hex;
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string{hex.data()};
}

bool digests_equal(std::string_view a, std::string_view b) {
  ensure_sodium();
  if (a.size() != b.size())
    return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace griddle::actors
