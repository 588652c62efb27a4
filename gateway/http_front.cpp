#include "gateway/http_front.hpp"

#include <memory>
#include <sstream>

#include "gateway/api/site_api.hpp"
#include "gateway/http_options.hpp"
#include "gateway/http_server.hpp"

namespace griddle::gateway {

namespace {

/// What the front keeps between the node's hooks.
struct front_state {
  http_options opts;
  std::shared_ptr<entity_access> access;
  std::unique_ptr<api::site_api> api;
  std::unique_ptr<http_server> server;
};

std::string banner(const http_options& opts, uint16_t port) {
  std::string host;
  uint16_t ignored = 0;
  opts.split_listen(host, ignored);
  if (host.find(':') != std::string::npos)
    host = "[" + host + "]";
  auto base = "http://" + host + ":" + std::to_string(port);
  std::ostringstream out;
  out << "\n  http: " << base << "/ (" << opts.threads << " I/O thread"
      << (opts.threads == 1 ? "" : "s") << "; API in docs/api.md, " << base << "/openapi.json)"
      << "\n  try:  curl -s -X POST " << base
      << "/v1/users -d '{\"email\":\"ada@example.org\",\"password\":\"correct horse battery\","
         "\"name\":\"Ada\",\"birth_year\":1990,\"city\":\"Stockholm\"}'"
      << "\n        curl -s -X POST " << base
      << "/v1/sessions -d '{\"email\":\"ada@example.org\",\"password\":\"correct horse "
         "battery\"}'"
      << "\n        curl -s " << base << "/v1/me -H 'Authorization: Bearer <token>'";
  return out.str();
}

}  // namespace

node::application with_http_front(node::application app) {
  auto st = std::make_shared<front_state>();
  app.add_options = [st, inner = app.add_options](caf::config_option_set& opts) {
    if (inner)
      inner(opts);
    st->opts.add_to(opts);
  };
  app.check_options = [st, inner = app.check_options]() -> caf::error {
    if (inner)
      if (auto err = inner())
        return err;
    return st->opts.validate();
  };
  app.open_front = [st](caf::actor_system& sys, node::node& n) -> caf::expected<std::string> {
    if (st->opts.listen.empty())
      return std::string{};
    st->access = std::make_shared<entity_access>(n.router());
    st->api = std::make_unique<api::site_api>(sys, st->access, st->opts, n.node_actor());
    auto* api = st->api.get();
    st->server =
        std::make_unique<http_server>(st->opts, [api](const exchange_ptr& ex) { api->handle(ex); });
    if (auto err = st->server->start()) {
      st->server.reset();
      st->api.reset();
      return err;
    }
    return banner(st->opts, st->server->port());
  };
  app.close_front = [st] {
    if (!st->server)
      return;
    st->api->set_ready(false);
    st->server->drain();
    st->api->stop();
    // Gone before the actor system they use.
    st->server.reset();
    st->api.reset();
    st->access.reset();
  };
  return app;
}

}  // namespace griddle::gateway
