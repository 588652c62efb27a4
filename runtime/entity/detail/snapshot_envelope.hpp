// The snapshot format of event-sourced entities and projections: a JSON
// object holding how far the state has read (`mark_key`: "v" for a stream
// version, "p" for a log position) and the state itself under "s".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace griddle::entity::detail {

struct snapshot_envelope {
  uint64_t mark = 0;
  nlohmann::json state;
};

/// Parses `data`; throws std::runtime_error naming `what` when it is not an
/// envelope with `mark_key` and "s".
inline snapshot_envelope open_snapshot(const std::string& data, const char* mark_key,
                                       const std::string& what) {
  auto doc = nlohmann::json::parse(data, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains(mark_key) || !doc.contains("s"))
    throw std::runtime_error("corrupt snapshot of " + what);
  return {doc[mark_key].get<uint64_t>(), std::move(doc["s"])};
}

/// Renders the envelope of `state` read up to `mark`.
inline std::string seal_snapshot(const char* mark_key, uint64_t mark, nlohmann::json state) {
  nlohmann::json doc;
  doc[mark_key] = mark;
  doc["s"] = std::move(state);
  return doc.dump();
}

}  // namespace griddle::entity::detail
