// griddle-admin's REPL as a person meets it: the real binary under a
// pseudo-terminal, talking to a small fake admin API on 127.0.0.1. Given the
// node's canned answers, when keys are typed (TAB, the up arrow, Ctrl-C,
// `exit`), then the right requests reach the node, with the operator's name,
// and the history file holds the lines. Every read has a time-out.
#define CAF_SUITE admin_repl_pty
#include "caf/test/dsl.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// One request as the fake node saw it: "GET /target operator".
struct seen_request {
  std::string method;
  std::string target;
  std::string operator_name;
};

/// A blocking HTTP/1.1 server on 127.0.0.1 (a free port) in its own thread,
/// one connection at a time, answering canned JSON by path.
class fake_admin_api {
 public:
  fake_admin_api() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 16);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    server_ = std::thread{[this] { serve(); }};
  }

  ~fake_admin_api() {
    stop_ = true;
    server_.join();
    ::close(listener_);
  }

  uint16_t port() const { return port_; }

  std::vector<seen_request> requests() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return seen_;
  }

  size_t count(const std::string& target) const {
    size_t n = 0;
    for (const auto& r : requests())
      n += r.target == target ? 1 : 0;
    return n;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0)
        continue;
      int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0)
        continue;
      answer(connection);
      ::close(connection);
    }
  }

  /// Reads one request (2 s at most) and writes the canned answer.
  void answer(int connection) {
    std::string text;
    auto deadline = clock_type::now() + 2s;
    while (text.find("\r\n\r\n") == std::string::npos && clock_type::now() < deadline) {
      pollfd ready{connection, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0)
        continue;
      char buffer[4096];
      auto n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0)
        return;
      text.append(buffer, static_cast<size_t>(n));
    }
    std::istringstream head{text.substr(0, text.find("\r\n\r\n"))};
    seen_request seen;
    std::string line;
    std::getline(head, line);
    std::istringstream first{line};
    first >> seen.method >> seen.target;
    while (std::getline(head, line)) {
      auto colon = line.find(':');
      auto name = line.substr(0, colon);
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (colon != std::string::npos && name == "x-griddle-operator") {
        seen.operator_name = line.substr(colon + 1);
        seen.operator_name.erase(0, seen.operator_name.find_first_not_of(' '));
        while (!seen.operator_name.empty() && seen.operator_name.back() == '\r')
          seen.operator_name.pop_back();
      }
    }
    auto [status, body] = canned(seen.target.substr(0, seen.target.find('?')));
    {
      std::lock_guard<std::mutex> guard{mutex_};
      seen_.push_back(seen);
    }
    auto reply =
        "HTTP/1.1 " + std::to_string(status) +
        " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    ::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  static std::pair<int, std::string> canned(const std::string& path) {
    if (path == "/admin/v1/types")
      return {200, R"({"types": [{"name": "feed", "versions": ["1", "2"], "stable": "1",
        "candidate": null, "phase": "none", "active": 2, "activations": 2, "passivations": 0,
        "restarts": 0, "activations_per_s": 0, "passivations_per_s": 0, "restarts_per_s": 0},
        {"name": "inbox", "versions": ["1"], "stable": "1", "candidate": null,
        "phase": "none", "active": 0, "activations": 0, "passivations": 0, "restarts": 0,
        "activations_per_s": 0, "passivations_per_s": 0, "restarts_per_s": 0}]})"};
    if (path == "/admin/v1/types/feed/actors")
      return {200, R"({"type": "feed", "top": "messages", "active": 2, "actors": [
        {"key": "u1", "version": "1", "mailbox": 0, "messages": 12, "p99_ms": 0.2,
         "idle_ms": 1500}, {"key": "u2", "version": "1", "mailbox": 0, "messages": 3,
         "p99_ms": 0.1, "idle_ms": 9000}]})"};
    if (path == "/admin/v1/types/feed/actors/u1")
      return {200, R"({"type": "feed", "key": "u1", "active": true, "activated": false,
        "version": "1", "mailbox": 0, "messages": 12, "state": {"items": 3},
        "last_messages": []})"};
    if (path == "/admin/v1/rollouts/feed")
      return {200, R"({"type": "feed", "stable": "1", "phase": "none", "versions": ["1", "2"],
        "history": []})"};
    return {404, R"({"error": {"code": "not_found", "message": "no such thing"}})"};
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<seen_request> seen_;
  std::thread server_;
};

