// A griddle-node child process for integration tests, and the client side's
// actor system configuration that speaks to it over CAF's network layer.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/test/unit_test.hpp>

#include "actors/application.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::test {

using namespace std::chrono_literals;

/// A child process running griddle-node (or another of our programs) with
/// its stdout on a pipe. Killed (SIGKILL) if a test leaves it running.
class node_process {
 public:
  explicit node_process(std::vector<std::string> args)
      : node_process(GRIDDLE_NODE_BINARY, std::move(args)) {}

  node_process(const char* binary, std::vector<std::string> args) {
    int fds[2];
    CAF_REQUIRE_EQUAL(pipe(fds), 0);
    pid_ = fork();
    CAF_REQUIRE_NOT_EQUAL(pid_, -1);
    if (pid_ == 0) {
      // A test that aborts (a failed CAF_REQUIRE) takes its children along.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary));
      for (auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execv(binary, argv.data());
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
  uint16_t port() const { return port_after("actor protocol: 127.0.0.1:"); }

  /// The port printed in the "http: http://127.0.0.1:port/" line, or 0.
  uint16_t http_port() const { return port_after("http: http://127.0.0.1:"); }

  pid_t pid() const noexcept { return pid_; }

  /// The port printed in the "admin: http://127.0.0.1:port/" line, or 0.
  uint16_t admin_port() const { return port_after("admin: http://127.0.0.1:"); }

 private:
  uint16_t port_after(const std::string& prefix) const {
    auto pos = output_.find(prefix);
    if (pos == std::string::npos)
      return 0;
    return static_cast<uint16_t>(std::stoi(output_.substr(pos + prefix.size())));
  }

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

}  // namespace griddle::test
