// A griddle-node with the embedded HTTP gateway (memory store, free ports)
// and the calls the gateway suites share: register, log in, authenticated
// requests.
#pragma once

#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "http_client.hpp"
#include "node_process.hpp"

namespace griddle::test {

/// Everything a user needs to call the API.
struct site_user {
  std::string id;
  std::string email;
  std::string token;
};

struct gateway_fixture {
  explicit gateway_fixture(std::vector<std::string> extra = {}) : node(args(std::move(extra))) {
    CAF_REQUIRE(node.wait_for("stop with", 20s));
    port = node.http_port();
    CAF_REQUIRE_NOT_EQUAL(port, 0);
  }

  static std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> result{"--port=0", "--state-interval=0s", "--store=memory",
                                    "--http=127.0.0.1:0"};
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
  }

  http_connection connect() { return http_connection{port}; }

  http_response call(std::string_view method, std::string_view target, std::string_view body = {},
                     const http_headers& headers = {}) {
    auto conn = connect();
    return conn.request(method, target, body, headers);
  }

  /// Registers and logs in a user named `name` (email `name@example.org`).
  site_user join(const std::string& name, const std::string& city = "Stockholm") {
    site_user u;
    u.email = name + "@example.org";
    nlohmann::json reg{{"email", u.email},
                       {"password", "correct horse battery"},
                       {"name", name},
                       {"birth_year", 1990},
                       {"city", city}};
    auto res = call("POST", "/v1/users", reg.dump());
    CAF_REQUIRE_EQUAL(res.status, 201);
    u.id = res.json().at("id").get<std::string>();
    nlohmann::json login{{"email", u.email}, {"password", "correct horse battery"}};
    auto session = call("POST", "/v1/sessions", login.dump());
    CAF_REQUIRE_EQUAL(session.status, 201);
    u.token = session.json().at("token").get<std::string>();
    return u;
  }

  node_process node;
  uint16_t port = 0;
};

}  // namespace griddle::test
