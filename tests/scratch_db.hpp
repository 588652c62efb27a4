// A fresh, empty database file under /tmp for one test; removes the file and
// SQLite's companion files (-wal, -shm, -journal) when it goes.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <caf/test/unit_test.hpp>

namespace griddle::test {

struct scratch_db {
  std::string path;

  /// `prefix` names the file, e.g. "griddle-sqlite" → /tmp/griddle-sqlite-XXXXXX.
  explicit scratch_db(const std::string& prefix) {
    auto pattern = "/tmp/" + prefix + "-XXXXXX";
    auto fd = mkstemp(pattern.data());
    CAF_REQUIRE(fd >= 0);
    close(fd);
    path = pattern;
  }

  ~scratch_db() {
    for (auto suffix : {"", "-wal", "-shm", "-journal"})
      std::remove((path + suffix).c_str());
  }

  scratch_db(const scratch_db&) = delete;
  scratch_db& operator=(const scratch_db&) = delete;
};

}  // namespace griddle::test
