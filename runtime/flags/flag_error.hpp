// The one error type of the flags library: a validation, lookup or conflict
// failure that names the offending field ("arms[1].weight") and says what is
// wrong with it in words an operator can act on.
//
// The library reports failures by throwing `flag_error`; the gateway maps
// `code()` once to `griddle::errc` and HTTP (invalid -> validation_failed /
// 400, not_found -> 404, conflict -> 409). It is a plain value: copy freely.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace griddle::flags {

class flag_error : public std::runtime_error {
 public:
  enum class kind : uint8_t {
    /// A field is missing, has the wrong type, or holds a value out of range.
    invalid,
    /// The toggle or experiment to change does not exist.
    not_found,
    /// The name is already taken (by a toggle or an experiment).
    conflict,
  };

  /// `field` is the path of the offending field ("" for the whole document).
  flag_error(kind code, std::string field, std::string problem);

  kind code() const noexcept { return code_; }

  /// The path of the offending field, e.g. "experiments[0].arms[1].weight".
  const std::string& field() const noexcept { return field_; }

  /// What is wrong, without the field.
  const std::string& problem() const noexcept { return problem_; }

  /// The same error for a document nested under `parent` ("toggles[2]").
  flag_error nested_in(std::string_view parent) const;

 private:
  kind code_;
  std::string field_;
  std::string problem_;
};

/// Shorthand for the most common failure: `field` holds a bad value.
[[noreturn]] void throw_invalid(std::string field, std::string problem);

}  // namespace griddle::flags
