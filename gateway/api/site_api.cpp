#include "gateway/api/site_api.hpp"

#include <algorithm>
#include <random>

#include <caf/send.hpp>

#include "actors/account_types.hpp"
#include "actors/credentials.hpp"
#include "actors/feed_projection.hpp"
#include "actors/online_projection.hpp"
#include "actors/social_types.hpp"
#include "gateway/api/push_hub.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api/response_codec.hpp"
#include "runtime/metrics/prometheus.hpp"
#include "runtime/metrics/registry.hpp"

namespace griddle::gateway::api {

site_api::site_api(caf::actor_system& sys, std::shared_ptr<entity_access> access,
                   const http_options& opts, caf::actor feed)
    : sys_(sys),
      access_(std::move(access)),
      timeout_(opts.request_timeout),
      relays_(sys, opts.threads),
      limiter_(opts.rate_limit, opts.rate_burst),
      hub_(spawn_push_hub(sys, std::move(feed))),
      flags_(access_->embedded() ? &access_->router()->flags() : nullptr,
             access_->embedded() ? &access_->router()->views() : nullptr) {
  if (access_->embedded() && !opts.no_read_views)
    views_ = &access_->router()->views();
  add_routes();
}

site_api::~site_api() {
  stop();
}

void site_api::stop() {
  relays_.stop();
  if (hub_) {
    caf::anon_send_exit(hub_, caf::exit_reason::user_shutdown);
    hub_ = nullptr;
  }
}

void site_api::set_feed(const caf::actor& feed) {
  if (hub_ && feed)
    caf::anon_send(hub_, subscribe_atom_v, feed);
}

void site_api::handle(const exchange_ptr& ex) {
  auto found = routes_.find(ex->request().method(), ex->path());
  ex->set_route(found.route);
  if (found.handler == nullptr) {
    if (!found.allow.empty())
      ex->fail(api_error::method_not_allowed(), found.allow);
    else
      ex->fail(api_error::not_found("no route for " + std::string{ex->path()}));
    return;
  }
  // Probes and scrapes are never rate limited.
  auto operational =
      ex->path() == "/healthz" || ex->path() == "/readyz" || ex->path() == "/metrics";
  if (!operational && limiter_.enabled() && !limiter_.allow(ex->client())) {
    ex->fail(api_error::rate_limited());
    return;
  }
  (*found.handler)(ex, found.params);
}

void site_api::fail(const exchange_ptr& ex, const caf::error& err) {
  ex->fail(from_error(err));
}

std::string site_api::take_token(const exchange_ptr& ex) {
  auto header = ex->request()[http::field::authorization];
  if (header.empty()) {
    ex->fail(api_error::unauthenticated("send Authorization: Bearer <token>"));
    return {};
  }
  auto token = std::string{bearer_token(std::string_view{header.data(), header.size()})};
  if (token.empty())
    ex->fail(api_error::unauthenticated("the bearer token is malformed"));
  return token;
}

site_api::view_reads site_api::view_reads_of(const char* view) {
  auto& reg = metrics::registry::global();
  return {&reg.counter("griddle_http_view_reads_total", {{"view", view}, {"result", "found"}}),
          &reg.counter("griddle_http_view_reads_total", {{"view", view}, {"result", "missed"}})};
}

site_api::caller site_api::caller_of(std::string token) const {
  caller who;
  who.session_key = actors::token_digest(token);
  who.token = std::move(token);
  if (views_ != nullptr) {
    auto view = views_->read<actors::session_view>("session", who.session_key);
    auto fresh = view && view->fresh();
    session_reads_.count(fresh);
    if (fresh)
      who.user = view->user_id;
  }
  return who;
}

void site_api::authenticate(const exchange_ptr& ex, std::string token, authed_job next) {
  authenticate(ex, caller_of(std::move(token)), std::move(next));
}

void site_api::authenticate(const exchange_ptr& ex, caller who, authed_job next) {
  if (!who.user.empty()) {
    run(ex, [who = std::move(who), next = std::move(next)](self_ptr self) { next(self, who); });
    return;
  }
  run(ex, [this, ex, who = std::move(who), next = std::move(next)](self_ptr self) mutable {
    auto ref = entity_ref{"session", who.session_key};
    ask(self, ref, actors::authenticate_atom_v, who.token)
        .then(
            [self, next, who](std::string& user) mutable {
              who.user = std::move(user);
              next(self, who);
            },
            [ex](caf::error& err) { fail(ex, err); });
  });
}

void site_api::run(const exchange_ptr& ex, std::function<void(self_ptr)> job) {
  if (!relays_.run(ex->io_index(), std::move(job)))
    ex->fail(api_error::unavailable("the gateway is shutting down"));
}

void site_api::with_user(const exchange_ptr& ex, authed_job next) {
  auto token = take_token(ex);
  if (!token.empty())
    authenticate(ex, std::move(token), std::move(next));
}

std::optional<std::pair<std::string, page_query>> site_api::take_page(const exchange_ptr& ex) {
  constexpr uint32_t default_page = 20;
  auto token = take_token(ex);
  if (token.empty())
    return std::nullopt;
  auto decoded = decode_page_query(ex->query(), default_page, actors::max_page_size);
  if (auto* err = std::get_if<api_error>(&decoded)) {
    ex->fail(*err);
    return std::nullopt;
  }
  return std::make_pair(std::move(token), std::get<page_query>(decoded));
}

void site_api::with_page(const exchange_ptr& ex, page_job next) {
  auto taken = take_page(ex);
  if (!taken)
    return;
  authenticate(ex, std::move(taken->first),
               [q = taken->second, next = std::move(next)](self_ptr self, const caller& who) {
                 next(self, who, q);
               });
}

void site_api::serve_online(const exchange_ptr& ex) {
  auto shards = actors::services{}.online_shards;
  auto taken = take_page(ex);
  if (!taken)
    return;
  auto& [token, q] = *taken;
  // With the "online-roulette" toggle on, the caller sees who is online in
  // random order.
  auto respond = [this, ex, limit = q.limit](const std::vector<actors::online_users>& parts,
                                             const std::string& user) {
    auto merged = actors::merge_online(parts, limit);
    if (flags_.is_on("online-roulette", user)) {
      static thread_local std::mt19937_64 rng{std::random_device{}()};
      std::shuffle(merged.users.begin(), merged.users.end(), rng);
    }
    ex->respond_json(200, page_body(merged.users, 0));
  };
  // On this thread when the session and every shard have published views.
  auto who = caller_of(std::move(token));
  if (!who.user.empty()) {
    std::vector<actors::online_users> parts;
    for (uint32_t i = 0; i < shards; ++i) {
      auto view =
          views_->read<actors::online_view>(entity_ref{"online", actors::online_shard_key(i)});
      if (!view)
        break;
      parts.push_back(view->online_now(q.limit));
    }
    online_reads_.count(parts.size() == shards);
    if (parts.size() == shards) {
      respond(parts, who.user);
      return;
    }
  }
  authenticate(ex, std::move(who), [this, ex, shards, respond](self_ptr self, const caller& who) {
    // Ask every shard; answer once all have answered (or the first error).
    struct gathering {
      std::vector<actors::online_users> parts;
      uint32_t pending = 0;
      bool failed = false;
    };
    auto g = std::make_shared<gathering>();
    g->pending = shards;
    for (uint32_t i = 0; i < shards; ++i) {
      ask(self, entity_ref{"online", actors::online_shard_key(i)}, caf::get_atom_v)
          .then(
              [g, respond, user = who.user](actors::online_users& part) {
                g->parts.push_back(std::move(part));
                if (--g->pending == 0 && !g->failed)
                  respond(g->parts, user);
              },
              [ex, g](caf::error& err) {
                if (!g->failed) {
                  g->failed = true;
                  fail(ex, err);
                }
              });
    }
  });
}

void site_api::with_existing_user(self_ptr self, const exchange_ptr& ex, const std::string& id,
                                  std::function<void()> next) {
  // A user whose profile is published exists.
  if (views_ != nullptr && views_->read<actors::profile>("user", id) != nullptr) {
    next();
    return;
  }
  ask(self, entity_ref{"user", id}, caf::get_atom_v)
      .then([next](actors::profile&) { next(); }, [ex](caf::error& err) { fail(ex, err); });
}

void site_api::add_routes() {
  routes_.add(http::verb::get, "/healthz", [](const exchange_ptr& ex, const route_params&) {
    ex->respond_json(200, R"({"status":"alive"})");
  });
  routes_.add(http::verb::get, "/readyz", [this](const exchange_ptr& ex, const route_params&) {
    if (ready_)
      ex->respond_json(200, R"({"status":"ready"})");
    else
      ex->fail(api_error::unavailable("not accepting traffic"));
  });
  routes_.add(http::verb::get, "/metrics",
              [this](const exchange_ptr& ex, const route_params&) { serve_metrics(ex); });
  routes_.add(http::verb::get, "/openapi.json", [](const exchange_ptr& ex, const route_params&) {
    ex->respond_json(200, openapi_document());
  });
  routes_.add(http::verb::get, "/v1/events",
              [this](const exchange_ptr& ex, const route_params&) { serve_events(ex); });
  add_account_routes();
  add_social_routes();
  add_chat_routes();
}

void site_api::serve_metrics(const exchange_ptr& ex) {
  http_response res{http::status::ok, ex->request().version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = metrics::to_prometheus(metrics::registry::global());
  ex->respond(std::move(res));
}

void site_api::serve_events(const exchange_ptr& ex) {
  with_user(ex, [this, ex](self_ptr, const caller& who) {
    auto& user = who.user;
    auto hub = hub_;
    // The sink is marked closed before this runs: the hub drops closed sinks.
    auto sink =
        ex->open_event_stream([hub, user] { caf::anon_send(hub, push_unsubscription{user}); });
    if (sink)
      caf::anon_send(hub, push_subscription{user, std::move(sink)});
  });
}

}  // namespace griddle::gateway::api
