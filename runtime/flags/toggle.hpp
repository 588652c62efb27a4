// A feature toggle: a named switch that is on for targeted users and for a
// stable share of everyone else. A toggle is a plain value; evaluating it
// takes no lock and changes nothing, so any thread may evaluate a shared one.
//
//   is_on = enabled && (any rule matches || in_share(bucket, percentage_bp))
//
// where bucket = experiment_bucket(name, user_id), i.e. bucket_of("name:user").
// Growing the percentage keeps every user it held. An anonymous user (empty
// id) has no bucket: only a rule or a 100 % share turns the toggle on for them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/flags/targeting.hpp"

namespace griddle::flags {

struct toggle {
  std::string name;
  /// The master switch: a disabled toggle is off for everyone, rules included.
  bool enabled = false;
  /// Share of users (by bucket) it is on for, in basis points: 0 to 10,000.
  uint32_t percentage_bp = 0;
  /// Users these rules match get the toggle on whatever the percentage.
  std::vector<targeting_rule> rules;

  friend bool operator==(const toggle& x, const toggle& y) {
    return x.name == y.name && x.enabled == y.enabled && x.percentage_bp == y.percentage_bp &&
           x.rules == y.rules;
  }
};

/// Whether `t` is on for `user` (see above).
bool is_on(const toggle& t, const user_attributes& user);

/// Throws `flag_error` (invalid) naming the bad field: the name, a
/// percentage over 10,000, or a bad rule.
void validate(const toggle& t);

}  // namespace griddle::flags
