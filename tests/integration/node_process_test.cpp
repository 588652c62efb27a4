// The griddle-node program as a process: it boots, serves entity traffic over
// CAF's network layer, and exits 0 within seconds of SIGTERM.
#define CAF_SUITE node_process
#include <caf/test/unit_test.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/application.hpp"
#include "actors/type_ids.hpp"
#include "runtime/errc.hpp"
#include "runtime/type_ids.hpp"

using namespace griddle;
using namespace std::chrono_literals;

namespace {

/// A child process running griddle-node with its stdout on a pipe. Killed
/// (SIGKILL) if a test leaves it running.
class node_process {
 public:
  explicit node_process(std::vector<std::string> args) {
    int fds[2];
    CAF_REQUIRE_EQUAL(pipe(fds), 0);
    pid_ = fork();
    CAF_REQUIRE_NOT_EQUAL(pid_, -1);
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(GRIDDLE_NODE_BINARY));
      for (auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execv(GRIDDLE_NODE_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }

  ~node_process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  /// Reads output until a line contains `needle` or `timeout` passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      pollfd pfd{out_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
        continue;
      char buf[512];
      auto n = read(out_, buf, sizeof(buf));
      if (n <= 0)
        return output_.find(needle) != std::string::npos;
      output_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  /// The exit status after waiting up to `timeout`, or -1 when still running.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

  void signal(int sig) { kill(pid_, sig); }
  const std::string& output() const { return output_; }

  /// The port printed in the "actor protocol: host:port" line, or 0.
  uint16_t port() const {
    auto pos = output_.find("actor protocol: 127.0.0.1:");
    if (pos == std::string::npos)
      return 0;
    return static_cast<uint16_t>(std::stoi(output_.substr(pos + 26)));
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string output_;
};

struct client_config : caf::actor_system_config {
  client_config() {
    load<caf::io::middleman>();
    add_runtime_types(*this);
    actors::add_actor_types(*this);
    set("logger.file-verbosity", caf::atom("quiet"));
    set("scheduler.max-threads", size_t{2});
  }
};

}  // namespace

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
              CAF_CHECK_EQUAL(
                  status,
                  "node it-node: presence active=1 activations=1 passivations=0 restarts=0");
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
