// The experiment arms a request carries to the entities that handle it. The
// gateway assigns a user to arms (runtime/flags) and wraps the message for an
// entity in an envelope; the entity's handler reads its arm with
// `entity_context::arm_of("feed-ranking")`:
//
//   (arms_atom, "feed-ranking=matched_first;other=b", caf::message inner)
//
// The reply is the inner message's reply. Arms are `experiment=arm` pairs
// separated by ';'; names never contain '=' or ';' (runtime/flags/names.hpp).
// Header-only and allocation-free to read, so any layer may use it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "runtime/type_ids.hpp"

namespace griddle::entity {

/// Joins `experiment=arm` pairs into the envelope's text.
inline std::string encode_arms(const std::vector<std::pair<std::string, std::string>>& arms) {
  std::string result;
  for (auto& [experiment, arm] : arms) {
    if (!result.empty())
      result += ';';
    result += experiment;
    result += '=';
    result += arm;
  }
  return result;
}

/// The arm of `experiment` in `arms` (the envelope's text), or empty.
inline std::string_view find_arm(std::string_view arms, std::string_view experiment) {
  while (!arms.empty()) {
    auto end = arms.find(';');
    auto pair = arms.substr(0, end);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == experiment)
      return pair.substr(eq + 1);
    if (end == std::string_view::npos)
      break;
    arms.remove_prefix(end + 1);
  }
  return {};
}

/// `xs...` wrapped with `arms`; the message itself when `arms` is empty.
template <class... Ts>
caf::message with_arms(std::string arms, Ts&&... xs) {
  auto inner = caf::make_message(std::forward<Ts>(xs)...);
  if (arms.empty())
    return inner;
  return caf::make_message(arms_atom_v, std::move(arms), std::move(inner));
}

}  // namespace griddle::entity
