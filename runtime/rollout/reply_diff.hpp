// Comparing what two activations did with the same message: their replies
// and effects, rendered as JSON. Used by the ghost mirror; pure functions.
//
//   strip_fields   drops fields that differ by nature (timestamps, ids)
//   diff           lists the paths where two documents differ
//   normalized     a path with array indices replaced by `*`, so "the
//                  `at_ms` of any item" is one noisy field, not one per item
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/message.hpp>
#include <nlohmann/json.hpp>

namespace griddle::rollout {

/// How a type's replies become JSON for comparison.
struct comparison_rules {
  /// Renders a reply; unset, or returning null for a reply it does not
  /// know, falls back to `caf::to_string` of the reply.
  std::function<nlohmann::json(const caf::message&)> describe;
  /// Object fields dropped at any depth of replies and effects before they
  /// are compared.
  std::vector<std::string> ignore_fields;
};

/// Rewrites two described replies, in place, to what they must agree on,
/// e.g. for a version that changes replies on purpose.
using agree_fn = std::function<void(nlohmann::json& stable, nlohmann::json& candidate)>;

/// `rules.describe(msg)`, or the fallback: null for an empty reply,
/// {"error": "..."} for an error, else the message as text.
nlohmann::json describe_reply(const comparison_rules& rules, const caf::message& msg);

/// Removes every object member named in `names`, at any depth.
void strip_fields(nlohmann::json& doc, const std::vector<std::string>& names);

struct difference {
  /// E.g. "/items/0/kind"; "" for the whole document.
  std::string path;
  nlohmann::json live;
  nlohmann::json other;
};

/// Where `live` and `other` differ, at most `limit` paths, in document order.
/// Objects are compared member by member, arrays element by element (extra
/// elements are differences of their own).
std::vector<difference> diff(const nlohmann::json& live, const nlohmann::json& other,
                             size_t limit = 32);

/// `path` with every array index replaced by `*` ("/items/3/at" -> "/items/*/at").
std::string normalized(const std::string& path, const nlohmann::json& doc);

/// A one-line rendering of `d`: `/items/0/kind: "matched" -> "liked"`.
std::string to_string(const difference& d);

}  // namespace griddle::rollout
