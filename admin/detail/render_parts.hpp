// The pieces the renderings share (render.cpp): tolerant field access,
// number formats and an aligned text table; and the renderings per document
// (render_rollout.cpp, render_flags.cpp, render_node.cpp, render_actor.cpp).
// Not for callers.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace griddle::admin::detail {

// -- fields and formats --------------------------------------------------------

/// doc[key] when it is a number, else 0.
double number(const nlohmann::json& doc, const char* key);

/// doc[key] as text: a string as is, another value as JSON, nothing as "".
std::string text(const nlohmann::json& doc, const char* key);

/// doc[key] when it is an object or array, else null.
const nlohmann::json& child(const nlohmann::json& doc, const char* key);

/// `x` with `digits` decimals: fixed(0.4123, 2) is "0.41".
std::string fixed(double x, int digits);

/// A count or a size: "1200", "0.5"; never an exponent.
std::string figure(double x);

/// A configured share, without needless decimals: "100%", "2.5%".
std::string share(double percent);

/// A fraction as a percentage with two decimals: 0.0025 is "0.25%".
std::string rate(double fraction);

/// A span of time, short: "12.5s", "5m 03s", "2h 05m", "3d 04h".
std::string duration(double seconds);

/// "23:10:04.123": the time of day in UTC, to the millisecond.
std::string time_of_day(int64_t unix_ms);

// -- tables ------------------------------------------------------------------------

/// Columns padded to their widest cell; numeric columns aligned right.
class text_table {
 public:
  /// `right` lists, per column, whether it is aligned right (default left).
  explicit text_table(std::vector<std::string> header, std::vector<bool> right = {});

  void add(std::vector<std::string> row);

  /// Writes the header and the rows, each line after `indent`.
  void print(std::ostream& out, const std::string& indent) const;

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// -- renderings -------------------------------------------------------------------

void render_status(const nlohmann::json& status, std::ostream& out);
void render_status_list(const nlohmann::json& doc, std::ostream& out);
void render_mismatches(const nlohmann::json& doc, std::ostream& out);

void render_flags(const nlohmann::json& doc, bool toggles, bool experiments, std::ostream& out);
void render_toggle(const nlohmann::json& toggle, std::ostream& out);
void render_experiment(const nlohmann::json& experiment, std::ostream& out);
void render_deleted(const nlohmann::json& doc, std::ostream& out);
void render_results(const nlohmann::json& doc, std::ostream& out);

void render_nodes(const nlohmann::json& doc, std::ostream& out);
void render_types(const nlohmann::json& doc, std::ostream& out);
void render_supervisors(const nlohmann::json& doc, std::ostream& out);
void render_metrics(const nlohmann::json& doc, std::ostream& out);

void render_actors(const nlohmann::json& doc, std::ostream& out);
void render_actor(const nlohmann::json& doc, std::ostream& out);
void render_trace(const nlohmann::json& doc, std::ostream& out);
void render_passivated(const nlohmann::json& doc, std::ostream& out);

}  // namespace griddle::admin::detail
