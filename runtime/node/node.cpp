#include "runtime/node/node.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/entity/entity_host.hpp"
#include "runtime/entity/projector.hpp"
#include "runtime/errc.hpp"
#include "runtime/flags/flag_controller.hpp"
#include "runtime/metrics/statsd_client.hpp"
#include "runtime/node/node_actor.hpp"
#include "runtime/rollout/rollout_controller.hpp"
#include "runtime/store/event_store_actor.hpp"
#include "runtime/store/memory_event_store.hpp"
#include "runtime/store/sqlite_event_store.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::node {

node::node(caf::actor_system& sys, const node_config& cfg, entity::entity_type_registry types)
    : sys_(sys),
      cfg_(cfg),
      types_(std::move(types)),
      router_(std::make_unique<entity::entity_router>(sys, cfg.node_name)) {
  if (types_.find(rollout::controller_type_name) == nullptr)
    types_.add(rollout::controller_type(&types_));
  if (types_.find(flags::controller_type_name) == nullptr)
    types_.add(flags::controller_type());
}

node::~node() {
  if (!stopping_)
    stop();
}

caf::actor node::current_store() const {
  std::lock_guard<std::mutex> guard{store_mtx_};
  return store_;
}

std::string node::store_description() const {
  if (cfg_.store == "memory")
    return "in memory (gone at exit)";
  return "sqlite " + cfg_.store.substr(7) + " (synchronous=" + cfg_.store_sync + ")";
}

namespace {

caf::expected<std::shared_ptr<store::event_store>> open_event_store(const node_config& cfg) {
  if (cfg.store == "memory")
    return std::shared_ptr<store::event_store>{std::make_shared<store::memory_event_store>()};
  store::sqlite_options opts;
  opts.path = cfg.store.substr(7);
  opts.synchronous = cfg.store_sync == "normal" ? store::sqlite_synchronous::normal
                                                : store::sqlite_synchronous::full;
  auto dir = std::filesystem::path{opts.path}.parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::create_directories(dir, ec) && ec)
    return make_error(errc::store_failure, "cannot create " + dir.string() + ": " + ec.message());
  auto opened = store::sqlite_event_store::open(std::move(opts));
  if (!opened)
    return std::move(opened.error());
  return std::shared_ptr<store::event_store>{std::move(*opened)};
}

}  // namespace

caf::error node::start() {
  auto opened = open_event_store(cfg_);
  if (!opened)
    return std::move(opened.error());
  events_ = std::move(*opened);
  supervision::supervisor_spec spec;
  spec.name = "root";
  // A restarted store invalidates the hosts' handle to it: restart them too.
  spec.how = supervision::strategy::rest_for_one;
  spec.children.push_back({"store", [this](caf::actor_system& sys) {
                             auto store = store::spawn_event_store_actor(sys, events_);
                             std::lock_guard<std::mutex> guard{store_mtx_};
                             store_ = store;
                             return store;
                           }});
  spec.children.push_back({"projector", [this](caf::actor_system& sys) {
                             return entity::spawn_projector(sys, types_, *router_, current_store());
                           }});
  std::vector<std::string> names;
  for (auto* type : types_.all()) {
    names.push_back(type->name);
    spec.children.push_back({"host:" + type->name, [this, type](caf::actor_system& sys) {
                               return entity::spawn_entity_host(sys, *type, *router_,
                                                                current_store());
                             }});
  }
  root_ = supervision::spawn_supervisor(sys_, std::move(spec));
  root_->attach_functor([flag = root_down_](const caf::error&) { *flag = true; });
  // The root starts its children before it handles any message: once it has
  // answered, every host is installed in the router and the node may serve.
  caf::error not_started;
  caf::scoped_actor self{sys_};
  self->request(root_, std::chrono::seconds(30), status_atom_v)
      .receive([](std::string&) {}, [&](caf::error& err) { not_started = std::move(err); });
  if (not_started)
    return not_started;
  if (auto err = restore_controllers(self))
    return err;
  node_actor_ = spawn_node_actor(sys_, {cfg_.node_name, router_.get(), names, cfg_.state_interval,
                                        [this] { return current_store(); }});
  if (cfg_.port >= 0) {
    auto bound = sys_.middleman().publish(node_actor_, static_cast<uint16_t>(cfg_.port),
                                          cfg_.host.c_str(), true);
    if (!bound)
      return std::move(bound.error());
    port_ = *bound;
  }
  return caf::none;
}

caf::error node::restore_controllers(caf::scoped_actor& self) {
  // The flags controller and, for each type with other versions, its rollout
  // controller are activated: each loads what it stored into its table
  // before the node serves.
  caf::error failed;
  router_
      ->request(self.ptr(), entity_ref{flags::controller_type_name, flags::controller_key},
                std::chrono::seconds(30), flags_atom_v, std::string{"get"}, std::string{})
      .receive([](std::string&) {},
               [&](caf::error& err) {
                 failed = make_error(errc::activation_failed, "flags: " + sys_.render(err));
               });
  if (failed)
    return failed;
  for (auto* type : types_.all()) {
    if (type->versions.empty())
      continue;
    router_
        ->request(self.ptr(), entity_ref{rollout::controller_type_name, type->name},
                  std::chrono::seconds(30), rollout_atom_v, std::string{"status"}, std::string{})
        .receive([](std::string&) {},
                 [&](caf::error& err) {
                   failed = make_error(errc::activation_failed,
                                       "rollout of " + type->name + ": " + sys_.render(err));
                 });
    if (failed)
      return failed;
  }
  return caf::none;
}

