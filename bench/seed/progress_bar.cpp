#include "bench/seed/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace griddle::bench {

namespace {

constexpr int bar_width = 30;
constexpr auto redraw_every = std::chrono::milliseconds(250);

std::string clock_text(double seconds) {
  auto s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof(buf), "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60));
  else
    std::snprintf(buf, sizeof(buf), "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  return buf;
}

}  // namespace

std::string with_commas(uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

bool progress_bar::on_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

progress_bar::progress_bar(uint64_t total, std::function<uint64_t()> done)
    : total_(total), done_(std::move(done)), started_(std::chrono::steady_clock::now()) {
  if (on_terminal())
    thread_ = std::thread{[this] { run(); }};
}

progress_bar::~progress_bar() {
  stop();
}

void progress_bar::stop() {
  if (!thread_.joinable())
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void progress_bar::run() {
  std::unique_lock<std::mutex> guard{mtx_};
  while (!cv_.wait_for(guard, redraw_every, [this] { return stopping_; }))
    draw(false);
  draw(true);
}

void progress_bar::draw(bool last) {
  auto done = std::min(done_(), total_);
  auto fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  auto rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  auto filled = static_cast<int>(fraction * bar_width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(bar_width - filled), '-');
  auto eta = rate > 0 ? clock_text(static_cast<double>(total_ - done) / rate) : "?";
  // \r returns to the line's start, \33[K clears what a longer line left.
  std::fprintf(stderr, "\r%5.1f%% [%s] %s/%s events  %s ev/s  ETA %s\33[K%s", fraction * 100,
               bar.c_str(), with_commas(done).c_str(), with_commas(total_).c_str(),
               with_commas(static_cast<uint64_t>(rate)).c_str(), eta.c_str(), last ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace griddle::bench
