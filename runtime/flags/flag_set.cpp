#include "runtime/flags/flag_set.hpp"

#include <utility>

#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/names.hpp"

namespace griddle::flags {

namespace {

[[noreturn]] void throw_not_found(const char* what, std::string_view name) {
  throw flag_error{flag_error::kind::not_found, "name",
                   std::string{"no "} + what + " named " + quoted_name(name)};
}

}  // namespace

void flag_set::check_name_free(const std::string& name) const {
  if (toggles_.count(name) > 0)
    throw flag_error{flag_error::kind::conflict, "name",
                     "a toggle named '" + name + "' already exists"};
  if (experiments_.count(name) > 0)
    throw flag_error{flag_error::kind::conflict, "name",
                     "an experiment named '" + name + "' already exists"};
}

// -- toggles -------------------------------------------------------------------

void flag_set::create_toggle(toggle t) {
  validate(t);
  check_name_free(t.name);
  auto name = t.name;
  toggles_.emplace(std::move(name), std::move(t));
}

void flag_set::update_toggle(toggle t) {
  validate(t);
  auto i = toggles_.find(t.name);
  if (i == toggles_.end())
    throw_not_found("toggle", t.name);
  i->second = std::move(t);
}

void flag_set::remove_toggle(std::string_view name) {
  auto i = toggles_.find(name);
  if (i == toggles_.end())
    throw_not_found("toggle", name);
  toggles_.erase(i);
}

const toggle* flag_set::find_toggle(std::string_view name) const {
  auto i = toggles_.find(name);
  return i == toggles_.end() ? nullptr : &i->second;
}

// -- experiments ---------------------------------------------------------------

const experiment& flag_set::create_experiment(experiment_spec spec) {
  experiment e{std::move(spec)};
  return restore_experiment(std::move(e));
}

const experiment& flag_set::restore_experiment(experiment e) {
  check_name_free(e.name());
  auto name = e.name();
  return experiments_.emplace(std::move(name), std::move(e)).first->second;
}

uint32_t flag_set::update_experiment(experiment_spec spec) {
  validate(spec);
  auto i = experiments_.find(spec.name);
  if (i == experiments_.end())
    throw_not_found("experiment", spec.name);
  return i->second.update(std::move(spec));
}

void flag_set::reshuffle_experiment(std::string_view name) {
  auto i = experiments_.find(name);
  if (i == experiments_.end())
    throw_not_found("experiment", name);
  i->second.reshuffle();
}

void flag_set::remove_experiment(std::string_view name) {
  auto i = experiments_.find(name);
  if (i == experiments_.end())
    throw_not_found("experiment", name);
  experiments_.erase(i);
}

const experiment* flag_set::find_experiment(std::string_view name) const {
  auto i = experiments_.find(name);
  return i == experiments_.end() ? nullptr : &i->second;
}

// -- evaluation ----------------------------------------------------------------

bool flag_set::is_on(std::string_view name, const user_attributes& user) const {
  auto t = find_toggle(name);
  return t != nullptr && flags::is_on(*t, user);
}

std::optional<std::string> flag_set::assign(std::string_view name,
                                            const user_attributes& user) const {
  auto e = find_experiment(name);
  if (e == nullptr)
    return std::nullopt;
  return e->assign(user);
}

bool operator==(const flag_set& x, const flag_set& y) {
  return x.toggles_ == y.toggles_ && x.experiments_ == y.experiments_;
}

}  // namespace griddle::flags
