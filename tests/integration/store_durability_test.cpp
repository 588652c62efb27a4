// The SQLite event store survives kill -9: a writer process (griddle-store-writer)
// appends from several threads and is killed with SIGKILL at a random moment;
// after each kill every acknowledged event is in the file and the log is intact.
// Several rounds share one database file, so each round also recovers from the
// previous crash.
#define CAF_SUITE store_durability
#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "event_store_contract.hpp"
#include "runtime/store/sqlite_event_store.hpp"
#include "scratch_db.hpp"

using namespace griddle;
using namespace std::chrono_literals;
using griddle::store::sqlite_event_store;
using griddle::store::sqlite_options;

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int writers = 4;
constexpr int rounds = 10;
constexpr auto round_timeout = 20s;

/// One `ack STREAM VERSION POSITION` line of the writer.
struct ack {
  std::string stream;
  uint64_t version = 0;
  uint64_t position = 0;
};

/// The database file the rounds share.
struct temp_db : griddle::test::scratch_db {
  temp_db() : scratch_db("griddle-durability") {}
};

/// griddle-store-writer as a child process with its stdout on a pipe. Killed
/// (SIGKILL) and reaped if a failed check leaves it running.
class writer_process {
 public:
  writer_process(const std::string& path, int threads) {
    auto count = std::to_string(threads);
    std::vector<char*> argv{const_cast<char*>(GRIDDLE_STORE_WRITER_BINARY),
                            const_cast<char*>(path.c_str()), const_cast<char*>(count.c_str()),
                            nullptr};
    int fds[2];
    CAF_REQUIRE_EQUAL(pipe2(fds, O_CLOEXEC), 0);
    pid_ = fork();
    if (pid_ == 0) {
      // dup2 clears close-on-exec on the new descriptor; stderr stays ours.
      dup2(fds[1], STDOUT_FILENO);
      execv(GRIDDLE_STORE_WRITER_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    CAF_REQUIRE_NOT_EQUAL(pid_, -1);
  }

  ~writer_process() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  writer_process(const writer_process&) = delete;
  writer_process& operator=(const writer_process&) = delete;

  /// Reads until `count` acks arrived; false at `deadline` or end of output.
  bool read_acks(size_t count, clock_type::time_point deadline) {
    while (acks_.size() < count)
      if (!read_some(deadline))
        return false;
    return true;
  }

  /// Kills the writer with SIGKILL and reaps it; false if it did not end
  /// before `deadline`. `status()` is its wait status afterwards.
  bool kill_and_reap(clock_type::time_point deadline) {
    kill(pid_, SIGKILL);
    while (clock_type::now() < deadline) {
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        reaped_ = true;
        return true;
      }
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  /// Reads what the writer printed before it died; false at `deadline`.
  bool drain(clock_type::time_point deadline) {
    while (!eof_)
      if (!read_some(deadline) && !eof_)
        return false;
    return true;
  }

  int status() const { return status_; }
  bool eof() const { return eof_; }
  const std::vector<ack>& acks() const { return acks_; }
  const std::vector<std::string>& garbage() const { return garbage_; }
  size_t partial_bytes() const { return buffer_.size(); }

 private:
  /// Reads one chunk and parses its complete lines; false on time-out or EOF.
  bool read_some(clock_type::time_point deadline) {
    if (eof_)
      return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0)
      return false;
    pollfd pfd{out_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
      return clock_type::now() < deadline;
    char buf[4096];
    auto n = read(out_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      return true;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<size_t>(n));
    parse_lines();
    return true;
  }

  void parse_lines() {
    size_t begin = 0;
    for (auto end = buffer_.find('\n'); end != std::string::npos; end = buffer_.find('\n', begin)) {
      auto line = buffer_.substr(begin, end - begin);
      begin = end + 1;
      std::istringstream in{line};
      std::string word;
      ack item;
      std::string rest;
      if (in >> word >> item.stream >> item.version >> item.position && word == "ack" &&
          !(in >> rest))
        acks_.push_back(std::move(item));
      else
        garbage_.push_back(line);
    }
    buffer_.erase(0, begin);
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  bool eof_ = false;
  std::string buffer_;
  std::vector<ack> acks_;
  std::vector<std::string> garbage_;
};

/// The first column of the first row of `sql`, run on the file directly.
std::string query(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  auto rc = sqlite3_open(path.c_str(), &db);
  std::string result = "open failed";
  sqlite3_stmt* stmt = nullptr;
  if (rc == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  else
    result = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

std::string stream_name(int i) {
  return "w" + std::to_string(i);
}

/// Concatenates `xs` as an ostream would print them.
template <class... Ts>
std::string cat(const Ts&... xs) {
  std::ostringstream out;
  (out << ... << xs);
  return out.str();
}

/// Checks the file after a crash and returns how many problems it reported.
/// Per-event findings are errors, so passing rounds log a few lines, not one
/// per event. `versions` holds each stream's version after the previous round
/// and is updated to the current one.
size_t check_store(const std::string& path, const std::vector<ack>& acks,
                   std::map<std::string, uint64_t>& versions) {
  size_t problems = 0;
  auto problem = [&](const std::string& text) {
    CAF_ERROR(text);
    ++problems;
  };
  CAF_CHECK_EQUAL(query(path, "PRAGMA integrity_check"), "ok");
  sqlite_options options;
  options.path = path;
  auto opened = sqlite_event_store::open(options);
  if (!opened)
    CAF_FAIL("open failed: " << test::contract::error_text(opened.error()));
  auto& es = **opened;
  // Each stream holds versions 1..k, each the event its writer made for it.
  std::map<std::pair<std::string, uint64_t>, uint64_t> positions;
  std::map<std::string, uint64_t> current;
  uint64_t total = 0;
  for (int i = 0; i < writers; ++i) {
    auto stream = stream_name(i);
    auto events = es.read_stream(stream, 1, 1u << 20);
    CAF_REQUIRE(events);
    uint64_t expected_version = 1;
    for (auto& event : *events) {
      auto id = cat(stream, "-", expected_version);
      if (event.stream != stream || event.version != expected_version)
        problem(cat(stream, ": expected version ", expected_version, ", read ", event.stream,
                    " version ", event.version));
      else if (event.event_id != id || event.payload != cat("{\"n\":", expected_version, "}"))
        problem(cat(id, ": wrong event_id '", event.event_id, "' or payload ", event.payload));
      positions[{stream, event.version}] = event.position;
      // After a gap, compare with what follows it rather than report every event.
      expected_version = event.version + 1;
    }
    auto version = es.stream_version(stream);
    CAF_REQUIRE(version);
    current[stream] = events->empty() ? 0 : events->back().version;
    CAF_CHECK_EQUAL(*version, current[stream]);
    total += events->size();
  }
  // Acks of a stream are consecutive from where the previous round left it,
  // and each names the position the store recorded.
  auto last_acked = versions;
  for (auto& item : acks) {
    auto name = cat(item.stream, " version ", item.version, " position ", item.position);
    if (current.count(item.stream) == 0) {
      problem("ack for an unknown stream: " + name);
      continue;
    }
    if (item.version != last_acked[item.stream] + 1)
      problem(cat("ack out of order: ", name, " after version ", last_acked[item.stream]));
    last_acked[item.stream] = item.version;
    auto found = positions.find({item.stream, item.version});
    if (found == positions.end())
      problem("acknowledged event lost: " + name);
    else if (found->second != item.position)
      problem(cat("acknowledged event moved: ", name, " is at position ", found->second));
  }
  // A writer thread has at most one append in flight, so a stream holds at
  // most one event past its last ack.
  for (auto& [stream, version] : current) {
    CAF_CHECK_GREATER_OR_EQUAL(version, last_acked[stream]);
    CAF_CHECK_LESS_OR_EQUAL(version, last_acked[stream] + 1);
  }
  // The global log is 1..P without gaps and agrees with the streams.
  auto all = es.read_all(1, 1u << 20);
  CAF_REQUIRE(all);
  CAF_CHECK_EQUAL(all->size(), total);
  uint64_t expected_position = 1;
  for (auto& event : *all) {
    auto found = positions.find({event.stream, event.version});
    if (event.position != expected_position)
      problem(cat("log: expected position ", expected_position, ", read ", event.position));
    else if (found == positions.end() || found->second != event.position)
      problem(cat("log: position ", event.position, " holds ", event.stream, " version ",
                  event.version, ", which its stream does not place there"));
    expected_position = event.position + 1;
  }
  versions = current;
  return problems;
}

uint32_t make_seed() {
  if (auto env = std::getenv("GRIDDLE_DURABILITY_SEED"))
    return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  return std::random_device{}();
}

}  // namespace

CAF_TEST(every acknowledged append survives killing the writer with signal nine) {
  auto seed = make_seed();
  CAF_MESSAGE("seed " << seed << " (set GRIDDLE_DURABILITY_SEED to repeat)");
  std::mt19937 rng{seed};
  std::uniform_int_distribution<size_t> ack_goal{50, 400};
  std::uniform_int_distribution<int> extra_delay_us{0, 2000};
  temp_db db;
  std::map<std::string, uint64_t> versions;
  for (int i = 0; i < writers; ++i)
    versions[stream_name(i)] = 0;
  auto suite_start = clock_type::now();
  for (int round = 1; round <= rounds; ++round) {
    auto goal = ack_goal(rng);
    auto delay = std::chrono::microseconds{extra_delay_us(rng)};
    auto start = clock_type::now();
    auto deadline = start + round_timeout;
    std::vector<ack> acks;
    {
      writer_process writer{db.path, writers};
      if (!writer.read_acks(goal, deadline))
        CAF_FAIL("round " << round << ": only " << writer.acks().size() << " of " << goal
                          << " acks before "
                          << (writer.eof() ? "the writer ended" : "the time-out"));
      // Kill at a random point of the commit cycle, not right after an ack.
      std::this_thread::sleep_for(delay);
      CAF_REQUIRE(writer.kill_and_reap(deadline));
      CAF_CHECK(WIFSIGNALED(writer.status()) && WTERMSIG(writer.status()) == SIGKILL);
      // Lines printed before the kill were acknowledged, so they count too.
      CAF_REQUIRE(writer.drain(deadline));
      CAF_CHECK(writer.garbage().empty());
      CAF_CHECK_EQUAL(writer.partial_bytes(), 0u);
      acks = writer.acks();
    }
    CAF_REQUIRE_EQUAL(check_store(db.path, acks, versions), 0u);
    uint64_t total = 0;
    for (auto& entry : versions)
      total += entry.second;
    CAF_MESSAGE(
        "round "
        << round << ": goal " << goal << " acks, extra delay " << delay.count() << " us, "
        << acks.size() << " acks verified, " << total << " events in the log, "
        << std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count()
        << " ms");
    CAF_REQUIRE(clock_type::now() < deadline);
  }
  CAF_MESSAGE(rounds << " rounds took "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() -
                                                                              suite_start)
                            .count()
                     << " ms");
}
