#include "runtime/flags/bucketing.hpp"

#include <string>

#include <sodium.h>

namespace griddle::flags {

uint32_t bucket_of(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()),
                     static_cast<unsigned long long>(text.size()));
  uint64_t head = 0;
  for (int i = 0; i < 8; ++i)
    head = (head << 8) | digest[i];
  return static_cast<uint32_t>(head % bucket_count);
}

namespace {

uint32_t joined_bucket(std::string_view a, std::string_view b) {
  std::string text;
  text.reserve(a.size() + 1 + b.size());
  text.append(a.data(), a.size());
  text += ':';
  text.append(b.data(), b.size());
  return bucket_of(text);
}

}  // namespace

uint32_t experiment_bucket(std::string_view experiment, std::string_view user_key) {
  return joined_bucket(experiment, user_key);
}

uint32_t ramp_bucket(std::string_view type, std::string_view key) {
  return joined_bucket(type, key);
}

}  // namespace griddle::flags
