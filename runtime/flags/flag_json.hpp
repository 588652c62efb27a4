// The JSON form of toggles, experiments and whole flag sets: the documents
// the admin HTTP API accepts and returns, and the form a set is stored in.
// This shape is a public API; change it only compatibly.
//
// Toggle (percentage_bp in basis points: 2500 is 25 %):
//   {"name": "new-inbox", "enabled": true, "percentage_bp": 2500,
//    "rules": [{"user_ids": ["42", "43"]},
//              {"cities": ["Berlin"], "age_min": 18, "age_max": 30}]}
//
// Experiment ("generation" and "allocation" are maintained by the runtime:
// returned on output, ignored by experiment_spec_from_json, and read back by
// experiment_from_json to restore a stored experiment exactly):
//   {"name": "feed-ranking", "enabled": true,
//    "arms": [{"name": "control", "weight": 1}, {"name": "ranked", "weight": 1}],
//    "rules": [],
//    "generation": 0,
//    "allocation": [{"from": 0, "to": 5000, "arm": "control"},
//                   {"from": 5000, "to": 10000, "arm": "ranked"}]}
//
// Flag set: {"toggles": [toggle...], "experiments": [experiment...]}, each
// list sorted by name.
//
// On input: "name" and (for experiments) "arms" are required; "enabled"
// defaults to false, "percentage_bp" to 0, "rules" to []; a rule needs at
// least one of its four keys. Unknown keys are rejected, so a misspelt key is
// an error rather than a silent default. Every decoder validates what it
// decodes and throws `flag_error` whose field() is the path of the offending
// value ("experiments[1].arms[0].weight"); no input makes it crash.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/flags/experiment.hpp"
#include "runtime/flags/flag_set.hpp"
#include "runtime/flags/toggle.hpp"

namespace griddle::flags {

// -- encoding ------------------------------------------------------------------

nlohmann::json to_json(const targeting_rule& rule);
nlohmann::json to_json(const toggle& t);
/// The spec only: no generation or allocation.
nlohmann::json to_json(const experiment_spec& spec);
nlohmann::json to_json(const experiment& e);
nlohmann::json to_json(const flag_set& set);

// -- decoding (each throws flag_error naming the field) -------------------------

/// Parses `text`; throws `flag_error` (invalid, field "") when it is not JSON.
nlohmann::json parse_json(std::string_view text);

toggle toggle_from_json(const nlohmann::json& doc);

/// What an administrator sends to create or update an experiment.
experiment_spec experiment_spec_from_json(const nlohmann::json& doc);

/// A whole experiment: restored with its allocation when the document has
/// one, else allocated afresh at "generation" (default 0).
experiment experiment_from_json(const nlohmann::json& doc);

/// A whole set; also rejects a name used twice.
flag_set flag_set_from_json(const nlohmann::json& doc);

}  // namespace griddle::flags