/// griddle-admin on the far side of a pseudo-terminal; killed if still
/// running at the end.
class pty_process {
 public:
  pty_process(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    // Everything the child needs is prepared before fork: after it, only
    // execve and _exit.
    std::vector<char*> argv;
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env)
      envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 160;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (master_ >= 0)
      ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }

  ~pty_process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (master_ >= 0)
      ::close(master_);
  }

  bool started() const { return pid_ > 0 && master_ >= 0; }

  const std::string& output() const { return output_; }

  void type(const std::string& keys) {
    size_t done = 0;
    auto deadline = clock_type::now() + 5s;
    while (done < keys.size() && clock_type::now() < deadline) {
      auto n = ::write(master_, keys.data() + done, keys.size() - done);
      if (n > 0)
        done += static_cast<size_t>(n);
      else
        std::this_thread::sleep_for(10ms);
    }
  }

  /// Reads what is there, waiting at most `wait`.
  void drain(std::chrono::milliseconds wait) {
    pollfd ready{master_, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) <= 0)
      return;
    char buffer[4096];
    for (;;) {
      auto n = ::read(master_, buffer, sizeof buffer);
      if (n <= 0)
        return;
      output_.append(buffer, static_cast<size_t>(n));
    }
  }

  /// Waits until `needle` shows up at or after `from`; its position, or npos.
  size_t wait_for(const std::string& needle, size_t from, std::chrono::seconds timeout = 10s) {
    auto deadline = clock_type::now() + timeout;
    for (;;) {
      auto at = output_.find(needle, std::min(from, output_.size()));
      if (at != std::string::npos)
        return at;
      if (clock_type::now() >= deadline)
        return std::string::npos;
      drain(100ms);
    }
  }

  /// Waits until the line editor reads keys one by one (the terminal is out
  /// of canonical mode). libedit prints its prompt first and leaves canonical
  /// mode only when it reads the first key; a key typed in between is taken
  /// by the terminal's line discipline (Ctrl-D there is end-of-file).
  bool editing(std::chrono::seconds timeout = 10s) {
    auto deadline = clock_type::now() + timeout;
    for (;;) {
      termios mode{};
      if (::tcgetattr(master_, &mode) == 0 && (mode.c_lflag & ICANON) == 0)
        return true;
      if (clock_type::now() >= deadline)
        return false;
      drain(10ms);
    }
  }

  /// Waits for the process to end; its exit code, or -1 (then it is killed).
  int wait_exit(std::chrono::seconds timeout = 10s) {
    auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
      drain(50ms);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  bool exited_ = false;
  std::string output_;
};

