// The dating site's HTTP API (docs/api.md, /openapi.json): the routes, the
// Bearer authentication in front of them, the per-client rate limit, and the
// operational endpoints (/healthz, /readyz, /metrics, /openapi.json).
//
// Every route runs the same way: the I/O thread matches the route, checks
// the rate limit and decodes the request; the rest runs as a job in the I/O
// thread's relay actor, which authenticates the token with session/<digest>
// and then asks the entities, each request with the configured time-out; the
// last reply becomes the response. Errors of every kind are answered through
// `api_error` (gateway/api_error.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/credentials.hpp"
#include "actors/feed_v2.hpp"
#include "actors/session_view.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api/response_codec.hpp"
#include "gateway/api/site_flags.hpp"
#include "gateway/exchange.hpp"
#include "gateway/http_options.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/relay.hpp"
#include "gateway/route_table.hpp"
#include "runtime/entity/request_arms.hpp"
#include "runtime/metrics/counter.hpp"

namespace griddle::gateway::api {

class site_api {
 public:
  /// `feed` is where the push hub subscribes for the commit feed: the store
  /// actor (embedded) or the node actor (remote).
  site_api(caf::actor_system& sys, std::shared_ptr<entity_access> access, const http_options& opts,
           caf::actor feed);
  ~site_api();

  site_api(const site_api&) = delete;
  site_api& operator=(const site_api&) = delete;

  /// The request handler for an `http_server`.
  void handle(const exchange_ptr& ex);

  /// Whether `/readyz` says 200; the host turns it off while draining or
  /// while no node is reachable.
  void set_ready(bool ready) noexcept { ready_ = ready; }

  /// Re-subscribes the push hub after the node actor was replaced.
  void set_feed(const caf::actor& feed);

  /// Ends the relays and the push hub.
  void stop();

  /// The text served at /openapi.json.
  static const std::string& openapi_document();

 private:
  using self_ptr = caf::event_based_actor*;

  /// Who sent an authenticated request.
  struct caller {
    std::string user;
    std::string token;
    /// The key of the caller's session entity (the token's digest).
    std::string session_key;
  };

  /// Continues a request inside the relay actor once the caller is known.
  using authed_job = std::function<void(self_ptr, const caller&)>;

  void add_routes();
  void add_account_routes();
  void add_social_routes();
  void add_chat_routes();

  /// The request's Bearer token; answers 401 and returns empty when it is
  /// missing or malformed (checked on the I/O thread, before any decoding).
  static std::string take_token(const exchange_ptr& ex);

  /// The caller presenting `token`: its digest, and the user when the
  /// session's published view is fresh (checked on the I/O thread, counted
  /// once); `user` stays empty when the session entity must be asked.
  caller caller_of(std::string token) const;

  /// Runs `next` in the relay once the caller's user is known: at once when
  /// `caller_of` found it, after asking the session entity otherwise.
  void authenticate(const exchange_ptr& ex, caller who, authed_job next);

  /// `authenticate(ex, caller_of(token), next)`.
  void authenticate(const exchange_ptr& ex, std::string token, authed_job next);

  /// Counts reads of published views by kind: found (and fresh) or not.
  struct view_reads {
    metrics::counter* found = nullptr;
    metrics::counter* missed = nullptr;
    void count(bool hit) const { (hit ? found : missed)->inc(); }
  };
  static view_reads view_reads_of(const char* view);

  /// The token and `?cursor=&limit=` of a list request; answers the error
  /// and returns nothing when either is missing or malformed.
  std::optional<std::pair<std::string, page_query>> take_page(const exchange_ptr& ex);

  /// Runs `job` in the relay of `ex`'s I/O thread (503 once stopped).
  void run(const exchange_ptr& ex, std::function<void(self_ptr)> job);

  /// `take_token` then `authenticate`.
  void with_user(const exchange_ptr& ex, authed_job next);

  /// For lists: the token and `?cursor=&limit=` checked on the I/O thread,
  /// then `next` in the relay once the caller is known.
  using page_job = std::function<void(self_ptr, const caller&, const page_query&)>;
  void with_page(const exchange_ptr& ex, page_job next);

  /// Checks that user `id` exists, then runs `next` (404 otherwise).
  void with_existing_user(self_ptr self, const exchange_ptr& ex, const std::string& id,
                          std::function<void()> next);

  /// Answers `ex` from `err` (the one error path of every reply).
  static void fail(const exchange_ptr& ex, const caf::error& err);

  void serve_metrics(const exchange_ptr& ex);
  void serve_online(const exchange_ptr& ex);

  void serve_events(const exchange_ptr& ex);

  template <class... Ts>
  auto ask(self_ptr self, const entity_ref& ref, Ts&&... xs) {
    return access_->request(self, ref, timeout_, std::forward<Ts>(xs)...);
  }

