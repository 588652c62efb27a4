// The griddle-node program as a process: it boots, serves entity traffic over
// CAF's network layer, and exits 0 within seconds of SIGTERM.
#define CAF_SUITE node_process
#include <caf/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/type_ids.hpp"
#include "node_process.hpp"
#include "runtime/errc.hpp"
#include "runtime/type_ids.hpp"

using namespace griddle;
using namespace std::chrono_literals;

using test::client_config;
using test::node_process;

CAF_TEST(the node serves entity requests and exits cleanly on a terminate signal) {
  node_process node{{"--port=0", "--state-interval=0s", "--node-name=it-node", "--store=memory"}};
  CAF_REQUIRE(node.wait_for("stop with", 20s));
  CAF_MESSAGE("node said:\n" << node.output());
  auto port = node.port();
  CAF_REQUIRE_NOT_EQUAL(port, 0);
  auto connected = std::chrono::steady_clock::now();
  {
    client_config cfg;
    caf::actor_system sys{cfg};
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    CAF_REQUIRE(remote);
    caf::scoped_actor self{sys};
    entity_ref user{"presence", "42"};
    for (uint64_t n = 1; n <= 3; ++n) {
      self->request(
              *remote, 10s, route_atom_v, user,
              caf::make_message(actors::touch_atom_v, int64_t{1000} * static_cast<int64_t>(n)))
          .receive(
              [&](actors::presence_info& info) {
                CAF_CHECK_EQUAL(info.sightings, n);
                CAF_CHECK_EQUAL(info.last_seen_ms, 1000 * static_cast<int64_t>(n));
              },
              [&](caf::error& err) { CAF_FAIL("touch failed: " << sys.render(err)); });
    }
    self->request(*remote, 10s, count_atom_v, std::string{"presence"})
        .receive([&](uint64_t active) { CAF_CHECK_EQUAL(active, 1u); },
                 [&](caf::error& err) { CAF_FAIL("count failed: " << sys.render(err)); });
    self->request(*remote, 10s, peek_atom_v, entity_ref{"presence", "7"})
        .receive([&](entity::peek_result& seen) { CAF_CHECK(!seen.active); },
                 [&](caf::error& err) { CAF_FAIL("peek failed: " << sys.render(err)); });
    self->request(*remote, 10s, route_atom_v, entity_ref{"no-such-type", "1"},
                  caf::make_message(caf::get_atom_v))
        .receive([&](caf::message&) { CAF_FAIL("an unknown type answered"); },
                 [&](caf::error& err) { CAF_CHECK(is(err, errc::unknown_entity_type)); });
    self->request(*remote, 10s, status_atom_v)
        .receive(
            [&](std::string& status) {
              // One entry per entity type; only presence/42 has been active.
              CAF_CHECK_EQUAL(status.rfind("node it-node: ", 0), 0u);
              CAF_CHECK_NOT_EQUAL(
                  status.find("; presence active=1 activations=1 passivations=0 restarts=0;"),
                  std::string::npos);
              CAF_CHECK_NOT_EQUAL(status.find("user active=0 activations=0"), std::string::npos);
            },
            [&](caf::error& err) { CAF_FAIL("status failed: " << sys.render(err)); });
  }
  CAF_MESSAGE("client session took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - connected)
                                            .count()
                                     << " ms");
  auto signalled = std::chrono::steady_clock::now();
  node.signal(SIGTERM);
  CAF_CHECK_EQUAL(node.wait_exit(10s), 0);
  CAF_MESSAGE("exit took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - signalled)
                                  .count()
                           << " ms");
  CAF_CHECK(node.wait_for("griddle-node: stopped", 1s));
}

CAF_TEST(the node exits cleanly on an interrupt signal while idle) {
  node_process node{{"--port=-1", "--state-interval=0s", "--store=memory"}};
  CAF_REQUIRE(node.wait_for("stop with", 20s));
  node.signal(SIGINT);
  CAF_CHECK_EQUAL(node.wait_exit(10s), 0);
}

CAF_TEST(the node rejects unknown options with a message) {
  node_process node{{"--no-such-option=1"}};
  CAF_CHECK_EQUAL(node.wait_exit(10s), 2);
  CAF_CHECK(node.wait_for("no-such-option", 1s));
}

CAF_TEST(the node prints help and exits with status zero) {
  node_process node{{"--help"}};
  CAF_CHECK_EQUAL(node.wait_exit(10s), 0);
  CAF_CHECK(node.wait_for("--state-interval", 1s));
}
