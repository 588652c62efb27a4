#include "runtime/node/node_config.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <caf/io/middleman.hpp>

#include "runtime/errc.hpp"
#include "runtime/metrics/statsd_client.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::node {

size_t default_scheduler_threads(size_t cores) {
  return std::max<size_t>(cores, 1);
}

node_config::node_config() {
  load<caf::io::middleman>();
  add_runtime_types(*this);
  opt_group{custom_options_, "global"}
      .add(node_name, "node-name", "name of this node on the cluster ring")
      .add(host, "host", "address the node's actor protocol listens on")
      .add(port, "port", "port of the node's actor protocol (0: any free port, -1: off)")
      .add(state_interval, "state-interval", "how often to log entity counts (0: never)")
      .add(store, "store", "event store: sqlite:PATH or memory")
      .add(store_sync, "store-sync", "sqlite durability: full or normal")
      .add(statsd, "statsd", "send metrics over statsD (UDP) to HOST:PORT (empty: off)")
      .add(statsd_prefix, "statsd-prefix", "prefix of every statsD name")
      .add(statsd_tags, "statsd-tags", "send labels as DogStatsD tags")
      .add(statsd_interval, "statsd-interval", "how often to report all metrics over statsD");
  // Peers that watch this node (gateways set a connection time-out) hear from
  // it every second even when no request is in flight.
  set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  // One scheduler thread per core unless the file or the command line says otherwise.
  set("scheduler.max-threads", default_scheduler_threads(std::thread::hardware_concurrency()));
  config_file_path = "griddle-node.ini";
}

std::vector<std::string> join_option_values(const caf::config_option_set& opts, int argc,
                                            char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0 && arg.find('=') == std::string::npos &&
        i + 1 < argc && std::string_view{argv[i + 1]}.rfind("--", 0) != 0) {
      auto* opt = opts.cli_long_name_lookup(caf::string_view{arg}.substr(2));
      if (opt != nullptr && !opt->is_flag()) {
        args.push_back(arg + "=" + argv[++i]);
        continue;
      }
    }
    args.push_back(std::move(arg));
  }
  return args;
}

caf::error node_config::parse_all(int argc, char** argv) {
  if (auto err = parse(join_option_values(custom_options_, argc, argv)))
    return err;
  if (port < -1 || port > 65535)
    return make_error(errc::invalid_argument, "port must be -1..65535");
  if (!statsd.empty()) {
    try {
      metrics::parse_statsd_address(statsd);
    } catch (const std::invalid_argument& e) {
      return make_error(errc::invalid_argument, std::string{"--statsd: "} + e.what());
    }
    if (statsd_interval < std::chrono::milliseconds(100))
      return make_error(errc::invalid_argument, "statsd-interval must be at least 100ms");
  }
  if (store != "memory" && (store.rfind("sqlite:", 0) != 0 || store.size() == 7))
    return make_error(errc::invalid_argument,
                      "store must be sqlite:PATH or memory, got '" + store + "'");
  if (store_sync != "full" && store_sync != "normal")
    return make_error(errc::invalid_argument,
                      "store-sync must be full or normal, got '" + store_sync + "'");
  if (node_name.empty())
    return make_error(errc::invalid_argument, "node-name must not be empty");
  return caf::none;
}

}  // namespace griddle::node