  /// Registration and login wait for the password hashing pool.
  template <class... Ts>
  auto ask_slow(self_ptr self, const entity_ref& ref, Ts&&... xs) {
    return access_->request(self, ref, std::max(timeout_, slow_timeout), std::forward<Ts>(xs)...);
  }

  static constexpr caf::timespan slow_timeout = std::chrono::seconds(30);

  /// A list page of the caller's own `type` projection (feed/<me>,
  /// visitors/<me>), whose `View` is a `paged_view` of `Page`: answered on
  /// the I/O thread when the session and the projection have published
  /// views, otherwise by asking the projection from the relay.
  template <class View, class Page>
  void serve_own_page(const exchange_ptr& ex, const char* type) {
    auto taken = take_page(ex);
    if (!taken)
      return;
    auto& [token, q] = *taken;
    auto who = caller_of(std::move(token));
    if (!who.user.empty()) {
      auto view = views_->read<View>(type, who.user);
      if (view) {
        page_reads_.count(true);
        auto r = view->page_range(q.cursor, q.limit);
        answer_page<Page>(ex, r, r.next_cursor, who.user);
        return;
      }
      if constexpr (std::is_same_v<Page, actors::feed_page>) {
        // A feed on behaviour version 2 (a rollout) publishes its own view.
        if (auto v2 = views_->read<actors::feed_view_v2>(type, who.user)) {
          page_reads_.count(true);
          auto pg = v2->page(q.cursor, q.limit);
          answer_page<Page>(ex, pg.items, pg.next_cursor, who.user);
          return;
        }
      }
      page_reads_.count(false);
    }
    authenticate(ex, std::move(who), [this, ex, type, q = q](self_ptr self, const caller& who) {
      if constexpr (std::is_same_v<Page, actors::feed_page>) {
        // The arm travels with the request; the feed entity ranks the page.
        auto arm = flags_.expose(actors::feed_ranking_experiment, who.user);
        auto arms = arm.empty() ? std::string{}
                                : entity::encode_arms({{actors::feed_ranking_experiment, arm}});
        ask(self, entity_ref{type, who.user},
            entity::with_arms(std::move(arms), caf::get_atom_v, q.cursor, q.limit))
            .then([this, ex, arm](Page& pg) { answer_feed(ex, pg, arm, false); },
                  [this, ex, arm](caf::error& err) {
                    answer_feed(ex, {}, arm, true);
                    fail(ex, err);
                  });
      } else {
        ask(self, entity_ref{type, who.user}, caf::get_atom_v, q.cursor, q.limit)
            .then([this, ex, user = who.user](
                      Page& pg) { answer_page<Page>(ex, pg.items, pg.next_cursor, user); },
                  [ex](caf::error& err) { fail(ex, err); });
      }
    });
  }

  /// Answers a page of `user`'s own list read from a view; a feed page is
  /// ranked here by the user's arm of the "feed-ranking" experiment
  /// (site_flags.hpp), as the feed entity ranks the pages it answers.
  template <class Page, class Range>
  void answer_page(const exchange_ptr& ex, const Range& items, uint64_t next_cursor,
                   const std::string& user) {
    if constexpr (std::is_same_v<Page, actors::feed_page>) {
      auto arm = flags_.expose(actors::feed_ranking_experiment, user);
      if (!arm.empty()) {
        actors::feed_page page{{items.begin(), items.end()}, next_cursor};
        actors::rank_feed_page(page, arm);
        answer_feed(ex, page, arm, false);
        return;
      }
    }
    ex->respond_json(200, page_body(items, next_cursor));
  }

  /// Answers a feed page already ranked for `arm` (unless `failed`) and
  /// counts the request in the arm.
  void answer_feed(const exchange_ptr& ex, const actors::feed_page& page, const std::string& arm,
                   bool failed) {
    if (!failed)
      ex->respond_json(200, page_body(page.items, page.next_cursor));
    if (!arm.empty())
      flags_.answered(actors::feed_ranking_experiment, arm, exchange::clock::now() - ex->started(),
                      failed);
  }

  caf::actor_system& sys_;
  std::shared_ptr<entity_access> access_;
  caf::timespan timeout_;
  relay_pool relays_;
  rate_limiter limiter_;
  route_table routes_;
  caf::actor hub_;
  /// The node's view board when the gateway runs inside the node and reads
  /// views (`--http-no-read-views` unset); null otherwise.
  entity::view_board* views_ = nullptr;
  view_reads session_reads_ = view_reads_of("session");
  view_reads page_reads_ = view_reads_of("page");
  view_reads online_reads_ = view_reads_of("online");
  site_flags flags_;
  std::atomic<bool> ready_{true};
};

}  // namespace griddle::gateway::api
