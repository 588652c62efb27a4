// Replays every seed and regression input of tests/fuzz/ through the two
// fuzz targets, compiled here with g++ (GRIDDLE_FUZZ_REPLAY): an input that
// once crashed a target, or broke one of its invariants, keeps being run by
// the ordinary test suite. A crash aborts the run; the last input named in
// the log (-v5) is the one that did it.
#define CAF_SUITE fuzz_regressions
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.hpp"

namespace fs = std::filesystem;

namespace {

using fuzz_entry = int (*)(const uint8_t*, size_t);

/// The seed files committed with the corpora; pruning them lowers these.
constexpr size_t http_request_seeds = 25;
constexpr size_t json_decoders_seeds = 24;

/// The files of corpus/<target>/ and regressions/<target>/, sorted.
std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> result;
  for (const char* root : {GRIDDLE_FUZZ_CORPUS_DIR, GRIDDLE_FUZZ_REGRESSIONS_DIR}) {
    auto dir = fs::path{root} / target;
    if (!fs::is_directory(dir))
      continue;
    for (auto& entry : fs::recursive_directory_iterator{dir})
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
        result.push_back(entry.path());
  }
  std::sort(result.begin(), result.end());
  return result;
}

/// Runs each input of `target` through `entry`; returns how many ran.
size_t replay(const std::string& target, fuzz_entry entry) {
  size_t ran = 0;
  for (auto& path : inputs_of(target)) {
    std::ifstream in{path, std::ios::binary};
    CAF_REQUIRE(in.is_open());
    std::string bytes{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    CAF_MESSAGE("replaying " << path.string() << " (" << bytes.size() << " bytes)");
    CAF_CHECK_EQUAL(entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
    ++ran;
  }
  return ran;
}

}  // namespace

CAF_TEST(every http_request input parses and routes without breaking an invariant) {
  CAF_CHECK_GREATER_OR_EQUAL(replay("http_request", griddle_fuzz_http_request), http_request_seeds);
}

CAF_TEST(every json_decoders input decodes without breaking an invariant) {
  CAF_CHECK_GREATER_OR_EQUAL(replay("json_decoders", griddle_fuzz_json_decoders),
                             json_decoders_seeds);
}
