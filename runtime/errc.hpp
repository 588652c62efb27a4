// Griddle's error codes. Inside the runtime every failure travels as a
// `caf::error` in the `griddle` category; the gateway maps them to HTTP once.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace griddle {

/// Error codes of the `griddle` error category.
enum class errc : uint8_t {
  none = 0,
  /// The entity threw or failed while handling the request.
  entity_crashed,
  /// Loading the entity's state failed, so it could not be activated.
  activation_failed,
  /// No entity type with the requested name is registered.
  unknown_entity_type,
  /// A supervisor saw more restarts than its intensity allows and gave up.
  restart_intensity_exceeded,
  /// The state store failed to read or write.
  store_failure,
  /// The node is shutting down and accepts no new work.
  shutting_down,
  /// A request carried an argument the receiver cannot accept.
  invalid_argument,
  /// The requested object does not exist.
  not_found,
  /// The request conflicts with the current state.
  conflict,
  /// A command field failed validation; the context names the field first.
  validation_failed,
  /// The caller may not do this (e.g. message a user who blocked them).
  forbidden,
  /// The caller is not logged in, or the credentials are wrong.
  unauthenticated,
  /// A ghost's request to another entity: captured, never delivered.
  sandboxed,
};

/// The atom naming Griddle's error category.
constexpr caf::atom_value errc_category = caf::atom("griddle");

/// Returns the enumerator's name, e.g. "entity_crashed".
const char* to_string(errc x);

inline caf::error make_error(errc x) {
  return caf::error{static_cast<uint8_t>(x), errc_category};
}

inline caf::error make_error(errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), errc_category, caf::make_message(std::move(context))};
}

/// A validation failure naming the offending field and why; the context
/// message holds the two strings in that order.
inline caf::error make_validation_error(std::string field, std::string reason) {
  return caf::error{static_cast<uint8_t>(errc::validation_failed), errc_category,
                    caf::make_message(std::move(field), std::move(reason))};
}

/// True when `err` is the Griddle error `x`.
inline bool is(const caf::error& err, errc x) {
  return err && err.category() == errc_category && err.code() == static_cast<uint8_t>(x);
}

}  // namespace griddle