void node::stop() {
  if (stopping_)
    return;
  stopping_ = true;
  caf::scoped_actor self{sys_};
  // Wait for each part to be gone, not just to have answered: the router must
  // outlive every actor that holds it.
  auto await_down = [&] {
    self->receive(
        [](caf::down_msg&) {},
        caf::after(std::chrono::seconds(60)) >>
            [] { std::cerr << "griddle-node: an actor did not stop in 60 s" << std::endl; });
  };
  if (root_) {
    self->monitor(root_);
    self->request(root_, std::chrono::seconds(60), shutdown_atom_v)
        .receive([] {},
                 [&](caf::error& err) {
                   if (!*root_down_)
                     std::cerr << "griddle-node: root supervisor: " << sys_.render(err)
                               << std::endl;
                 });
    await_down();
  }
  if (node_actor_) {
    if (port_ != 0)
      sys_.middleman().unpublish(node_actor_, port_);
    self->monitor(node_actor_);
    caf::anon_send_exit(node_actor_, caf::exit_reason::user_shutdown);
    await_down();
  }
  router_.reset();
}

namespace {

std::string join(const std::vector<const entity::entity_type*>& types) {
  std::string result;
  for (auto* t : types) {
    result += (result.empty() ? "" : ", ") + t->name + "@" + t->version;
    for (auto& v : t->versions)
      result += "|" + v.name;
  }
  return result;
}

}  // namespace

int run_node(int argc, char** argv, const application& app) {
  // Every thread inherits the blocked signals; only the main thread takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  node_config cfg;
  if (app.add_message_types)
    app.add_message_types(cfg);
  if (app.add_options)
    app.add_options(cfg.options());
  auto err = cfg.parse_all(argc, argv);
  if (!err && !cfg.cli_helptext_printed && app.check_options)
    err = app.check_options();
  if (err) {
    std::cerr << "griddle-node: " << caf::to_string(err) << " (try --help)" << std::endl;
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  entity::entity_type_registry types;
  if (app.add_entity_types)
    app.add_entity_types(types);
  auto type_list = join(types.all());
  caf::actor_system sys{cfg};
  int exit_code = 0;
  if (app.start)
    app.start(sys);
  {
    node n{sys, cfg, std::move(types)};
    if (auto err = n.start()) {
      std::cerr << "griddle-node: cannot start: " << sys.render(err) << std::endl;
      n.stop();
      if (app.stop)
        app.stop(sys);
      return 1;
    }
    std::cout << "griddle-node " << cfg.node_name << " (pid " << getpid() << ") running"
              << "\n  entity types: " << type_list
              << "\n  scheduler threads: " << caf::get_or(cfg, "scheduler.max-threads", size_t{0})
              << "\n  store: " << n.store_description();
    if (n.port() != 0)
      std::cout << "\n  actor protocol: " << cfg.host << ":" << n.port();
    std::unique_ptr<metrics::statsd_client> statsd;
    if (!cfg.statsd.empty()) {
      try {
        auto addr = metrics::parse_statsd_address(cfg.statsd);
        metrics::statsd_config sc;
        sc.host = addr.host;
        sc.port = addr.port;
        sc.prefix = cfg.statsd_prefix;
        sc.tags = cfg.statsd_tags;
        sc.report_interval =
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.statsd_interval);
        statsd = metrics::start_statsd(sc);
        std::cout << "\n  statsd: " << cfg.statsd << " (every " << sc.report_interval.count()
                  << " ms, prefix " << sc.prefix << (sc.tags ? ", DogStatsD tags)" : ")");
      } catch (const std::exception& e) {
        std::cout << std::endl;
        std::cerr << "griddle-node: cannot start statsD: " << e.what() << std::endl;
        n.stop();
        if (app.stop)
          app.stop(sys);
        return 1;
      }
    }
    if (app.open_front) {
      auto front = app.open_front(sys, n);
      if (!front) {
        std::cout << std::endl;
        std::cerr << "griddle-node: cannot start: " << sys.render(front.error()) << std::endl;
        n.stop();
        if (app.stop)
          app.stop(sys);
        return 1;
      }
      std::cout << *front;
    }
    std::cout << "\n  stop with Ctrl-C or: kill -TERM " << getpid() << std::endl;
    for (;;) {
      timespec tick{0, 200 * 1000 * 1000};
      auto sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        std::cout << "griddle-node: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
                  << std::endl;
        break;
      }
      if (n.failed()) {
        std::cerr << "griddle-node: root supervisor gave up, shutting down" << std::endl;
        exit_code = 1;
        break;
      }
    }
    if (app.close_front)
      app.close_front();
    n.stop();
  }
  if (app.stop)
    app.stop(sys);
  std::cout << "griddle-node: stopped" << std::endl;
  return exit_code;
}

}  // namespace griddle::node
