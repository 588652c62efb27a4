#include "runtime/rollout/ghost_mirror.hpp"

#include <chrono>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/errc.hpp"
#include "runtime/rollout/reply_catcher.hpp"
#include "runtime/store/event_store.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::rollout {

namespace {

/// Generous: the original sender has its own time-out; this one only keeps
/// a lost live reply from pinning a comparison forever.
constexpr caf::timespan live_timeout = std::chrono::minutes(1);

std::string kind_of(const caf::message& msg) {
  if (msg.empty())
    return "empty";
  if (msg.match_element<caf::atom_value>(0)) {
    // The kind of a message with experiment arms is the kind of its inside.
    if (msg.size() == 3 && msg.get_as<caf::atom_value>(0) == arms_atom::value &&
        msg.match_element<caf::message>(2))
      return kind_of(msg.get_as<caf::message>(2));
    return caf::to_string(msg.get_as<caf::atom_value>(0));
  }
  auto text = msg.content().stringify(0);
  return text.substr(0, text.find('('));
}

class ghost_mirror : public caf::event_based_actor {
 public:
  ghost_mirror(caf::actor_config& cfg, mirror_args args)
      : caf::event_based_actor(cfg), args_(std::move(args)) {}

  const char* name() const override { return "griddle.ghost_mirror"; }

 protected:
  caf::behavior make_behavior() override {
    live_addr_ = args_.live.address();
    monitor(args_.live);
    if (args_.ghost)
      monitor(args_.ghost);
    if (args_.noise)
      monitor(args_.noise);
    set_down_handler([this](caf::down_msg& dm) { on_down(dm); });
    set_default_handler(
        [this](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
          auto msg = x.move_content_to_message();
          auto rp = make_response_promise();
          if (starting_ > 0)
            backlog_.emplace_back(std::move(msg), std::move(rp));
          else
            mirror(std::move(msg), std::move(rp));
          return caf::delegated<caf::message>{};
        });
    // The copies read the stored events before they handle anything; the
    // live activation appends to the same stream once it handles messages,
    // so nothing reaches it until the copies have read what was there.
    for (auto* copy : {&args_.ghost, &args_.noise})
      if (*copy)
        await_start(*copy);
    return {
        [this](passivate_atom) -> caf::result<void> {
          if (ending_) {
            // The host's second word: the passivated activation lingers
            // (e.g. pending time-outs hold it), so it is told again too.
            if (auto live = caf::actor_cast<caf::actor>(live_addr_))
              anon_send(live, passivate_atom_v);
            quit();
            return caf::unit;
          }
          begin_ending();
          return caf::unit;
        },
        // The admin API's inspection and traces look at the live activation.
        [this](inspect_atom) -> caf::result<caf::message> {
          auto rp = make_response_promise();
          rp.delegate(args_.live, inspect_atom_v);
          return caf::delegated<caf::message>{};
        },
        [this](trace_atom, uint32_t count, caf::actor& tracer) {
          send(args_.live, trace_atom_v, count, std::move(tracer));
        },
        [this](peek_atom) -> caf::result<caf::message> {
          auto rp = make_response_promise();
          if (ending_)
            rp.deliver(make_error(errc::conflict, "passivating"));
          else
            rp.delegate(args_.live, peek_atom_v);
          return caf::delegated<caf::message>{};
        },
    };
  }

  void on_exit() override {
    end_copies();
    // A mirror that ends first (its second passivate, a crash) leaves the
    // live activation to end on its own: unreferenced, it does, and its host
    // sees its down message (the host watches the live activation).
    args_.live = nullptr;
    // A terminated actor's object lives on while anything still references it
    // (a pending request's time-out, for one); it must not keep the copies,
    // their sandboxes and through them the store alive meanwhile.
    args_.ghost = nullptr;
    args_.noise = nullptr;
    args_.host = nullptr;
    // Unanswered comparisons hold response promises, which reference this
    // actor: a cycle that would keep it from ever being destroyed.
    pending_.clear();
    backlog_.clear();
  }

 private:
  struct pending {
    exchange x;
    caf::response_promise rp;
    caf::actor_clock::time_point sent;
    int missing = 0;
  };

  void await_start(caf::actor& copy) {
    ++starting_;
    auto handle = request(copy, args_.ghost_timeout, peek_atom_v);
    add_multiplexed_response_handler(handle.id(), catch_reply([this, &copy](caf::message& reply) {
                                       if (reply.match_elements<caf::error>() && copy) {
                                         if (&copy == &args_.ghost)
                                           args_.ghost_failure =
                                               "ghost did not start: " + caf::to_string(reply);
                                         anon_send_exit(copy, caf::exit_reason::user_shutdown);
                                         copy = nullptr;
                                       }
                                       if (--starting_ == 0) {
                                         auto backlog = std::move(backlog_);
                                         backlog_.clear();
                                         for (auto& [msg, rp] : backlog)
                                           mirror(std::move(msg), std::move(rp));
                                       }
                                     }));
  }

