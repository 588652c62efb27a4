// griddle-gateway: the HTTP gateway as its own process. It serves the site
// API and reaches the entities through a node's actor protocol (CAF's
// network layer), so several gateways can run behind a load balancer
// (deploy/nginx-gateways.conf). While the node is unreachable, /readyz
// answers 503 and API requests 503; the gateway reconnects every second.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "actors/application.hpp"
#include "gateway/api/site_api.hpp"
#include "gateway/http_options.hpp"
#include "gateway/http_server.hpp"
#include "runtime/errc.hpp"
#include "runtime/node/node_config.hpp"
#include "runtime/type_ids.hpp"

using namespace griddle;

namespace {

class gateway_config : public caf::actor_system_config {
 public:
  gateway_config() {
    load<caf::io::middleman>();
    add_runtime_types(*this);
    opt_group{custom_options_, "global"}.add(node, "node", "HOST:PORT of a node's actor protocol");
    http.listen = "127.0.0.1:8080";
    http.add_to(custom_options_);
    // A frozen node is noticed within seconds, not never.
    set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
    set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(5)});
    set("scheduler.max-threads",
        node::default_scheduler_threads(std::thread::hardware_concurrency()));
    config_file_path = "griddle-gateway.ini";
  }

  caf::error parse_all(int argc, char** argv) {
    if (auto err = parse(node::join_option_values(custom_options_, argc, argv)))
      return err;
    if (node.rfind(':') == std::string::npos)
      return make_error(errc::invalid_argument, "node must be HOST:PORT, got '" + node + "'");
    if (http.listen.empty())
      return make_error(errc::invalid_argument, "http must be HOST:PORT");
    return http.validate();
  }

  std::string node = "127.0.0.1:4242";
  gateway::http_options http;
};

/// Connects to the node; an invalid handle when it is not reachable.
caf::actor connect(caf::actor_system& sys, const std::string& address,
                   const std::shared_ptr<std::atomic<bool>>& down) {
  auto colon = address.rfind(':');
  auto host = address.substr(0, colon);
  auto port = static_cast<uint16_t>(std::stoul(address.substr(colon + 1)));
  auto node = sys.middleman().remote_actor(host, port);
  if (!node)
    return {};
  down->store(false);
  (*node)->attach_functor([down](const caf::error&) { down->store(true); });
  return *node;
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  gateway_config cfg;
  actors::make_application().add_message_types(cfg);
  if (auto err = cfg.parse_all(argc, argv)) {
    std::cerr << "griddle-gateway: " << caf::to_string(err) << " (try --help)" << std::endl;
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  caf::actor_system sys{cfg};
  auto down = std::make_shared<std::atomic<bool>>(true);
  auto node = connect(sys, cfg.node, down);
  auto access = std::make_shared<gateway::entity_access>(sys, node);
  gateway::api::site_api api{sys, access, cfg.http, node};
  api.set_ready(static_cast<bool>(node));
  gateway::http_server server{cfg.http,
                              [&api](const gateway::exchange_ptr& ex) { api.handle(ex); }};
  if (auto err = server.start()) {
    std::cerr << "griddle-gateway: cannot start: " << sys.render(err) << std::endl;
    api.stop();
    return 1;
  }
  std::cout << "griddle-gateway (pid " << getpid() << ") running"
            << "\n  http: http://" << cfg.http.listen.substr(0, cfg.http.listen.rfind(':')) << ":"
            << server.port() << "/"
            << "\n  node: " << cfg.node << (node ? " (connected)" : " (not reachable yet)")
            << "\n  stop with Ctrl-C or: kill -TERM " << getpid() << std::endl;
  auto last_try = std::chrono::steady_clock::now();
  for (;;) {
    timespec tick{0, 100 * 1000 * 1000};
    auto sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      std::cout << "griddle-gateway: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", draining"
                << std::endl;
      break;
    }
    if (!down->load())
      continue;
    if (node) {
      std::cout << "griddle-gateway: lost node " << cfg.node << ", reconnecting" << std::endl;
      node = nullptr;
      access->set_node(nullptr);
      api.set_ready(false);
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_try < std::chrono::seconds(1))
      continue;
    last_try = now;
    if ((node = connect(sys, cfg.node, down))) {
      access->set_node(node);
      api.set_feed(node);
      api.set_ready(true);
      std::cout << "griddle-gateway: connected to node " << cfg.node << std::endl;
    }
  }
  api.set_ready(false);
  server.drain();
  api.stop();
  std::cout << "griddle-gateway: stopped" << std::endl;
  return 0;
}
