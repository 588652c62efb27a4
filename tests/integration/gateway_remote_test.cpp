// griddle-gateway as its own process: the site API through a node's actor
// protocol, 503 while the node is gone and ready again once one is back on
// its port, a connection that outlives a quiet spell; then two gateways
// behind nginx (deploy/nginx-gateways.conf) sharing the load, live push
// across gateways, and the gateways leaving one by one.
#define CAF_SUITE gateway_remote
#include <caf/test/unit_test.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"

using namespace griddle;
using namespace griddle::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// Thrown by STEP_REQUIRE once it has reported the failure. CAF_REQUIRE
/// calls abort(), which would skip the destructors that stop our children.
struct step_failed {};

// A requirement that ends the test body by unwinding it (see guarded()).
#define STEP_REQUIRE(...)                   \
  do {                                      \
    if (!static_cast<bool>(__VA_ARGS__)) {  \
      CAF_ERROR("required: " #__VA_ARGS__); \
      throw step_failed{};                  \
    }                                       \
  } while (false)

#define STEP_REQUIRE_EQUAL(x, y)                                                    \
  do {                                                                              \
    const auto& x_val = (x);                                                        \
    const auto& y_val = (y);                                                        \
    if (!(x_val == y_val)) {                                                        \
      CAF_ERROR("required: " #x " == " #y " (" << x_val << " != " << y_val << ")"); \
      throw step_failed{};                                                          \
    }                                                                               \
  } while (false)

/// Runs a test body; a failed STEP_REQUIRE or an exception (a client's
/// time-out) fails the test after the body's processes have been stopped.
void guarded(const std::function<void()>& body) {
  try {
    body();
  } catch (const step_failed&) {
    // Reported where it failed.
  } catch (const std::exception& ex) {
    CAF_ERROR("unexpected exception: " << ex.what());
  }
}

// -- processes ------------------------------------------------------------------------

using process_ptr = std::unique_ptr<node_process>;

/// A node without HTTP, in memory, on `port` (0: any free port).
process_ptr start_node(uint16_t port) {
  auto node = std::make_unique<node_process>(std::vector<std::string>{
      "--port=" + std::to_string(port), "--store=memory", "--state-interval=0s"});
  if (!node->wait_for("stop with", 20s) || node->port() == 0) {
    CAF_ERROR("the node did not start:\n" << node->output());
    throw step_failed{};
  }
  return node;
}

/// A griddle-gateway on a free port, for the node at 127.0.0.1:`node_port`.
process_ptr start_gateway(uint16_t node_port, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--node=127.0.0.1:" + std::to_string(node_port),
                                "--http=127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto gw = std::make_unique<node_process>(GRIDDLE_GATEWAY_BINARY, std::move(args));
  if (!gw->wait_for("stop with", 20s) || gw->http_port() == 0) {
    CAF_ERROR("the gateway did not start:\n" << gw->output());
    throw step_failed{};
  }
  return gw;
}

/// A port that was free a moment ago: bound to port 0, then released.
uint16_t free_port() {
  auto fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  STEP_REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  auto ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  STEP_REQUIRE(ok);
  return ntohs(addr.sin_port);
}

/// A fresh directory under /tmp, removed with everything in it.
struct scratch_dir {
  std::filesystem::path path;

  scratch_dir() {
    char pattern[] = "/tmp/griddle-nginx-XXXXXX";
    STEP_REQUIRE(mkdtemp(pattern) != nullptr);
    path = pattern;
  }

  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }

  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
};

constexpr const char* nginx_binary = "/usr/sbin/nginx";

/// deploy/nginx-gateways.conf of this source tree (CMake compiles this file
/// by its absolute path).
std::filesystem::path nginx_conf_source() {
  return std::filesystem::path{__FILE__}.parent_path().parent_path().parent_path() / "deploy" /
         "nginx-gateways.conf";
}

/// Replaces each `from` in `text` with `to`; false when there was none.
bool replace_all(std::string& text, const std::string& from, const std::string& to) {
  auto found = false;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
    text.replace(pos, from.size(), to);
    pos += to.size();
    found = true;
  }
  return found;
}

