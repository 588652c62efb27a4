#include "runtime/entity/entity_ref.hpp"

namespace griddle {

namespace {

constexpr uint64_t fnv_offset = 14695981039346656037ull;
constexpr uint64_t fnv_prime = 1099511628211ull;

uint64_t fnv1a(uint64_t h, const std::string& s) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= fnv_prime;
  }
  return h;
}

}  // namespace

uint64_t stable_hash(const entity_ref& x) noexcept {
  auto h = fnv1a(fnv_offset, x.type);
  h ^= 0xff;  // a byte no type name contains, so ("ab","c") != ("a","bc")
  h *= fnv_prime;
  return fnv1a(h, x.key);
}

}  // namespace griddle
