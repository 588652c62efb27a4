// Declares a libFuzzer entry point. Built for fuzzing (clang,
// -fsanitize=fuzzer), `GRIDDLE_FUZZ_TARGET(name)` is `LLVMFuzzerTestOneInput`;
// built into griddle-tests with GRIDDLE_FUZZ_REPLAY defined, it is
// `griddle_fuzz_<name>`, so both targets live in one binary and the
// fuzz_regressions suite replays the corpora through them.
//
// A target returns 0 for every input; a broken invariant aborts (a crash to
// the fuzzer, a failed run to the replay), naming the invariant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#ifdef GRIDDLE_FUZZ_REPLAY
#define GRIDDLE_FUZZ_TARGET(name) \
  extern "C" int griddle_fuzz_##name(const uint8_t* data, size_t size)
#else
#define GRIDDLE_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#endif

extern "C" int griddle_fuzz_http_request(const uint8_t* data, size_t size);
extern "C" int griddle_fuzz_json_decoders(const uint8_t* data, size_t size);

/// Aborts with `what` (and where) unless `cond` holds; active in every build.
#define GRIDDLE_FUZZ_EXPECT(cond, what)                                                     \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)
