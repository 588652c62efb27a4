// The configuration of a `griddle-node`: CAF's own options plus Griddle's, read
// from an INI file (`--config-file=PATH`, default `griddle-node.ini` in the
// working directory when present) and then from the command line, which
// overrides the file. `--dump-config` (CAF's) prints the effective result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

namespace griddle::node {

class node_config : public caf::actor_system_config {
 public:
  node_config();

  /// Parses file and command line; applies Griddle's defaults for what neither
  /// sets. Returns an error for unknown options or malformed values.
  caf::error parse_all(int argc, char** argv);

  /// The option set, for front ends that add their own options before parsing.
  caf::config_option_set& options() noexcept { return custom_options_; }

  // -- Griddle's options (category "global", e.g. `--port=4242`) -------------

  /// The node's name on the cluster ring.
  std::string node_name = "node-1";
  /// Address the node's actor protocol listens on.
  std::string host = "127.0.0.1";
  /// TCP port of the node's actor protocol; 0 picks a free one; -1 disables it.
  int64_t port = 4242;
  /// How often the node logs its entity counts; zero turns it off.
  caf::timespan state_interval = std::chrono::seconds(10);
  /// Where events and snapshots live: `sqlite:PATH` (the embedded, durable
  /// default; the directory is created) or `memory` (gone at exit).
  std::string store = "sqlite:griddle-data/griddle.db";
  /// SQLite durability: `full` survives kill -9 and power loss, `normal`
  /// only kill -9 (docs/store.md).
  std::string store_sync = "full";
  /// Where to send metrics over statsD (`HOST:PORT`, `[V6]:PORT`); empty:
  /// no statsD (runtime/metrics/statsd_client.hpp, docs/metrics.md).
  std::string statsd;
  /// Prepended to every statsD name.
  std::string statsd_prefix = "griddle.";
  /// DogStatsD tags (`|#type:feed`) instead of labels folded into names.
  bool statsd_tags = false;
  /// How often the whole registry is reported over statsD.
  caf::timespan statsd_interval = std::chrono::seconds(10);
};

/// The command line with `--name value` joined into `--name=value` for the
/// options of `opts` that take a value (CAF reads only the joined form).
/// Leaves out argv[0].
std::vector<std::string> join_option_values(const caf::config_option_set& opts, int argc,
                                            char** argv);

/// Scheduler threads for a machine with `cores` hardware threads: one per core.
/// CAF's default of max(cores, 4) oversubscribes small machines (measured in
/// docs/benchmarks.md).
size_t default_scheduler_threads(size_t cores);

}  // namespace griddle::node
