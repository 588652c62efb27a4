// griddle-microbench: micro-benchmarks of the runtime core. See
// docs/benchmarks.md for what each measures; `bench/run-micro` runs them all.
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/micro/append_bench.hpp"
#include "bench/micro/command_line.hpp"
#include "bench/micro/memory_bench.hpp"
#include "bench/micro/routing_bench.hpp"

namespace {

constexpr const char* usage =
    "usage: griddle-microbench routing [--seconds S] [--rounds R] [--window W] [--threads T]\n"
    "       griddle-microbench memory --entities N [--batch B] [--threads T] [--plain]\n"
    "       griddle-microbench appends [--writers W] [--seconds S] [--group-commit on|off]\n"
    "                                  [--path P]\n"
    "       griddle-microbench appends-matrix [--seconds S] [--path P]\n"
    "\n"
    "routing  round trips/s of raw CAF requests and of requests through the entity\n"
    "         router to an active entity, alternated for R rounds of S seconds\n"
    "         (defaults: S 2, R 5, W 32 requests in flight, T 2 scheduler threads)\n"
    "memory   resident bytes per activated idle entity, N entities activated with at\n"
    "         most B requests in flight (default 1000) on T scheduler threads (default 2);\n"
    "         --plain measures plain CAF actors with the same handler instead\n"
    "appends  durable appends/s and latency of the SQLite event store: W writers (default\n"
    "         1), each with one single-event append in flight to its own stream, for S\n"
    "         seconds (default 3), group commit on by default, on a fresh file (default:\n"
    "         unique under /tmp; removed afterwards)\n"
    "appends-matrix  appends with W = 1, 16, 256 and group commit on and off, as a table\n";

/// Removes `--name value` from `args` and returns the value, or `fallback`
/// when absent: `command_line` only reads numbers and switches.
std::string take_text(std::vector<char*>& args, const std::string& name, std::string fallback) {
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] != "--" + name)
      continue;
    if (i + 1 >= args.size())
      throw std::invalid_argument("flag '--" + name + "' needs a value");
    fallback = args[i + 1];
    args.erase(args.begin() + i, args.begin() + i + 2);
    --i;
  }
  return fallback;
}

bool take_on_off(std::vector<char*>& args, const std::string& name, bool fallback) {
  auto value = take_text(args, name, fallback ? "on" : "off");
  if (value != "on" && value != "off")
    throw std::invalid_argument("--" + name + " needs on or off, got '" + value + "'");
  return value == "on";
}

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
  if (command == "appends" || command == "appends-matrix") {
    std::vector<char*> rest{argv, argv + argc};
    auto path = take_text(rest, "path", "");
    if (command == "appends-matrix") {
      command_line args{static_cast<int>(rest.size()), rest.data(), 2, {"seconds"}};
      return run_appends_matrix(args.positive_real("seconds", 3), path);
    }
    append_options opts;
    opts.path = path;
    opts.group_commit = take_on_off(rest, "group-commit", opts.group_commit);
    command_line args{static_cast<int>(rest.size()), rest.data(), 2, {"writers", "seconds"}};
    opts.writers = args.positive("writers", opts.writers);
    opts.seconds = args.positive_real("seconds", opts.seconds);
    return run_appends(opts);
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
