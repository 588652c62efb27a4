// griddle-node --statsd: the node reports its metrics over UDP to a socket
// this test binds, in statsD lines, and refuses a malformed address.
#define CAF_SUITE node_statsd

#include <caf/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "node_process.hpp"

using namespace griddle;

namespace {

/// A UDP socket on 127.0.0.1 with a free port and a receive time-out.
struct udp_listener {
  int fd = -1;
  uint16_t port = 0;

  udp_listener() {
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    timeval tv{0, 200'000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }

  ~udp_listener() { ::close(fd); }

  /// Every packet received until `pred` holds for their text or time runs out.
  template <class Pred>
  std::string receive_until(Pred pred, std::chrono::seconds limit) {
    std::string all;
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[65536];
    while (!pred(all) && std::chrono::steady_clock::now() < deadline) {
      auto n = ::recv(fd, buf, sizeof(buf), 0);
      if (n > 0) {
        CAF_CHECK_LESS_OR_EQUAL(static_cast<size_t>(n), 1432u);
        all.append(buf, static_cast<size_t>(n));
        all += '\n';
      }
    }
    return all;
  }
};

}  // namespace

CAF_TEST(the node reports its metrics over statsD) {
  udp_listener udp;
  test::node_process node{{"--port=-1", "--state-interval=0s", "--store=memory",
                           "--statsd=127.0.0.1:" + std::to_string(udp.port),
                           "--statsd-interval=200ms", "--statsd-prefix=gtest."}};
  CAF_REQUIRE(node.wait_for("statsd: 127.0.0.1:", std::chrono::seconds(30)));
  auto text = udp.receive_until(
      [](const std::string& s) {
        return s.find("gtest.griddle_entities_active") != std::string::npos;
      },
      std::chrono::seconds(20));
  CAF_MESSAGE("received: " << text.substr(0, 400));
  CAF_CHECK(text.find("gtest.griddle_entities_active") != std::string::npos);
  CAF_CHECK(text.find("|g") != std::string::npos);
  // Every line is NAME:VALUE|TYPE.
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (line.empty())
      continue;
    CAF_CHECK(line.rfind("gtest.", 0) == 0);
    CAF_CHECK(line.find(':') != std::string::npos);
    CAF_CHECK(line.find('|') != std::string::npos);
  }
}

CAF_TEST(a malformed statsD address is refused) {
  test::node_process node{{"--port=-1", "--store=memory", "--statsd=127.0.0.1"}};
  CAF_CHECK(node.wait_for("--statsd", std::chrono::seconds(30)));
  CAF_CHECK(node.wait_exit(std::chrono::seconds(30)) == 2);
}