/// nginx in the foreground with deploy/nginx-gateways.conf, its addresses
/// rewritten for a free port and the two gateways; pid, logs and temporary
/// files live in a scratch prefix. Stopped by signal, never killed: SIGKILL
/// would leave its worker process behind.
class nginx_front {
 public:
  nginx_front(uint16_t first, uint16_t second) {
    std::ifstream in{nginx_conf_source()};
    STEP_REQUIRE(in.good());
    std::string conf{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    port_ = free_port();
    STEP_REQUIRE(replace_all(conf, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(port_)));
    STEP_REQUIRE(replace_all(conf, "127.0.0.1:8081", "127.0.0.1:" + std::to_string(first)));
    STEP_REQUIRE(replace_all(conf, "127.0.0.1:8082", "127.0.0.1:" + std::to_string(second)));
    // Run as root, nginx's worker runs as nobody and still reads the prefix.
    chmod(prefix_.path.c_str(), 0755);
    auto conf_path = prefix_.path / "nginx.conf";
    std::ofstream{conf_path} << conf;
    proc_ = std::make_unique<node_process>(
        nginx_binary, std::vector<std::string>{"-c", conf_path.string(), "-p",
                                               prefix_.path.string() + "/", "-g", "daemon off;"});
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!accepts()) {
      status_ = proc_->wait_exit(50ms);
      if (status_ >= 0 || std::chrono::steady_clock::now() > deadline) {
        if (status_ < 0)
          stop(SIGTERM);
        CAF_ERROR("nginx did not start:\n" << proc_->output() << error_log());
        throw step_failed{};
      }
    }
  }

  ~nginx_front() {
    if (status_ < 0)
      stop(SIGTERM);
  }

  nginx_front(const nginx_front&) = delete;
  nginx_front& operator=(const nginx_front&) = delete;

  uint16_t port() const { return port_; }

  /// Signals nginx (SIGQUIT: finish open requests; SIGTERM: at once) and
  /// returns its exit status, or -1 when it is still running after 10 s.
  int stop(int sig) {
    if (status_ < 0) {
      proc_->signal(sig);
      status_ = proc_->wait_exit(10s);
    }
    return status_;
  }

  std::string error_log() const {
    std::ifstream in{prefix_.path / "error.log"};
    return std::string{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }

 private:
  bool accepts() const {
    try {
      http_connection probe{port_};
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  scratch_dir prefix_;
  uint16_t port_ = 0;
  process_ptr proc_;
  /// The exit status once nginx has stopped, else -1.
  int status_ = -1;
};

// -- requests -------------------------------------------------------------------------

/// The status of one request on a new connection; 0 when no answer came
/// (refused, closed or timed out).
int status_of(uint16_t port, std::string_view target, const http_headers& headers = {}) {
  try {
    return http_get(port, target, headers).status;
  } catch (const std::exception&) {
    return 0;
  }
}

/// Asks for `target` every 50 ms until the status is `want` or `timeout`
/// passes; returns the last status.
int await_status(uint16_t port, std::string_view target, int want,
                 std::chrono::milliseconds timeout, const http_headers& headers = {}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto status = status_of(port, target, headers);
  while (status != want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    status = status_of(port, target, headers);
  }
  return status;
}

/// Registers and signs in `name` through `port` (a gateway or nginx).
site_user join(uint16_t port, const std::string& name) {
  site_user u;
  u.email = name + "@example.org";
  json reg{{"email", u.email},
           {"password", "correct horse battery"},
           {"name", name},
           {"birth_year", 1990},
           {"city", "Stockholm"}};
  auto res = http_post(port, "/v1/users", reg.dump());
  STEP_REQUIRE_EQUAL(res.status, 201);
  u.id = res.json().at("id").get<std::string>();
  json login{{"email", u.email}, {"password", "correct horse battery"}};
  auto session = http_post(port, "/v1/sessions", login.dump());
  STEP_REQUIRE_EQUAL(session.status, 201);
  u.token = session.json().at("token").get<std::string>();
  return u;
}

int send_message(uint16_t port, const site_user& from, const site_user& to,
                 const std::string& text) {
  json body{{"text", text}};
  return http_post(port, "/v1/conversations/" + to.id + "/messages", body.dump(),
                   bearer(from.token))
      .status;
}

/// How many of `n` GET /v1/me on one keep-alive connection answer 200.
int me_ok(uint16_t port, const site_user& u, int n) {
  http_connection conn{port};
  auto ok = 0;
  for (auto i = 0; i < n; ++i)
    ok += conn.request("GET", "/v1/me", {}, bearer(u.token)).status == 200 ? 1 : 0;
  return ok;
}

/// The count of GET /v1/me answered 200 in a gateway's own /metrics.
int me_served(uint16_t gateway_port) {
  auto res = http_get(gateway_port, "/metrics");
  STEP_REQUIRE_EQUAL(res.status, 200);
  const std::string series =
      R"(griddle_http_requests_total{method="GET",route="/v1/me",status="200"} )";
  std::istringstream lines{res.body};
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series, 0) == 0)
      return static_cast<int>(std::stod(line.substr(series.size())));
  return 0;
}

/// The text of the next `message` event on `stream`, "" when none came.
std::string next_message(http_connection& stream) {
  auto ev = stream.next_event(5s);
  if (!ev || ev->event != "message")
    return {};
  return json::parse(ev->data).at("text").get<std::string>();
}

/// Opens an event stream for `u` and waits for its `ready` event.
http_connection open_stream(uint16_t port, const site_user& u) {
  http_connection stream{port};
  STEP_REQUIRE(stream.start_events("/v1/events", bearer(u.token)));
  auto ready = stream.next_event(5s);
  STEP_REQUIRE(ready && ready->event == "ready");
  return stream;
}

}  // namespace

