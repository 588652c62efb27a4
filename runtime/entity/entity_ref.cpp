#include "runtime/entity/entity_ref.hpp"

namespace griddle {

namespace {

constexpr uint64_t fnv_offset = 14695981039346656037ull;
constexpr uint64_t fnv_prime = 1099511628211ull;

uint64_t fnv1a(uint64_t h, std::string_view s) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= fnv_prime;
  }
  return h;
}

}  // namespace

uint64_t stable_hash(std::string_view type, std::string_view key) noexcept {
  auto h = fnv1a(fnv_offset, type);
  h ^= 0xff;  // a byte no type name contains, so ("ab","c") != ("a","bc")
  h *= fnv_prime;
  return fnv1a(h, key);
}

uint64_t stable_hash(const entity_ref& x) noexcept {
  return stable_hash(x.type, x.key);
}

}  // namespace griddle
