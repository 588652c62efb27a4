#include "bench/seed/seed_password.hpp"

#include <array>
#include <stdexcept>

#include <sodium.h>

#include "actors/credentials.hpp"
#include "bench/seed/zipf.hpp"

namespace griddle::bench {

namespace {

constexpr uint64_t purpose_salt = 7;

/// Base64 without padding, as libsodium encodes salt and hash in the string.
std::string base64(const unsigned char* bytes, size_t size) {
  constexpr auto variant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string text(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes, size, variant);
  text.resize(text.find('\0'));
  return text;
}

}  // namespace

std::string seed_password_hash(std::string_view password, uint64_t seed) {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
  auto strength = actors::password_strength::interactive();
  std::array<unsigned char, crypto_pwhash_SALTBYTES> salt;
  seeded_random rng{seed, purpose_salt};
  for (auto& byte : salt)
    byte = static_cast<unsigned char>(rng.next() >> 56);
  // What crypto_pwhash_str_alg stores (32 bytes), for a salt of our choosing.
  std::array<unsigned char, 32> hash;
  if (crypto_pwhash(hash.data(), hash.size(), password.data(), password.size(), salt.data(),
                    strength.opslimit, strength.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing failed (out of memory?)");
  return "$argon2id$v=19"
         "$m=" +
         std::to_string(strength.memlimit / 1024) + ",t=" + std::to_string(strength.opslimit) +
         ",p=1$" + base64(salt.data(), salt.size()) + "$" + base64(hash.data(), hash.size());
}

}  // namespace griddle::bench
