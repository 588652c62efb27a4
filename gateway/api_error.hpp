// The one place where failures become HTTP: every error the gateway answers,
// whether the parser, the router, a decoder or an entity produced it, is an
// `api_error`, written as `{"error": {"code", "message", "field"?}}` with its
// status. `from_error` maps Griddle's and CAF's error codes.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace griddle::gateway {

struct api_error {
  unsigned status = 500;
  /// Stable, machine-readable: "validation_failed", "not_found", ...
  std::string code;
  /// For people; may change between releases.
  std::string message;
  /// The offending request field, when there is one.
  std::string field;

  /// The JSON body, one line.
  std::string body() const;

  // -- the catalogue --------------------------------------------------------

  static api_error bad_request(std::string message, std::string field = {});
  static api_error unauthenticated(std::string message = "sign in first");
  static api_error forbidden(std::string message);
  static api_error not_found(std::string message = "no such resource");
  static api_error method_not_allowed();
  static api_error conflict(std::string message);
  static api_error payload_too_large();
  static api_error uri_too_long();
  static api_error headers_too_large();
  static api_error validation(std::string field, std::string reason);
  static api_error rate_limited();
  static api_error unavailable(std::string message);
  static api_error timeout();
  static api_error internal(std::string message);
};

/// Maps an error from an entity or from CAF to what the client sees.
/// Griddle's codes map to 4xx by meaning (validation 422 with its field,
/// not_found 404, conflict 409, forbidden 403, unauthenticated 401,
/// invalid_argument 400, shutting_down 503); CAF's request time-out is 504;
/// anything else is 500 (failures inside) or 503 (an unreachable node).
api_error from_error(const caf::error& err);

}  // namespace griddle::gateway
