// TAB completion for the griddle-admin REPL: what may follow the text left of
// the cursor. Pure: the names it offers come from a catalogue the caller
// fills (from the node's answers), and needed_for says which part of the
// catalogue a completion would use but is not there yet, so the caller can
// fetch it and ask again. The line-editor glue only calls these.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/admin_request.hpp"

namespace griddle::admin {

/// The node's names that completion offers.
struct catalogue {
  /// Entity types with their versions; nothing: not fetched yet.
  std::optional<std::map<std::string, std::vector<std::string>>> types;
  /// Keys of active actors by type (the busiest few hundred); a type
  /// missing: not fetched yet.
  std::map<std::string, std::vector<std::string>> keys;
  /// Toggle and experiment names; nothing: not fetched yet.
  std::optional<std::vector<std::string>> toggles;
  std::optional<std::vector<std::string>> experiments;
};

/// What a completion would use that the catalogue lacks.
struct completion_need {
  bool types = false;
  bool flags = false;
  /// The keys of this type.
  std::optional<std::string> keys_of;

  bool any() const noexcept { return types || flags || keys_of.has_value(); }
};

/// The words that may replace the last, partial word of `line_before_cursor`
/// (the empty word after a blank): command words, REPL built-ins, options
/// and their listed values, types, keys, versions, toggle and experiment
/// names. Sorted, without duplicates.
std::vector<std::string> complete(std::string_view line_before_cursor, const catalogue& known);

/// What complete() would offer from the catalogue but cannot yet.
completion_need needed_for(std::string_view line_before_cursor, const catalogue& known);

// -- filling the catalogue ------------------------------------------------------

/// GET /admin/v1/types, GET /admin/v1/types/TYPE/actors?limit=200 and
/// GET /admin/v1/flags.
http_request types_request();
http_request keys_request(const std::string& type);
http_request flags_request();

/// Store what the answers name; anything not of the documented shape is
/// skipped, and an answer that is no JSON object leaves empty lists.
void read_types(const nlohmann::json& doc, catalogue& known);
void read_keys(const std::string& type, const nlohmann::json& doc, catalogue& known);
void read_flags(const nlohmann::json& doc, catalogue& known);

}  // namespace griddle::admin
