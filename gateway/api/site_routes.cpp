// The /v1 routes of the site API: accounts, the social graph and chat. Each
// handler decodes on the I/O thread and continues in the relay (site_api.hpp).
#include <algorithm>

#include "actors/account_types.hpp"
#include "actors/account_validation.hpp"
#include "actors/accounts.hpp"
#include "actors/chat_types.hpp"
#include "actors/conversation_entity.hpp"
#include "actors/conversation_state.hpp"
#include "actors/feed_projection.hpp"
#include "actors/online_projection.hpp"
#include "actors/services.hpp"
#include "actors/social_types.hpp"
#include "actors/visitors_projection.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api/response_codec.hpp"
#include "gateway/api/site_api.hpp"

namespace griddle::gateway::api {

namespace {

using verb = http::verb;

constexpr uint32_t default_page = 20;

/// Moves the decoded value into `out`, or answers the error; false then.
template <class T>
bool take(decoded<T>&& d, const exchange_ptr& ex, T& out) {
  if (auto* err = std::get_if<api_error>(&d)) {
    ex->fail(*err);
    return false;
  }
  out = std::get<T>(std::move(d));
  return true;
}

/// The `{id}` of a path as a user id; answers 404 when it cannot be one.
bool take_user_id(const exchange_ptr& ex, const route_params& p, std::string& out) {
  if (p.empty() || !is_user_id(p[0])) {
    ex->fail(api_error::not_found("no such user"));
    return false;
  }
  out = std::string{p[0]};
  return true;
}

std::string_view body_of(const exchange_ptr& ex) {
  return ex->request().body();
}

}  // namespace

// -- accounts -----------------------------------------------------------------

void site_api::add_account_routes() {
  routes_.add(verb::post, "/v1/users", [this](const exchange_ptr& ex, const route_params&) {
    actors::registration reg;
    if (!take(decode_registration(body_of(ex)), ex, reg))
      return;
    auto key = actors::normalize_email(reg.email);
    if (key.empty()) {
      ex->fail(api_error::validation("email", "is required"));
      return;
    }
    run(ex, [this, ex, key, reg = std::move(reg)](self_ptr self) mutable {
      ask_slow(self, entity_ref{"email", key}, actors::register_atom_v, std::move(reg))
          .then(
              [ex](std::string& id) {
                ex->respond_json(201, dump({{"id", id}}));
              },
              [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(verb::post, "/v1/sessions", [this](const exchange_ptr& ex, const route_params&) {
    login_request login;
    if (!take(decode_login(body_of(ex)), ex, login))
      return;
    auto key = actors::normalize_email(login.email);
    if (key.empty()) {
      ex->fail(api_error::unauthenticated(actors::login_failed_message));
      return;
    }
    run(ex, [this, ex, key, password = std::move(login.password)](self_ptr self) {
      ask_slow(self, entity_ref{"email", key}, actors::login_atom_v, password)
          .then([ex](actors::login_result& r) { ex->respond_json(201, dump(to_json(r))); },
                [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(
      verb::delete_, "/v1/sessions/current", [this](const exchange_ptr& ex, const route_params&) {
        with_user(ex, [this, ex](self_ptr self, const caller& who) {
          ask(self, entity_ref{"session", who.session_key}, actors::logout_atom_v, who.token)
              .then([ex] { ex->respond_json(200, R"({"signed_out":true})"); },
                    [ex](caf::error& err) { fail(ex, err); });
        });
      });
  routes_.add(verb::get, "/v1/me", [this](const exchange_ptr& ex, const route_params&) {
    with_user(ex, [this, ex](self_ptr self, const caller& who) {
      ask(self, entity_ref{"user", who.user}, caf::get_atom_v)
          .then([ex](actors::profile& p) { ex->respond_json(200, dump(to_json(p))); },
                [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(verb::patch, "/v1/me", [this](const exchange_ptr& ex, const route_params&) {
    auto token = take_token(ex);
    if (token.empty())
      return;
    actors::profile_update update;
    if (!take(decode_profile_update(body_of(ex)), ex, update))
      return;
    authenticate(ex, std::move(token), [this, ex, update](self_ptr self, const caller& who) {
      ask(self, entity_ref{"user", who.user}, actors::update_profile_atom_v, update)
          .then([ex](actors::profile& p) { ex->respond_json(200, dump(to_json(p))); },
                [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(verb::get, "/v1/users/{id}", [this](const exchange_ptr& ex, const route_params& p) {
    std::string id;
    if (!take_user_id(ex, p, id))
      return;
    with_user(ex, [this, ex, id](self_ptr self, const caller& who) {
      auto shown = [this, self, ex, id, me = who.user](const actors::profile& profile) {
        if (me == id) {
          ex->respond_json(200, profile_body(profile));
          return;
        }
        // The visit is recorded before the answer, so a client that reads
        // its visitors next sees it; a failed visit still shows the profile.
        auto body = profile_body(profile);
        ask(self, entity_ref{"activity", me}, actors::visit_atom_v, id)
            .then([ex, body](actors::relation_state&) { ex->respond_json(200, body); },
                  [ex, body](caf::error&) { ex->respond_json(200, body); });
      };
      // The published profile when there is one; otherwise the user entity.
      if (views_ != nullptr) {
        if (auto profile = views_->read<actors::profile>("user", id)) {
          shown(*profile);
          return;
        }
      }
      ask(self, entity_ref{"user", id}, caf::get_atom_v)
          .then([shown](actors::profile& profile) { shown(profile); },
                [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(verb::post, "/v1/me/photos", [this](const exchange_ptr& ex, const route_params&) {
    auto token = take_token(ex);
    std::string url;
    if (token.empty() || !take(decode_photo(body_of(ex)), ex, url))
      return;
    authenticate(ex, std::move(token), [this, ex, url](self_ptr self, const caller& who) {
      ask(self, entity_ref{"user", who.user}, actors::add_photo_atom_v, url)
          .then(
              [ex](actors::photo& p) {
                ex->respond_json(201, dump({{"id", p.photo_id}, {"url", p.url}}));
              },
              [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(verb::get, "/v1/alerts", [this](const exchange_ptr& ex, const route_params&) {
    with_user(ex, [this, ex](self_ptr self, const caller& who) {
      ask(self, entity_ref{"alerts", who.user}, caf::get_atom_v)
          .then([ex](actors::alerts_view& v) { ex->respond_json(200, dump(to_json(v))); },
                [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(
      verb::post, "/v1/alerts/{kind}/seen", [this](const exchange_ptr& ex, const route_params& p) {
        std::string kind{p.at(0)};
        with_user(ex, [this, ex, kind](self_ptr self, const caller& who) {
          ask(self, entity_ref{"activity", who.user}, actors::alerts_seen_atom_v, kind)
              .then(
                  [ex, kind](int64_t at) {
                    ex->respond_json(200, dump({{"kind", kind}, {"seen_at", iso_time(at)}}));
                  },
                  [ex](caf::error& err) { fail(ex, err); });
        });
      });
}

// -- the social graph -----------------------------------------------------------

void site_api::add_social_routes() {
  // POST/DELETE on a relation of the caller to user {id}.
  auto relation = [this](auto atom) {
    return [this, atom](const exchange_ptr& ex, const route_params& p) {
      std::string id;
      if (!take_user_id(ex, p, id))
        return;
      with_user(ex, [this, ex, id, atom](self_ptr self, const caller& who) {
        with_existing_user(self, ex, id, [this, self, ex, id, atom, me = who.user] {
          ask(self, entity_ref{"activity", me}, atom, id)
              .then([ex](actors::relation_state& r) { ex->respond_json(200, dump(to_json(r))); },
                    [ex](caf::error& err) { fail(ex, err); });
        });
      });
    };
  };
  routes_.add(verb::post, "/v1/users/{id}/like", relation(actors::like_atom_v));
  routes_.add(verb::delete_, "/v1/users/{id}/like", relation(actors::unlike_atom_v));
  routes_.add(verb::post, "/v1/users/{id}/favourite", relation(actors::favourite_atom_v));
  routes_.add(verb::delete_, "/v1/users/{id}/favourite", relation(actors::unfavourite_atom_v));
  auto block = [this](bool blocked) {
    return [this, blocked](const exchange_ptr& ex, const route_params& p) {
      std::string id;
      if (!take_user_id(ex, p, id))
        return;
      with_user(ex, [this, ex, id, blocked](self_ptr self, const caller& who) {
        with_existing_user(self, ex, id, [this, self, ex, id, blocked, me = who.user] {
          auto done = [ex, id, blocked] {
            ex->respond_json(200, dump({{"user_id", id}, {"blocked", blocked}}));
          };
          auto failed = [ex](caf::error& err) { fail(ex, err); };
          if (blocked)
            ask(self, entity_ref{"user", me}, actors::block_atom_v, id).then(done, failed);
          else
            ask(self, entity_ref{"user", me}, actors::unblock_atom_v, id).then(done, failed);
        });
      });
    };
  };
  routes_.add(verb::post, "/v1/users/{id}/block", block(true));
  routes_.add(verb::delete_, "/v1/users/{id}/block", block(false));

  routes_.add(verb::get, "/v1/feed", [this](const exchange_ptr& ex, const route_params&) {
    serve_own_page<actors::feed_view, actors::feed_page>(ex, "feed");
  });
  routes_.add(verb::get, "/v1/visitors", [this](const exchange_ptr& ex, const route_params&) {
    serve_own_page<actors::visitors_view, actors::visitors_page>(ex, "visitors");
  });
  // One page of a relations projection, newest first: who liked the caller,
  // mutual likes, the caller's favourites.
  using relation_list = std::vector<actors::social_entry> actors::relations_view::*;
  auto relations = [this](const char* type, relation_list list) {
    return [this, type, list](const exchange_ptr& ex, const route_params&) {
      with_page(ex, [this, ex, type, list](self_ptr self, const caller& who, const page_query& q) {
        ask(self, entity_ref{type, who.user}, caf::get_atom_v, q.limit)
            .then(
                [ex, list](actors::relations_view& v) {
                  ex->respond_json(200, dump(page(items_of(v.*list), 0)));
                },
                [ex](caf::error& err) { fail(ex, err); });
      });
    };
  };
  routes_.add(verb::get, "/v1/likes", relations("likes", &actors::relations_view::received));
  routes_.add(verb::get, "/v1/matches", relations("likes", &actors::relations_view::matches));
  routes_.add(verb::get, "/v1/favourites", relations("favourites", &actors::relations_view::given));
  routes_.add(verb::get, "/v1/online",
              [this](const exchange_ptr& ex, const route_params&) { serve_online(ex); });
}

// -- chat -----------------------------------------------------------------------

void site_api::add_chat_routes() {
  routes_.add(
      verb::post, "/v1/conversations/{id}/messages",
      [this](const exchange_ptr& ex, const route_params& p) {
        std::string id;
        auto token = take_token(ex);
        if (token.empty() || !take_user_id(ex, p, id))
          return;
        std::string text;
        if (!take(decode_message(body_of(ex)), ex, text))
          return;
        authenticate(ex, std::move(token), [this, ex, id, text](self_ptr self, const caller& who) {
          if (who.user == id) {
            ex->fail(api_error::validation("id", "is you; write to another user"));
            return;
          }
          with_existing_user(self, ex, id, [this, self, ex, id, text, me = who.user] {
            ask(self, entity_ref{"conversation", actors::conversation_key(me, id)},
                actors::send_message_atom_v, me, id, text)
                .then([ex](actors::chat_message& m) { ex->respond_json(201, dump(to_json(m))); },
                      [ex](caf::error& err) { fail(ex, err); });
          });
        });
      });
  routes_.add(verb::get, "/v1/conversations", [this](const exchange_ptr& ex, const route_params&) {
    // The inbox pages by position: the cursor is the offset of the next page.
    with_page(ex, [this, ex](self_ptr self, const caller& who, const page_query& q) {
      if (q.cursor > UINT32_MAX) {
        ex->fail(api_error::bad_request("cursor must be a cursor from a previous page", "cursor"));
        return;
      }
      auto offset = static_cast<uint32_t>(q.cursor);
      ask(self, entity_ref{"inbox", who.user}, caf::get_atom_v, offset, q.limit)
          .then(
              [ex, offset, q](actors::inbox_view& v) {
                uint64_t next = uint64_t{offset} + q.limit;
                ex->respond_json(200,
                                 dump(page(items_of(v.conversations), next < v.total ? next : 0)));
              },
              [ex](caf::error& err) { fail(ex, err); });
    });
  });
  routes_.add(
      verb::get, "/v1/conversations/{id}/messages",
      [this](const exchange_ptr& ex, const route_params& p) {
        std::string id;
        auto token = take_token(ex);
        page_query q;
        if (token.empty() || !take_user_id(ex, p, id) ||
            !take(decode_page_query(ex->query(), default_page, actors::max_page_size), ex, q))
          return;
        // Pages in memory come from the conversation's published view.
        auto who = caller_of(std::move(token));
        if (!who.user.empty()) {
          auto key = actors::conversation_key(who.user, id);
          auto view = views_->read<actors::conversation_view>("conversation", key);
          std::optional<actors::chat_page> pg;
          if (view)
            pg = view->page(who.user, q.cursor, q.limit, actors::max_history_page);
          page_reads_.count(pg.has_value());
          if (pg) {
            ex->respond_json(200, page_body(pg->messages, pg->next_cursor, &pg->unread_for_reader));
            return;
          }
        }
        authenticate(ex, std::move(who), [this, ex, id, q](self_ptr self, const caller& who) {
          ask(self, entity_ref{"conversation", actors::conversation_key(who.user, id)},
              caf::get_atom_v, who.user, q.cursor, q.limit)
              .then(
                  [ex](actors::chat_page& pg) {
                    ex->respond_json(200,
                                     page_body(pg.messages, pg.next_cursor, &pg.unread_for_reader));
                  },
                  [ex](caf::error& err) { fail(ex, err); });
        });
      });
  routes_.add(verb::post, "/v1/conversations/{id}/read",
              [this](const exchange_ptr& ex, const route_params& p) {
                std::string id;
                auto token = take_token(ex);
                uint64_t up_to = 0;
                if (token.empty() || !take_user_id(ex, p, id) ||
                    !take(decode_read_mark(body_of(ex)), ex, up_to))
                  return;
                authenticate(
                    ex, std::move(token), [this, ex, id, up_to](self_ptr self, const caller& who) {
                      ask(self, entity_ref{"conversation", actors::conversation_key(who.user, id)},
                          actors::mark_read_atom_v, who.user, up_to)
                          .then(
                              [ex](uint64_t unread) {
                                ex->respond_json(200, dump({{"unread", unread}}));
                              },
                              [ex](caf::error& err) { fail(ex, err); });
                    });
              });
}

}  // namespace griddle::gateway::api