CAF_TEST(a gateway process serves the site through a node and survives its restart) {
  guarded([] {
    auto node = start_node(0);
    auto node_port = node->port();
    auto gw = start_gateway(node_port);
    auto port = gw->http_port();
    CAF_CHECK(gw->output().find("(connected)") != std::string::npos);
    CAF_CHECK_EQUAL(status_of(port, "/readyz"), 200);
    // The site, every call through the gateway.
    auto ada = join(port, "ada");
    auto bob = join(port, "bob");
    auto me = http_get(port, "/v1/me", bearer(ada.token));
    STEP_REQUIRE_EQUAL(me.status, 200);
    CAF_CHECK_EQUAL(me.json().at("id").get<std::string>(), ada.id);
    STEP_REQUIRE_EQUAL(send_message(port, ada, bob, "Hej Bob!"), 201);
    auto history = http_get(port, "/v1/conversations/" + ada.id + "/messages", bearer(bob.token));
    STEP_REQUIRE_EQUAL(history.status, 200);
    // CAF_CHECK_EQUAL binds its arguments by reference: keep the document alive.
    auto items = history.json().at("items");
    STEP_REQUIRE_EQUAL(items.size(), 1u);
    CAF_CHECK_EQUAL(items[0].at("text").get<std::string>(), "Hej Bob!");
    CAF_CHECK_EQUAL(items[0].at("from").get<std::string>(), ada.id);
    // The node goes: the gateway stays alive, not ready, and answers 503.
    node->signal(SIGTERM);
    CAF_CHECK_EQUAL(node->wait_exit(30s), 0);
    CAF_CHECK_EQUAL(await_status(port, "/readyz", 503, 10s), 503);
    auto gone = http_get(port, "/v1/me", bearer(ada.token));
    CAF_CHECK_EQUAL(gone.status, 503);
    CAF_CHECK_EQUAL(gone.json().at("error").at("code").get<std::string>(), "unavailable");
    CAF_CHECK_EQUAL(status_of(port, "/healthz"), 200);
    // A new node on the same port: the gateway reconnects by itself.
    node = start_node(node_port);
    CAF_CHECK_EQUAL(node->port(), node_port);
    CAF_CHECK_EQUAL(await_status(port, "/readyz", 200, 10s), 200);
    CAF_CHECK(gw->wait_for("connected to node", 1s));
    // The new node's memory store starts empty; the site works again.
    CAF_CHECK_EQUAL(http_get(port, "/v1/me", bearer(ada.token)).status, 401);
    auto cy = join(port, "cy");
    auto dee = join(port, "dee");
    // Live push follows the new node's commit feed.
    auto stream = open_stream(port, cy);
    STEP_REQUIRE_EQUAL(send_message(port, dee, cy, "still there?"), 201);
    CAF_CHECK_EQUAL(next_message(stream), "still there?");
    gw->signal(SIGTERM);
    CAF_CHECK_EQUAL(gw->wait_exit(30s), 0);
    node->signal(SIGTERM);
    CAF_CHECK_EQUAL(node->wait_exit(30s), 0);
  });
}

CAF_TEST(a quiet gateway keeps its node connection) {
  guarded([] {
    auto node = start_node(0);
    auto gw = start_gateway(node->port());
    auto port = gw->http_port();
    auto ada = join(port, "ada");
    auto bob = join(port, "bob");
    auto stream = open_stream(port, bob);
    // A quiet site: nothing crosses the connection for longer than the
    // gateway's middleman.connection-timeout (5 s).
    std::this_thread::sleep_for(8s);
    CAF_CHECK(!gw->wait_for("lost node", 500ms));
    CAF_CHECK_EQUAL(status_of(port, "/readyz"), 200);
    STEP_REQUIRE_EQUAL(send_message(port, ada, bob, "after a quiet spell"), 201);
    CAF_CHECK_EQUAL(next_message(stream), "after a quiet spell");
    gw->signal(SIGTERM);
    CAF_CHECK_EQUAL(gw->wait_exit(30s), 0);
    node->signal(SIGTERM);
    CAF_CHECK_EQUAL(node->wait_exit(30s), 0);
  });
}

