// Deterministic randomness for the seeded dataset: a small PRNG whose output
// this code defines (xoshiro256**, seeded through splitmix64), the uniform
// draws built on it, and a Zipf sampler. Nothing here uses the standard
// library's distributions, whose output differs between implementations, so
// one seed gives one dataset wherever the same binary runs.
//
// Not thread-safe: each thread uses its own generators.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace griddle::bench {

/// xoshiro256** (Blackman and Vigna), seeded from a list of numbers.
class seeded_random {
 public:
  /// A generator determined by `parts` (e.g. the seed, a purpose, an index),
  /// so independent purposes draw from independent sequences.
  explicit seeded_random(std::initializer_list<uint64_t> parts);

  /// The next 64 random bits.
  uint64_t next() noexcept;

  /// Uniform in [0, n); 0 when n is 0. Unbiased (rejection of the low remainder).
  uint64_t below(uint64_t n) noexcept;

  /// Uniform in [lo, hi]; requires lo <= hi.
  int64_t between(int64_t lo, int64_t hi) noexcept;

  /// Uniform in [0, 1) with 53 random bits.
  double unit() noexcept;

  /// True with probability `p`.
  bool chance(double p) noexcept { return unit() < p; }

  /// The number of failures before the first success of trials that succeed
  /// with probability `p` (0 < p <= 1): a geometric draw with mean (1-p)/p.
  uint64_t geometric(double p) noexcept;

 private:
  uint64_t s_[4];
};

/// Ranks 1..n with P(k) proportional to 1 / k^exponent, drawn in constant
/// expected time without tables: rejection-inversion (Hörmann and Derflinger,
/// 1996, as in Apache Commons RNG). Any exponent > 0 works, 1.0 included.
class zipf_sampler {
 public:
  /// Requires n >= 1 and exponent > 0.
  zipf_sampler(uint64_t n, double exponent);

  /// A rank in [1, n].
  uint64_t operator()(seeded_random& rng) const noexcept;

  uint64_t size() const noexcept { return n_; }

 private:
  double h(double x) const noexcept;
  double h_integral(double x) const noexcept;
  double h_integral_inverse(double x) const noexcept;

  uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};

}  // namespace griddle::bench
