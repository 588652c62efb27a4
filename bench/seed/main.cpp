// griddle-bench: the benchmark driver. Subcommands:
//   seed   write a reproducible dataset into an event store (seed_command.hpp)
//   load   load the HTTP API and report latencies (bench/load/load_command.hpp)
// See docs/benchmarks.md. Exit codes: 0 done, 1 failed, 2 usage error.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench/load/load_command.hpp"
#include "bench/seed/options.hpp"
#include "bench/seed/seed_command.hpp"

namespace {

struct subcommand {
  const char* name;
  const char* summary;
  const char* usage;
  int (*run)(const std::vector<std::string>& args);
};

const subcommand subcommands[] = {
    {"seed", "write a reproducible dataset into an event store", griddle::bench::seed_usage,
     griddle::bench::run_seed},
    {"load", "load the HTTP API and report latency percentiles", griddle::bench::load_usage,
     griddle::bench::run_load_command},
};

void print_usage(std::FILE* out) {
  std::fputs("usage: griddle-bench COMMAND [OPTIONS]   (griddle-bench COMMAND --help)\n\n", out);
  for (const auto& cmd : subcommands)
    std::fprintf(out, "  %-8s %s\n", cmd.name, cmd.summary);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args{argv + (argc > 1 ? 2 : 1), argv + argc};
  std::string name = argc > 1 ? argv[1] : "";
  if (name == "--help" || name == "-h") {
    print_usage(stdout);
    return 0;
  }
  for (const auto& cmd : subcommands) {
    if (name != cmd.name)
      continue;
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
      std::fputs(cmd.usage, stdout);
      return 0;
    }
    try {
      return cmd.run(args);
    } catch (griddle::bench::usage_error& e) {
      std::fprintf(stderr, "griddle-bench %s: %s\n\n%s", cmd.name, e.what(), cmd.usage);
      return 2;
    } catch (std::exception& e) {
      std::fprintf(stderr, "griddle-bench %s: %s\n", cmd.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "griddle-bench: %s\n\n",
               name.empty() ? "missing command" : ("unknown command " + name).c_str());
  print_usage(stderr);
  return 2;
}
