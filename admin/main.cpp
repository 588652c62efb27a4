// griddle-admin: one command against a node's admin HTTP API, then exit.
// See admin/README.md and `griddle-admin --help`.
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "admin/invocation.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return griddle::admin::run_program(args, std::getenv, isatty(STDOUT_FILENO) != 0, std::cout,
                                     std::cerr);
}
