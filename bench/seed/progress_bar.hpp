// A single-line progress bar on stderr: percent, a bar, events done of the
// total, events per second and the time left, redrawn in place by its own
// thread four times a second. Silent when stderr is not a terminal, so logs
// and tests get only the summary lines the caller prints.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace griddle::bench {

class progress_bar {
 public:
  /// Starts drawing `done()` of `total` (called from the bar's thread).
  progress_bar(uint64_t total, std::function<uint64_t()> done);

  /// Calls `stop`.
  ~progress_bar();

  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  /// Draws a last time, ends the line and joins the thread. Idempotent.
  void stop();

  /// True when stderr is a terminal.
  static bool on_terminal();

 private:
  void draw(bool last);
  void run();

  uint64_t total_;
  std::function<uint64_t()> done_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

/// `n` with thousands separators: 1234567 -> "1,234,567".
std::string with_commas(uint64_t n);

}  // namespace griddle::bench