/// Polls `done` for at most `timeout`, draining the terminal meanwhile.
template <class Predicate>
bool eventually(pty_process& admin, Predicate done, std::chrono::seconds timeout = 10s) {
  auto deadline = clock_type::now() + timeout;
  while (!done()) {
    if (clock_type::now() >= deadline)
      return false;
    admin.drain(50ms);
  }
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CAF_TEST(the shell completes recalls and leaves on a terminal) {
  fake_admin_api node;
  auto dir =
      std::filesystem::temp_directory_path() / ("griddle_admin_pty_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "config");
  auto url = "http://127.0.0.1:" + std::to_string(node.port());
  pty_process admin{
      {GRIDDLE_ADMIN_BINARY, "--url", url, "--as", "pty-tester"},
      {"TERM=xterm", "HOME=" + dir.string(), "XDG_STATE_HOME=" + (dir / "state").string(),
       "XDG_CONFIG_HOME=" + (dir / "config").string(), "PATH=/usr/bin:/bin"}};
  CAF_REQUIRE(admin.started());
  auto prompt = "griddle 127.0.0.1:" + std::to_string(node.port()) + "> ";
  auto at = admin.wait_for(prompt, 0);
  CAF_REQUIRE_NOT_EQUAL(at, std::string::npos);
  CAF_REQUIRE(admin.editing());
  auto next_prompt = [&] {
    at = admin.wait_for(prompt, at + prompt.size());
    return at != std::string::npos && admin.editing();
  };

  // Given a command word's start, when TAB, then the whole word.
  admin.type("rol\t");
  CAF_CHECK_NOT_EQUAL(admin.wait_for("lout", at), std::string::npos);
  admin.type("status feed\r");
  CAF_REQUIRE(next_prompt());
  CAF_CHECK_EQUAL(node.count("/admin/v1/rollouts/feed"), 1u);
  CAF_CHECK_NOT_EQUAL(admin.output().find("feed: phase none, stable 1"), std::string::npos);

  // Given the node's types, when `inspect f` and TAB, then `inspect feed`.
  admin.type("inspect f\t");
  CAF_CHECK_NOT_EQUAL(admin.wait_for("eed", at), std::string::npos);
  admin.type("u1\r");
  CAF_REQUIRE(next_prompt());
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), 1u);
  CAF_CHECK_EQUAL(node.count("/admin/v1/types/feed/actors/u1"), 1u);
  CAF_CHECK_NOT_EQUAL(admin.output().find("feed/u1: active, version 1"), std::string::npos);

  // When the up arrow and Enter, then the previous line runs again.
  admin.type("\x1b[A");
  CAF_CHECK_NOT_EQUAL(admin.wait_for("inspect feed u1", at), std::string::npos);
  admin.type("\r");
  CAF_REQUIRE(next_prompt());
  CAF_CHECK_EQUAL(node.count("/admin/v1/types/feed/actors/u1"), 2u);

  // When Ctrl-C at the prompt, then the line is dropped and a new prompt shows.
  admin.type("nodes");
  CAF_CHECK_NOT_EQUAL(admin.wait_for("nodes", at), std::string::npos);
  admin.type("\x03");
  CAF_CHECK_NOT_EQUAL(admin.wait_for("^C", at), std::string::npos);
  CAF_REQUIRE(next_prompt());
  CAF_CHECK_EQUAL(node.count("/admin/v1/nodes"), 0u);

  // When Ctrl-C during a watch, then the watch ends and the shell goes on.
  auto types_before = node.count("/admin/v1/types");
  admin.type("watch types --interval 0.2\r");
  CAF_CHECK(eventually(admin, [&] { return node.count("/admin/v1/types") >= types_before + 2; }));
  admin.type("\x03");
  CAF_REQUIRE(next_prompt());
  auto types_after = node.count("/admin/v1/types");
  admin.drain(500ms);
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), types_after);

  // When `exit`, then exit code 0.
  admin.type("exit\r");
  auto code = admin.wait_exit();
  CAF_CHECK_EQUAL(code, 0);
  if (code != 0)
    CAF_MESSAGE("terminal output:\n" << admin.output());

  bool all_named = !node.requests().empty();
  for (const auto& r : node.requests())
    all_named = all_named && r.operator_name == "pty-tester";
  CAF_CHECK(all_named);
  auto history = read_file(dir / "state" / "griddle" / "admin_history");
  CAF_CHECK_EQUAL(history,
                  "rollout status feed\ninspect feed u1\nwatch types --interval 0.2\nexit\n");
  std::filesystem::remove_all(dir);
}

CAF_TEST(Ctrl D leaves the shell) {
  fake_admin_api node;
  auto dir = std::filesystem::temp_directory_path() /
             ("griddle_admin_pty_eof_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  pty_process admin{
      {GRIDDLE_ADMIN_BINARY, "--url", "http://127.0.0.1:" + std::to_string(node.port()), "shell"},
      {"TERM=xterm", "HOME=" + dir.string(), "USER=someone", "PATH=/usr/bin:/bin"}};
  CAF_REQUIRE(admin.started());
  auto prompt = "griddle 127.0.0.1:" + std::to_string(node.port()) + "> ";
  auto at = admin.wait_for(prompt, 0);
  CAF_REQUIRE_NOT_EQUAL(at, std::string::npos);
  CAF_REQUIRE(admin.editing());
  admin.type("types\r");
  // Ctrl-D only once the next prompt reads keys: typed ahead, the terminal
  // (canonical while a command runs) would take it as its own end-of-file.
  CAF_REQUIRE_NOT_EQUAL(admin.wait_for(prompt, at + prompt.size()), std::string::npos);
  CAF_REQUIRE(admin.editing());
  CAF_CHECK_EQUAL(node.count("/admin/v1/types"), 1u);
  admin.type("\x04");
  auto code = admin.wait_exit();
  CAF_CHECK_EQUAL(code, 0);
  if (code != 0)
    CAF_MESSAGE("terminal output:\n" << admin.output());
  auto requests = node.requests();
  auto named = requests.empty() ? std::string{} : requests.front().operator_name;
  CAF_CHECK_EQUAL(named, "someone");
  CAF_CHECK_EQUAL(read_file(dir / ".griddle_admin_history"), "types\n");
  std::filesystem::remove_all(dir);
}
