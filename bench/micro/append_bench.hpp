// `griddle-microbench appends`: durable append throughput and latency of the
// SQLite event store. W logical writers each keep exactly one append in
// flight to a stream of their own (one ~100-byte JSON event with an
// `event_id`, expected version = the writer's last acknowledged version) and
// issue the next append from the previous one's callback, on the store's
// writer thread: a closed loop per writer, so W is the concurrency, without W
// OS threads. Latency runs from the `append` call to its callback.
//
// Each run opens a fresh store (default options: synchronous FULL, WAL) on a
// new file, stops issuing after S seconds, waits for every in-flight
// callback, destroys the store and removes the file with its -wal and -shm.
#pragma once

#include <cstdint>
#include <string>

namespace griddle::bench {

struct append_options {
  uint64_t writers = 1;
  double seconds = 3;
  bool group_commit = true;
  /// The database file; empty means a unique file under /tmp.
  std::string path;
};

/// Runs one benchmark and prints to stdout; returns the process exit code.
int run_appends(const append_options& opts);

/// Runs W = 1, 16, 256 with group commit on and off and prints a table.
int run_appends_matrix(double seconds, const std::string& path);

}  // namespace griddle::bench
