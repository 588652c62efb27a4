#include "runtime/node/node_config.hpp"

#include <algorithm>
#include <thread>

#include <caf/io/middleman.hpp>

#include "runtime/errc.hpp"
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
      .add(store_sync, "store-sync", "sqlite durability: full or normal");
  // One scheduler thread per core unless the file or the command line says otherwise.
  set("scheduler.max-threads", default_scheduler_threads(std::thread::hardware_concurrency()));
  config_file_path = "griddle-node.ini";
}

caf::error node_config::parse_all(int argc, char** argv) {
  if (auto err = parse(argc, argv))
    return err;
  if (port < -1 || port > 65535)
    return make_error(errc::invalid_argument, "port must be -1..65535");
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
