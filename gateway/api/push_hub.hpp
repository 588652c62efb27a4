// Live push: the actor that carries new messages and alerts to the event
// streams (`GET /v1/events`) open on this gateway. It subscribes to the
// node's commit feed (the store actor in embedded mode, the node actor
// otherwise) and turns the events that concern a connected user into SSE
// frames:
//   message_sent      -> "message" to both participants: the stored message
//   liked             -> "alert" {"kind": "like"} to the target
//   favourited        -> "alert" {"kind": "favourite"} to the target
//   profile_visited   -> "alert" {"kind": "visit"} to the target
// Streams of users with nothing to receive cost nothing but a map entry.
//
// Protocol (local only): `push_subscription` adds a stream and pushes the
// `ready` frame to it; `push_unsubscription` drops the user's closed streams
// (a stream is marked closed before its close is reported).
#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "gateway/exchange.hpp"
#include "runtime/store/event_store.hpp"

namespace griddle::gateway::api {

struct push_subscription {
  std::string user;
  std::shared_ptr<event_sink> sink;
};

struct push_unsubscription {
  std::string user;
};

/// Spawns the hub; `feed` is an actor that accepts `(subscribe_atom, actor)`
/// for the commit feed. The hub re-subscribes if `feed` is replaced through
/// `(subscribe_atom, caf::actor new_feed)`.
caf::actor spawn_push_hub(caf::actor_system& sys, caf::actor feed);

/// The SSE frames for one committed event, by user: pairs of (user, frame).
std::vector<std::pair<std::string, std::string>> push_frames(const store::recorded_event& ev);

}  // namespace griddle::gateway::api

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(griddle::gateway::api::push_subscription)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(griddle::gateway::api::push_unsubscription)
