// Per-client token buckets: each client (by address) may make `rate`
// requests per second on average and `burst` at once. Thread-safe; the
// buckets are sharded so I/O threads rarely contend. Buckets of clients that
// have been quiet long enough to be full again are dropped, so the memory
// follows the number of active clients.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace griddle::gateway {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  /// `rate` <= 0 allows everything.
  rate_limiter(double rate, double burst);

  /// Takes one token from `client`'s bucket; false when it is empty.
  bool allow(const std::string& client, clock::time_point now = clock::now());

  bool enabled() const noexcept { return rate_ > 0; }

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };

  struct shard {
    std::mutex mtx;
    std::unordered_map<std::string, bucket> buckets;
  };

  void evict_full(shard& s, clock::time_point now);

  double rate_;
  double burst_;
  std::array<shard, 16> shards_;
};

}  // namespace griddle::gateway
