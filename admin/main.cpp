// griddle-admin: one command against a node's admin HTTP API, then exit; or,
// without a command, a shell (or commands read from stdin).
// See admin/README.md and `griddle-admin --help`.
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "admin/invocation.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  griddle::admin::program_io io{std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) != 0,
                                isatty(STDOUT_FILENO) != 0};
  return griddle::admin::run_program(args, std::getenv, io);
}