CAF_TEST(a frozen node makes requests time out with 504) {
  guarded([] {
    auto node = start_node(0);
    auto gw = start_gateway(node->port(), {"--http-request-timeout=500ms"});
    auto port = gw->http_port();
    auto ada = join(port, "ada");
    CAF_CHECK_EQUAL(status_of(port, "/v1/me", bearer(ada.token)), 200);
    // Stopped, the node neither answers nor closes the connection: the
    // gateway's request time-out answers (well before the 5 s heartbeat
    // time-out would declare the node lost).
    node->signal(SIGSTOP);
    auto frozen = http_get(port, "/v1/me", bearer(ada.token));
    node->signal(SIGCONT);
    CAF_CHECK_EQUAL(frozen.status, 504);
    CAF_CHECK_EQUAL(frozen.json().at("error").at("code").get<std::string>(), "timeout");
    CAF_CHECK_EQUAL(await_status(port, "/v1/me", 200, 10s, bearer(ada.token)), 200);
    gw->signal(SIGTERM);
    CAF_CHECK_EQUAL(gw->wait_exit(30s), 0);
    node->signal(SIGTERM);
    CAF_CHECK_EQUAL(node->wait_exit(30s), 0);
  });
}

CAF_TEST(two gateways behind nginx share the load and cover for each other) {
  if (access(nginx_binary, X_OK) != 0) {
    CAF_MESSAGE("skipped: " << nginx_binary << " is not installed (apt-get install nginx)");
    return;
  }
  guarded([] {
    auto node = start_node(0);
    auto gw_a = start_gateway(node->port());
    auto gw_b = start_gateway(node->port());
    auto a = gw_a->http_port();
    auto b = gw_b->http_port();
    nginx_front nginx{a, b};
    auto front = nginx.port();
    // Through nginx: sign up, then requests spread over both gateways.
    auto ada = join(front, "ada");
    auto bob = join(front, "bob");
    CAF_CHECK_EQUAL(me_ok(front, ada, 20), 20);
    auto served_a = me_served(a);
    auto served_b = me_served(b);
    CAF_MESSAGE("GET /v1/me served: " << served_a << " by one gateway, " << served_b
                                      << " by the other");
    CAF_CHECK_GREATER(served_a, 0);
    CAF_CHECK_GREATER(served_b, 0);
    CAF_CHECK_EQUAL(served_a + served_b, 20);
    // Live push through nginx; a message sent through either gateway reaches
    // the stream, whichever gateway holds it.
    {
      auto stream = open_stream(front, bob);
      STEP_REQUIRE_EQUAL(send_message(front, ada, bob, "through nginx"), 201);
      CAF_CHECK_EQUAL(next_message(stream), "through nginx");
      STEP_REQUIRE_EQUAL(send_message(a, ada, bob, "through a"), 201);
      CAF_CHECK_EQUAL(next_message(stream), "through a");
      STEP_REQUIRE_EQUAL(send_message(b, ada, bob, "through b"), 201);
      CAF_CHECK_EQUAL(next_message(stream), "through b");
    }
    // One gateway leaves: nginx sends everything to the other one.
    gw_a->signal(SIGTERM);
    CAF_CHECK_EQUAL(gw_a->wait_exit(30s), 0);
    CAF_CHECK_EQUAL(me_ok(front, ada, 20), 20);
    CAF_CHECK_EQUAL(me_served(b), served_b + 20);
    CAF_CHECK_EQUAL(send_message(front, ada, bob, "one gateway left"), 201);
    // What nginx refuses itself has the API's JSON shape: a body over the
    // gateway's 64 KiB limit, and a request with no gateway left.
    auto too_large = http_post(front, "/v1/users", std::string(65 * 1024, 'x'));
    CAF_CHECK_EQUAL(too_large.status, 413);
    CAF_CHECK_EQUAL(too_large.json().at("error").at("code").get<std::string>(),
                    "payload_too_large");
    gw_b->signal(SIGTERM);
    CAF_CHECK_EQUAL(gw_b->wait_exit(30s), 0);
    auto none = http_get(front, "/v1/me", bearer(ada.token));
    CAF_CHECK_EQUAL(none.status, 503);
    CAF_CHECK_EQUAL(none.json().at("error").at("code").get<std::string>(), "unavailable");
    auto stopped = nginx.stop(SIGQUIT);
    CAF_CHECK_EQUAL(stopped, 0);
    if (stopped != 0)
      CAF_MESSAGE("nginx error log:\n" << nginx.error_log());
    node->signal(SIGTERM);
    CAF_CHECK_EQUAL(node->wait_exit(30s), 0);
  });
}
