#include "bench/micro/process_memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace griddle::bench {

namespace {

uint64_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages))
    throw std::runtime_error("cannot read /proc/self/statm");
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

memory_reading settle_and_read(std::chrono::milliseconds settle) {
  std::this_thread::sleep_for(settle);
  malloc_trim(0);
  auto info = mallinfo2();
  return {resident_bytes(), static_cast<uint64_t>(info.uordblks + info.hblkhd)};
}

}  // namespace griddle::bench
