#include "bench/seed/zipf.hpp"

#include <cmath>

namespace griddle::bench {

namespace {

uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

/// log1p(x) / x, continuous at 0.
double log1p_over_x(double x) noexcept {
  if (std::fabs(x) > 1e-8)
    return std::log1p(x) / x;
  return 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

/// expm1(x) / x, continuous at 0.
double expm1_over_x(double x) noexcept {
  if (std::fabs(x) > 1e-8)
    return std::expm1(x) / x;
  return 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

}  // namespace

// -- seeded_random ------------------------------------------------------------

seeded_random::seeded_random(std::initializer_list<uint64_t> parts) {
  uint64_t state = 0x6a09e667f3bcc909ULL;
  for (auto part : parts) {
    state ^= part;
    state = splitmix64(state);
  }
  for (auto& word : s_)
    word = splitmix64(state);
}

uint64_t seeded_random::next() noexcept {
  auto result = rotl(s_[1] * 5, 7) * 9;
  auto t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t seeded_random::below(uint64_t n) noexcept {
  if (n == 0)
    return 0;
  // Rejects the lowest 2^64 mod n values, so every residue is equally likely.
  auto threshold = (0 - n) % n;
  for (;;) {
    auto r = next();
    if (r >= threshold)
      return r % n;
  }
}

int64_t seeded_random::between(int64_t lo, int64_t hi) noexcept {
  auto span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(below(span));
}

double seeded_random::unit() noexcept {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

uint64_t seeded_random::geometric(double p) noexcept {
  if (p >= 1)
    return 0;
  // Inversion: floor(log(U) / log(1 - p)) with U in (0, 1].
  auto u = 1.0 - unit();
  return static_cast<uint64_t>(std::floor(std::log(u) / std::log1p(-p)));
}

// -- zipf_sampler -------------------------------------------------------------

zipf_sampler::zipf_sampler(uint64_t n, double exponent)
    : n_(n),
      exponent_(exponent),
      h_integral_x1_(h_integral(1.5) - 1.0),
      h_integral_n_(h_integral(static_cast<double>(n) + 0.5)),
      s_(2 - h_integral_inverse(h_integral(2.5) - h(2))) {}

double zipf_sampler::h(double x) const noexcept {
  return std::exp(-exponent_ * std::log(x));
}

double zipf_sampler::h_integral(double x) const noexcept {
  auto log_x = std::log(x);
  return expm1_over_x((1 - exponent_) * log_x) * log_x;
}

double zipf_sampler::h_integral_inverse(double x) const noexcept {
  auto t = x * (1 - exponent_);
  if (t < -1)
    t = -1;  // Rounding only; limits the argument of log1p.
  return std::exp(log1p_over_x(t) * x);
}

uint64_t zipf_sampler::operator()(seeded_random& rng) const noexcept {
  for (;;) {
    // u is uniform in (h_integral_x1_, h_integral_n_].
    auto u = h_integral_n_ + rng.unit() * (h_integral_x1_ - h_integral_n_);
    auto x = h_integral_inverse(u);
    auto k = static_cast<uint64_t>(x + 0.5);
    if (k < 1)
      k = 1;
    else if (k > n_)
      k = n_;
    auto kd = static_cast<double>(k);
    if (kd - x <= s_ || u >= h_integral(kd + 0.5) - h(kd))
      return k;
  }
}

}  // namespace griddle::bench
