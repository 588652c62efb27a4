// Bucketing for ramps and experiments: the documented hash against vectors
// computed elsewhere, an even spread, and shares that only grow.
#define CAF_SUITE bucketing
#include <caf/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "runtime/flags/bucketing.hpp"

using namespace griddle::flags;

CAF_TEST(buckets match the test vectors computed independently) {
  std::ifstream in{GRIDDLE_SOURCE_DIR "/tests/data/bucket_vectors.txt"};
  CAF_REQUIRE(in.good());
  size_t checked = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    auto tab = line.find('\t');
    CAF_REQUIRE_NOT_EQUAL(tab, std::string::npos);
    auto want = static_cast<uint32_t>(std::stoul(line.substr(0, tab)));
    auto text = line.substr(tab + 1);
    if (bucket_of(text) != want)
      CAF_FAIL("bucket_of(\"" << text << "\") = " << bucket_of(text) << ", want " << want);
    ++checked;
  }
  CAF_CHECK(checked >= 50);
  CAF_CHECK_EQUAL(experiment_bucket("feed-ranking", "42"), bucket_of("feed-ranking:42"));
  CAF_CHECK_EQUAL(experiment_bucket("feed-ranking", "42"), 5610u);
  CAF_CHECK_EQUAL(ramp_bucket("feed", "4190433616306654563"), 8275u);
}

CAF_TEST(keys spread evenly over the buckets) {
  // 200,000 keys into 100 groups of 100 buckets: each group near 2,000.
  std::vector<int> groups(100, 0);
  for (int i = 0; i < 200'000; ++i) {
    auto b = experiment_bucket("spread", std::to_string(i));
    CAF_REQUIRE(b < bucket_count);
    ++groups[b / 100];
  }
  double chi2 = 0;
  for (auto n : groups)
    chi2 += (n - 2000.0) * (n - 2000.0) / 2000.0;
  // 99 degrees of freedom: the 99.9th percentile is about 148.
  CAF_CHECK_LESS(chi2, 148.0);
  // Experiments are independent: the same user lands elsewhere in another.
  int same = 0;
  for (int i = 0; i < 10'000; ++i)
    if (experiment_bucket("one", std::to_string(i)) / 100 ==
        experiment_bucket("two", std::to_string(i)) / 100)
      ++same;
  CAF_CHECK_LESS(same, 200);  // about 100 expected by chance
}

CAF_TEST(a growing share keeps every key it held) {
  std::vector<uint32_t> buckets;
  for (int i = 0; i < 5'000; ++i)
    buckets.push_back(ramp_bucket("feed", std::to_string(i)));
  uint32_t steps[] = {0, 100, 500, 1'000, 2'000, 2'500, 5'000, 10'000};
  for (size_t s = 1; s < std::size(steps); ++s)
    for (auto b : buckets)
      if (in_share(b, steps[s - 1]) && !in_share(b, steps[s]))
        CAF_FAIL("bucket " << b << " left the share growing to " << steps[s]);
  size_t at_ten = 0;
  for (auto b : buckets)
    at_ten += in_share(b, 1'000) ? 1 : 0;
  CAF_CHECK(at_ten > 400 && at_ten < 600);  // 10 % of 5,000
  CAF_CHECK(!in_share(0, 0));
  CAF_CHECK(in_share(9'999, 10'000));
}
