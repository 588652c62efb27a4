// The entry point of the one test binary; suites live in unit/ and integration/.
#define CAF_TEST_UNIT_TEST_IMPL
#include <caf/test/unit_test_impl.hpp>
