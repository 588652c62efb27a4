// A node on the embedded SQLite store keeps what it acknowledged: accounts
// registered through it are there after a clean restart and after kill -9.
#define CAF_SUITE node_store
#include <caf/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/account_types.hpp"
#include "node_process.hpp"
#include "runtime/errc.hpp"
#include "scratch_db.hpp"

using namespace griddle;
using namespace std::chrono_literals;

namespace {

struct client {
  test::client_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor node;

  explicit client(uint16_t port) {
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    CAF_REQUIRE(remote);
    node = *remote;
  }

  /// Sends `xs...` to `ref` through the node; the reply of type T or the error.
  template <class T, class... Ts>
  caf::expected<T> ask(const entity_ref& ref, Ts&&... xs) {
    caf::expected<T> result{caf::error{}};
    self->request(node, 30s, route_atom_v, ref, caf::make_message(std::forward<Ts>(xs)...))
        .receive([&](T& x) { result = std::move(x); }, [&](caf::error& err) { result = err; });
    return result;
  }
};

actors::registration ada() {
  actors::registration r;
  r.email = "ada@example.org";
  r.password = "correct horse battery";
  r.name = "Ada";
  r.birth_year = 1990;
  r.city = "Stockholm";
  r.bio = "Likes engines.";
  r.looking_for = "everyone";
  return r;
}

std::vector<std::string> node_args(const std::string& path) {
  return {"--port=0", "--state-interval=0s", "--store=sqlite:" + path};
}

}  // namespace

CAF_TEST(accounts survive a clean restart and a kill) {
  test::scratch_db db{"griddle-node-store"};
  std::string user_id;
  {
    test::node_process node{node_args(db.path)};
    CAF_REQUIRE(node.wait_for("stop with", 20s));
    CAF_CHECK(node.output().find("store: sqlite " + db.path) != std::string::npos);
    client c{node.port()};
    auto id =
        c.ask<std::string>(entity_ref{"email", "ada@example.org"}, actors::register_atom_v, ada());
    CAF_REQUIRE(id);
    user_id = *id;
    node.signal(SIGTERM);
    CAF_CHECK_EQUAL(node.wait_exit(20s), 0);
  }
  {
    test::node_process node{node_args(db.path)};
    CAF_REQUIRE(node.wait_for("stop with", 20s));
    client c{node.port()};
    auto profile = c.ask<actors::profile>(entity_ref{"user", user_id}, caf::get_atom_v);
    CAF_REQUIRE(profile);
    std::string name = profile->name;
    CAF_CHECK_EQUAL(name, "Ada");
    // Acknowledged, then killed without a chance to save anything.
    actors::profile_update change;
    change.city = std::string{"Uppsala"};
    auto updated =
        c.ask<actors::profile>(entity_ref{"user", user_id}, actors::update_profile_atom_v, change);
    CAF_REQUIRE(updated);
    node.signal(SIGKILL);
    CAF_CHECK_EQUAL(node.wait_exit(20s), 128 + SIGKILL);
  }
  {
    test::node_process node{node_args(db.path)};
    CAF_REQUIRE(node.wait_for("stop with", 20s));
    client c{node.port()};
    auto profile = c.ask<actors::profile>(entity_ref{"user", user_id}, caf::get_atom_v);
    CAF_REQUIRE(profile);
    std::string city = profile->city;
    CAF_CHECK_EQUAL(city, "Uppsala");
    auto again =
        c.ask<std::string>(entity_ref{"email", "ada@example.org"}, actors::register_atom_v, ada());
    CAF_REQUIRE(!again);
    CAF_CHECK(is(again.error(), errc::conflict));
    auto login = c.ask<actors::login_result>(entity_ref{"email", "ada@example.org"},
                                             actors::login_atom_v, ada().password);
    CAF_REQUIRE(login);
    std::string login_user = login->user_id;
    CAF_CHECK_EQUAL(login_user, user_id);
    node.signal(SIGTERM);
    CAF_CHECK_EQUAL(node.wait_exit(20s), 0);
  }
}
