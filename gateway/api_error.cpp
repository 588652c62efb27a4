#include "gateway/api_error.hpp"

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "runtime/errc.hpp"

namespace griddle::gateway {

std::string api_error::body() const {
  nlohmann::json doc{{"code", code}, {"message", message}};
  if (!field.empty())
    doc["field"] = field;
  // Messages may quote client input: never let bad UTF-8 break the JSON.
  return nlohmann::json{{"error", std::move(doc)}}.dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace);
}

namespace {

api_error make(unsigned status, const char* code, std::string message, std::string field = {}) {
  return api_error{status, code, std::move(message), std::move(field)};
}

/// The first string of an error's context, if it has one.
std::string context_string(const caf::error& err, size_t index = 0) {
  auto& ctx = err.context();
  if (ctx.size() > index && ctx.match_element<std::string>(index))
    return ctx.get_as<std::string>(index);
  return {};
}

}  // namespace

api_error api_error::bad_request(std::string message, std::string field) {
  return make(400, "bad_request", std::move(message), std::move(field));
}
api_error api_error::unauthenticated(std::string message) {
  return make(401, "unauthenticated", std::move(message));
}
api_error api_error::forbidden(std::string message) {
  return make(403, "forbidden", std::move(message));
}
api_error api_error::not_found(std::string message) {
  return make(404, "not_found", std::move(message));
}
api_error api_error::method_not_allowed() {
  return make(405, "method_not_allowed", "this resource does not support the method");
}
api_error api_error::conflict(std::string message) {
  return make(409, "conflict", std::move(message));
}
api_error api_error::payload_too_large() {
  return make(413, "payload_too_large", "the request body is too large");
}
api_error api_error::uri_too_long() {
  return make(414, "uri_too_long", "the request target is too long");
}
api_error api_error::headers_too_large() {
  return make(431, "headers_too_large", "the request headers are too large");
}
api_error api_error::validation(std::string field, std::string reason) {
  return make(422, "validation_failed", std::move(reason), std::move(field));
}
api_error api_error::rate_limited() {
  return make(429, "rate_limited", "too many requests; slow down");
}
api_error api_error::unavailable(std::string message) {
  return make(503, "unavailable", std::move(message));
}
api_error api_error::timeout() {
  return make(504, "timeout", "the service did not answer in time");
}
api_error api_error::internal(std::string message) {
  return make(500, "internal", std::move(message));
}

api_error from_error(const caf::error& err) {
  if (err.category() == errc_category) {
    switch (static_cast<errc>(err.code())) {
      case errc::validation_failed:
        return api_error::validation(context_string(err, 0), context_string(err, 1));
      case errc::not_found:
        return api_error::not_found(context_string(err).empty() ? "not found"
                                                                : context_string(err));
      case errc::conflict:
        return api_error::conflict(context_string(err));
      case errc::forbidden:
        return api_error::forbidden(context_string(err));
      case errc::unauthenticated:
        return api_error::unauthenticated(context_string(err).empty() ? "sign in first"
                                                                      : context_string(err));
      case errc::invalid_argument:
        return api_error::bad_request(context_string(err));
      case errc::shutting_down:
        return api_error::unavailable("the service is shutting down");
      default:
        return api_error::internal(to_string(static_cast<errc>(err.code())));
    }
  }
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        return api_error::timeout();
      case caf::sec::request_receiver_down:
      case caf::sec::no_route_to_receiving_node:
      case caf::sec::cannot_forward_to_invalid_actor:
      case caf::sec::cannot_connect_to_node:
        return api_error::unavailable("the service is unreachable");
      default:
        break;
    }
  }
  return api_error::internal("unexpected failure");
}

}  // namespace griddle::gateway
