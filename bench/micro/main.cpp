// griddle-microbench: micro-benchmarks of the runtime core. See
// docs/benchmarks.md for what each measures; `bench/run-micro` runs them all.
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "bench/micro/command_line.hpp"
#include "bench/micro/memory_bench.hpp"
#include "bench/micro/routing_bench.hpp"

namespace {

constexpr const char* usage =
    "usage: griddle-microbench routing [--seconds S] [--rounds R] [--window W] [--threads T]\n"
    "       griddle-microbench memory --entities N [--batch B] [--threads T] [--plain]\n"
    "\n"
    "routing  round trips/s of raw CAF requests and of requests through the entity\n"
    "         router to an active entity, alternated for R rounds of S seconds\n"
    "         (defaults: S 2, R 5, W 32 requests in flight, T 2 scheduler threads)\n"
    "memory   resident bytes per activated idle entity, N entities activated with at\n"
    "         most B requests in flight (default 1000) on T scheduler threads (default 2);\n"
    "         --plain measures plain CAF actors with the same handler instead\n";

int run(int argc, char** argv) {
  using namespace griddle::bench;
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "routing") {
    command_line args{argc, argv, 2, {"seconds", "rounds", "window", "threads"}};
    routing_options opts;
    opts.seconds = args.positive_real("seconds", opts.seconds);
    opts.rounds = args.positive("rounds", opts.rounds);
    opts.window = args.positive("window", opts.window);
    opts.threads = args.positive("threads", opts.threads);
    return run_routing(opts);
  }
  if (command == "memory") {
    command_line args{argc, argv, 2, {"entities", "batch", "threads"}, {"plain"}};
    memory_options opts;
    opts.entities = args.positive("entities", 0);
    if (opts.entities == 0)
      throw std::invalid_argument("memory needs --entities N");
    opts.batch = args.positive("batch", opts.batch);
    opts.threads = args.positive("threads", opts.threads);
    opts.plain = args.has("plain");
    return run_memory(opts);
  }
  if (command == "--help" || command == "-h") {
    std::fputs(usage, stdout);
    return 0;
  }
  throw std::invalid_argument(command.empty() ? "missing command" : "unknown command " + command);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (std::invalid_argument& e) {
    std::fprintf(stderr, "griddle-microbench: %s\n\n%s", e.what(), usage);
    return 2;
  } catch (std::exception& e) {
    std::fprintf(stderr, "griddle-microbench: %s\n", e.what());
    return 1;
  }
}
