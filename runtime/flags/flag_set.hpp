// The collection of toggles and experiments a cluster runs: one namespace of
// names (a toggle and an experiment may not share a name, as they would hash
// users alike), validated create / update / delete, and evaluation by name.
//
// A `flag_set` is a value with no internal locking: mutate it on one thread,
// then publish it read-only through a `flag_table` (flag_table.hpp). Every
// operation that throws leaves the set unchanged. The JSON form is in
// flag_json.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/flags/experiment.hpp"
#include "runtime/flags/toggle.hpp"

namespace griddle::flags {

class flag_set {
 public:
  using toggle_map = std::map<std::string, toggle, std::less<>>;
  using experiment_map = std::map<std::string, experiment, std::less<>>;

  // -- toggles -----------------------------------------------------------------

  /// Adds `t`. Throws `flag_error`: invalid (see `validate(const toggle&)`),
  /// or conflict when the name is taken by a toggle or an experiment.
  void create_toggle(toggle t);

  /// Replaces the toggle named `t.name`. Throws `flag_error`: invalid, or
  /// not_found when there is no such toggle.
  void update_toggle(toggle t);

  /// Removes a toggle; throws `flag_error` (not_found) when there is none.
  void remove_toggle(std::string_view name);

  /// The toggle named `name`, or nullptr.
  const toggle* find_toggle(std::string_view name) const;

  const toggle_map& toggles() const noexcept { return toggles_; }

  // -- experiments -------------------------------------------------------------

  /// Adds a new experiment with a fresh allocation at generation 0. Throws
  /// `flag_error`: invalid (see `validate(const experiment_spec&)`) or conflict.
  const experiment& create_experiment(experiment_spec spec);

  /// Adds an experiment rebuilt from storage (`experiment::restore`), keeping
  /// its generation and allocation. Throws `flag_error` (conflict).
  const experiment& restore_experiment(experiment e);

  /// Applies `spec` to the experiment of that name, moving as few buckets as
  /// possible (`experiment::update`); returns the number moved. Throws
  /// `flag_error`: invalid, or not_found.
  uint32_t update_experiment(experiment_spec spec);

  /// Re-draws every user of an experiment (`experiment::reshuffle`). Throws
  /// `flag_error` (not_found).
  void reshuffle_experiment(std::string_view name);

  /// Removes an experiment; throws `flag_error` (not_found) when there is none.
  void remove_experiment(std::string_view name);

  /// The experiment named `name`, or nullptr.
  const experiment* find_experiment(std::string_view name) const;

  const experiment_map& experiments() const noexcept { return experiments_; }

  // -- evaluation --------------------------------------------------------------

  /// Whether toggle `name` is on for `user`; an unknown toggle is off.
  bool is_on(std::string_view name, const user_attributes& user) const;

  /// The arm of `user` in experiment `name`; none for an unknown experiment.
  std::optional<std::string> assign(std::string_view name, const user_attributes& user) const;

  friend bool operator==(const flag_set& x, const flag_set& y);

 private:
  /// Throws `flag_error` (conflict) when `name` is taken.
  void check_name_free(const std::string& name) const;

  toggle_map toggles_;
  experiment_map experiments_;
};

}  // namespace griddle::flags
