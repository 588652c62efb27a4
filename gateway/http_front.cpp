#include "gateway/http_front.hpp"

#include <memory>
#include <sstream>

#include <sys/stat.h>

#include <fstream>
#include <random>

#include "gateway/admin/admin_api.hpp"
#include "gateway/admin/admin_options.hpp"
#include "gateway/api/site_api.hpp"
#include "gateway/http_options.hpp"
#include "gateway/http_server.hpp"
#include "runtime/errc.hpp"

namespace griddle::gateway {

namespace {

/// What the front keeps between the node's hooks.
struct front_state {
  http_options opts;
  std::shared_ptr<entity_access> access;
  std::unique_ptr<api::site_api> api;
  std::unique_ptr<http_server> server;
  admin::admin_options admin_opts;
  std::unique_ptr<admin::admin_api> admin_api;
  std::unique_ptr<http_server> admin_server;
};

/// 128 random bits as hex.
std::string new_token() {
  std::random_device rd;
  std::string result;
  static const char* digits = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    auto x = rd();
    for (int j = 0; j < 4; ++j)
      result += digits[(x >> (j * 4)) & 0xf];
  }
  return result;
}

/// Opens the admin port; returns its banner line or an error.
caf::expected<std::string> open_admin(caf::actor_system& sys, node::node& n, front_state& st) {
  auto& ao = st.admin_opts;
  auto generated = ao.token.empty();
  if (generated)
    ao.token = new_token();
  if (!ao.token_file.empty()) {
    std::ofstream out{ao.token_file, std::ios::trunc};
    out << ao.token << "\n";
    if (!out)
      return make_error(errc::invalid_argument, "cannot write --admin-token-file " + ao.token_file);
    ::chmod(ao.token_file.c_str(), 0600);
  }
  http_options opts = st.opts;
  opts.listen = ao.listen_address();
  opts.threads = 1;
  admin::node_info info;
  info.id = n.router().local_node();
  info.version = GRIDDLE_VERSION;
  info.scheduler_threads = sys.scheduler().num_workers();
  info.address = [&st] {
    if (!st.server)
      return std::string{};
    std::string host;
    uint16_t ignored = 0;
    st.opts.split_listen(host, ignored);
    return host + ":" + std::to_string(st.server->port());
  };
  st.admin_api = std::make_unique<admin::admin_api>(sys, n.router(), &n.types(), ao.token,
                                                    std::move(info), ao.audit_log);
  auto* api = st.admin_api.get();
  st.admin_server =
      std::make_unique<http_server>(opts, [api](const exchange_ptr& ex) { api->handle(ex); });
  if (auto err = st.admin_server->start()) {
    st.admin_server.reset();
    st.admin_api.reset();
    return err;
  }
  std::string host;
  uint16_t ignored = 0;
  opts.split_listen(host, ignored);
  std::ostringstream line;
  line << "\n  admin: http://" << host << ":" << st.admin_server->port() << "/admin/v1 (token "
       << (!ao.token_file.empty() ? "in " + ao.token_file
           : generated            ? ao.token
                                  : std::string{"as given"})
       << "; griddle-admin --url http://" << host << ":" << st.admin_server->port() << ")";
  // The token only where the line above shows it: a given one stays out of logs.
  line << "\n  dashboard: http://" << host << ":" << st.admin_server->port() << "/dashboard#token="
       << (generated && ao.token_file.empty() ? ao.token : std::string{"<admin token>"});
  return line.str();
}

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
    st->admin_opts.add_to(opts);
  };
  app.check_options = [st, inner = app.check_options]() -> caf::error {
    if (inner)
      if (auto err = inner())
        return err;
    if (auto err = st->opts.validate())
      return err;
    return st->admin_opts.validate();
  };
  app.open_front = [st](caf::actor_system& sys, node::node& n) -> caf::expected<std::string> {
    std::string admin_line;
    if (!st->admin_opts.listen.empty()) {
      auto opened = open_admin(sys, n, *st);
      if (!opened)
        return std::move(opened.error());
      admin_line = std::move(*opened);
    }
    if (st->opts.listen.empty())
      return admin_line;
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
    return banner(st->opts, st->server->port()) + admin_line;
  };
  app.close_front = [st] {
    if (st->admin_server) {
      st->admin_server->drain();
      st->admin_api->stop();
      st->admin_server.reset();
      st->admin_api.reset();
    }
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
