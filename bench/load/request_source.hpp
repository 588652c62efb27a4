// What the load generator sends next: which signed-in user makes the
// request (Zipf-like popularity: rank 1 most often), what kind (the mix),
// and about whom ({other}: also Zipf, never the sender), rendered as the
// bytes of one HTTP/1.1 request. Sessions keep their order: the first one
// is rank 1.
//
// Every header line is prepared once, so rendering a request only appends
// to the caller's buffer (no allocation once it has grown). Not
// thread-safe: one per client thread, each with its own random stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/load/request_mix.hpp"
#include "bench/seed/zipf.hpp"

namespace griddle::bench::load {

/// A signed-in user.
struct session {
  std::string user_id;
  std::string token;
};

/// Ranks 1..n by Zipf's law with `exponent` (0: uniform), as indexes 0..n-1.
class popularity {
 public:
  /// Requires n >= 1 and exponent >= 0.
  popularity(uint64_t n, double exponent);

  /// An index in [0, n).
  uint64_t operator()(seeded_random& rng) const noexcept;

  /// An index in [0, n) other than `not_this` (requires n >= 2).
  uint64_t other_than(uint64_t not_this, seeded_random& rng) const noexcept;

 private:
  uint64_t n_;
  std::optional<zipf_sampler> zipf_;
};

class request_source {
 public:
  /// `sessions` may be empty when the mix needs none; with kinds that name
  /// another user it needs at least two.
  request_source(const request_mix& mix, const std::vector<session>& sessions, double exponent,
                 const std::string& host_header, uint64_t seed, uint64_t stream);

  /// Appends the next request to `out` and returns its kind.
  request_kind next(std::string& out);

  /// Appends the request of `kind` made by session `from` about session `other`.
  void render(request_kind kind, size_t from, size_t other, std::string& out) const;

 private:
  const request_mix& mix_;
  seeded_random rng_;
  std::optional<popularity> users_;
  std::string host_line_;                // "Host: ...\r\n"
  std::string send_tail_;                // headers and body of a message
  std::vector<std::string> auth_lines_;  // "Authorization: Bearer ...\r\n"
  std::vector<std::string> ids_;
};

}  // namespace griddle::bench::load
