// Readings of this process's memory, for per-object cost estimates: resident
// set size (what the OS charges) and bytes handed out by malloc (what the
// program asked for, without allocator slack or freed-but-kept pages).
#pragma once

#include <chrono>
#include <cstdint>

namespace griddle::bench {

struct memory_reading {
  /// Resident set size in bytes, from /proc/self/statm.
  uint64_t resident = 0;
  /// Bytes malloc has handed out and not got back, over all arenas (mallinfo2).
  uint64_t heap_in_use = 0;
};

/// Waits `settle`, returns free heap pages to the OS (malloc_trim) and reads.
memory_reading settle_and_read(std::chrono::milliseconds settle);

}  // namespace griddle::bench
