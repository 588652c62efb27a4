// Deterministic bucketing for ramps and experiments: every node and every
// gateway puts a key in the same bucket, in every version, so a user keeps
// their arm and an entity its version wherever it is evaluated.
//
//   bucket_of(text) = the first 8 bytes of SHA-256(text), read as a
//                     big-endian unsigned 64-bit integer, modulo 10,000
//
// over the UTF-8 bytes of `text`, exactly as given. Experiments bucket
// "experiment-name:user-key", ramps "type:key". The test vectors in
// tests/data/bucket_vectors.txt were computed independently of this code
// (Python's hashlib) and are checked by the `bucketing` suite.
#pragma once

#include <cstdint>
#include <string_view>

namespace griddle::flags {

/// Buckets 0 to 9,999: one bucket is a hundredth of a percent.
constexpr uint32_t bucket_count = 10'000;

/// The bucket of `text` (see above).
uint32_t bucket_of(std::string_view text);

/// The bucket of `user_key` in experiment `experiment`.
uint32_t experiment_bucket(std::string_view experiment, std::string_view user_key);

/// The bucket of entity `type`/`key` for a ramp.
uint32_t ramp_bucket(std::string_view type, std::string_view key);

/// Whether `bucket` is among the first `basis_points` buckets (0 to 10,000;
/// 2,500 is 25 %). Growing the share keeps every bucket it held: a key on
/// the candidate at 10 % is still on it at 20 %.
constexpr bool in_share(uint32_t bucket, uint32_t basis_points) noexcept {
  return bucket < basis_points;
}

}  // namespace griddle::flags
