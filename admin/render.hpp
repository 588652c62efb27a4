// Readable renderings of the admin API's answers: a rollout's status as a
// few lines of figures, mismatch samples with their diffs, toggles,
// experiments, experiment results, nodes, types and actors as aligned
// tables, an actor's state as indented JSON, the supervision tree indented. Times are UTC. A
// document lacking what its view expects is shown as JSON, never rejected.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "admin/commands.hpp"

namespace griddle::admin {

/// Writes `doc`, the answer to a command that `shows` it, for a person.
void render(view shows, const nlohmann::json& doc, std::ostream& out);

/// "2026-11-26 23:10:04": milliseconds since the epoch, in UTC.
std::string format_utc(int64_t unix_ms);

}  // namespace griddle::admin
