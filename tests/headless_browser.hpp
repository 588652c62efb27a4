// Debian's headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe, fds 3 and 4), for tests that load a page of the
// project's own: navigate, evaluate, screenshot. The browser runs in its own
// process group under `timeout`, so a hung browser never hangs a test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

namespace griddle::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// Debian's Chromium (package chromium).
constexpr const char* chromium = "/usr/bin/chromium";

inline std::string base64_decode(const std::string& in) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (v < 0)
      continue;  // padding
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if ((count += 6) >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

/// Headless Chromium on `url`, spoken to over the DevTools protocol on fds 3
/// and 4 (JSON messages ended by NUL). Runs under `timeout 60`, in its own
/// process group, which the destructor kills if the browser is still there.
class headless_browser {
 public:
  headless_browser(const std::string& url, const fs::path& profile, const fs::path& log) {
    // A browser that dies turns writes to its pipe into errors, not SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    int to_browser[2], from_browser[2];
    CAF_REQUIRE_EQUAL(pipe2(to_browser, O_CLOEXEC), 0);
    CAF_REQUIRE_EQUAL(pipe2(from_browser, O_CLOEXEC), 0);
    std::vector<std::string> args{"timeout", "-k", "5", "60", chromium};
    for (auto flag :
         {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
          "--hide-scrollbars", "--mute-audio", "--window-size=1280,900", "--remote-debugging-pipe"})
      args.emplace_back(flag);
    args.push_back("--user-data-dir=" + profile.string());
    args.push_back(url);
    pid_ = fork();
    CAF_REQUIRE_NOT_EQUAL(pid_, -1);
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      // Out of the way first, so neither end already sits on fd 3 or 4.
      int in = fcntl(to_browser[0], F_DUPFD_CLOEXEC, 10);
      int out = fcntl(from_browser[1], F_DUPFD_CLOEXEC, 10);
      int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      dup2(in, 3);
      dup2(out, 4);
      if (log_fd >= 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execv("/usr/bin/timeout", argv.data());
      _exit(127);
    }
    close(to_browser[0]);
    close(from_browser[1]);
    out_ = to_browser[1];
    in_ = from_browser[0];
  }

  ~headless_browser() {
    close(out_);
    close(in_);
    if (pid_ <= 0)
      return;
    for (int i = 0; i < 100; ++i) {  // up to 5 s after Browser.close
      if (waitpid(pid_, nullptr, WNOHANG) == pid_)
        return;
      std::this_thread::sleep_for(50ms);
    }
    kill(-pid_, SIGKILL);  // `timeout` leads the group
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

  /// Sends `method` (to `session`, or the browser) and returns its result;
  /// throws on an error reply or after `wait`.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      const std::string& session = {}, std::chrono::milliseconds wait = 15s) {
    nlohmann::json msg{{"id", ++last_id_}, {"method", method}, {"params", std::move(params)}};
    if (!session.empty())
      msg["sessionId"] = session;
    auto text = msg.dump() + '\0';
    for (std::string_view rest{text}; !rest.empty();) {
      auto n = ::write(out_, rest.data(), rest.size());
      if (n <= 0)
        throw std::runtime_error("the browser closed its pipe (" + method + ")");
      rest.remove_prefix(static_cast<size_t>(n));
    }
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      auto reply = next_message(deadline, method);
      if (reply.value("id", 0) == last_id_) {
        if (reply.contains("error"))
          throw std::runtime_error(method + ": " + reply["error"].dump());
        return reply["result"];
      }
      if (reply.value("method", "") == "Runtime.exceptionThrown")
        errors_.push_back(reply["params"]["exceptionDetails"].dump());
    }
  }

  /// Script errors the page threw (with Runtime.enable on its session).
  const std::vector<std::string>& page_errors() const { return errors_; }

 private:
  nlohmann::json next_message(std::chrono::steady_clock::time_point deadline,
                              const std::string& method) {
    for (;;) {
      if (auto end = buf_.find('\0'); end != std::string::npos) {
        auto msg = nlohmann::json::parse(buf_.substr(0, end));
        buf_.erase(0, end + 1);
        return msg;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        throw std::runtime_error("no answer from the browser to " + method);
      pollfd pfd{in_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
        continue;
      char chunk[65536];
      auto n = ::read(in_, chunk, sizeof(chunk));
      if (n <= 0)
        throw std::runtime_error("the browser closed its pipe (" + method + ")");
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int in_ = -1;
  int last_id_ = 0;
  std::string buf_;
  std::vector<std::string> errors_;
};

/// A fresh directory under /tmp, removed with everything in it at the end.
struct scratch_dir {
  scratch_dir() {
    char name[] = "/tmp/griddle-dashboard-XXXXXX";
    CAF_REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

}  // namespace griddle::test