  void mirror(caf::message msg, caf::response_promise rp) {
    if (ending_) {
      rp.delegate(args_.host, leftover_atom_v, args_.ref, std::move(msg));
      return;
    }
    auto seq = ++seq_;
    auto& p = pending_[seq];
    p.x.key = args_.ref.key;
    p.x.message_kind = kind_of(msg);
    p.x.message = caf::to_string(msg);
    p.rp = std::move(rp);
    p.sent = clock().now();
    p.missing = args_.noise ? 3 : 2;
    args_.stats->mirrored();
    ask(args_.live, live_timeout, seq, msg, side::live);
    if (args_.ghost) {
      ask(args_.ghost, args_.ghost_timeout, seq, msg, side::ghost);
    } else {
      p.x.ghost_failure = args_.ghost_failure.empty() ? "ghost ended" : args_.ghost_failure;
      --p.missing;
    }
    if (args_.noise)
      ask(args_.noise, args_.ghost_timeout, seq, msg, side::noise);
  }

  enum class side { live, ghost, noise };

  void ask(const caf::actor& dest, caf::timespan timeout, uint64_t seq, const caf::message& msg,
           side s) {
    auto handle = request(dest, timeout, mirrored_atom_v, seq, msg);
    add_multiplexed_response_handler(
        handle.id(), catch_reply([this, seq, s](caf::message& reply) { on_reply(seq, s, reply); }));
  }

  void on_reply(uint64_t seq, side s, caf::message& reply) {
    auto i = pending_.find(seq);
    if (i == pending_.end())
      return;
    auto& p = i->second;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock().now() - p.sent).count();
    auto& rules = args_.stats->rules();
    switch (s) {
      case side::live:
        p.x.live_ns = ns;
        p.x.live_reply = describe_reply(rules, reply);
        p.x.live_effects = args_.live_effects->take(seq);
        // Only requests are answered: a plain send's promise would send the
        // reply to its sender as a message of its own.
        if (p.rp.pending() && !p.rp.async()) {
          if (reply.match_elements<caf::error>())
            p.rp.deliver(reply.get_as<caf::error>(0));
          else
            p.rp.deliver(std::move(reply));
        }
        break;
      case side::ghost:
        p.x.ghost_ns = ns;
        if (reply.match_elements<caf::error>() &&
            reply.get_as<caf::error>(0) == caf::sec::request_timeout)
          p.x.ghost_failure = "time-out after " +
                              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 args_.ghost_timeout)
                                                 .count()) +
                              " ms";
        else
          p.x.ghost_reply = describe_reply(rules, reply);
        p.x.ghost_effects = args_.ghost_effects->take(seq);
        break;
      case side::noise:
        if (!reply.match_elements<caf::error>() ||
            reply.get_as<caf::error>(0) != caf::sec::request_timeout)
          p.x.noise_reply = describe_reply(rules, reply);
        p.x.noise_effects = args_.noise_effects->take(seq);
        break;
    }
    if (--p.missing > 0)
      return;
    if (!ending_) {
      try {
        args_.stats->compare(p.x, store::unix_now_ms());
      } catch (const std::exception& e) {
        // A comparison that cannot be made says nothing about the versions;
        // the mirror, and with it the live activation, must not end over it.
        args_.stats->comparison_failed(e.what());
      }
    }
    pending_.erase(i);
  }

  void on_down(const caf::down_msg& dm) {
    if (dm.source == live_addr_) {
      quit(dm.reason);
    } else if (dm.source == args_.ghost.address()) {
      args_.ghost_failure = "ghost ended: " + caf::to_string(dm.reason);
      args_.ghost = nullptr;
    } else if (dm.source == args_.noise.address()) {
      args_.noise = nullptr;
    }
  }

  void begin_ending() {
    ending_ = true;
    send(args_.live, passivate_atom_v);
    // Unreferenced, the passivated activation ends once it has saved; its
    // down message then ends the mirror.
    args_.live = nullptr;
    end_copies();
    auto backlog = std::move(backlog_);
    backlog_.clear();
    for (auto& [msg, rp] : backlog)
      mirror(std::move(msg), std::move(rp));  // to the host, as leftovers
  }

  void end_copies() {
    if (args_.ghost)
      anon_send_exit(args_.ghost, caf::exit_reason::user_shutdown);
    if (args_.noise)
      anon_send_exit(args_.noise, caf::exit_reason::user_shutdown);
  }

  mirror_args args_;
  caf::actor_addr live_addr_;
  uint64_t seq_ = 0;
  bool ending_ = false;
  /// Copies that have not finished reading the stored events yet.
  int starting_ = 0;
  std::vector<std::pair<caf::message, caf::response_promise>> backlog_;
  std::unordered_map<uint64_t, pending> pending_;
};

}  // namespace

caf::actor spawn_ghost_mirror(caf::actor_system& sys, mirror_args args) {
  return sys.spawn<ghost_mirror>(std::move(args));
}

}  // namespace griddle::rollout
