#include "runtime/errc.hpp"

namespace griddle {

const char* to_string(errc x) {
  switch (x) {
    case errc::none:
      return "none";
    case errc::entity_crashed:
      return "entity_crashed";
    case errc::activation_failed:
      return "activation_failed";
    case errc::unknown_entity_type:
      return "unknown_entity_type";
    case errc::restart_intensity_exceeded:
      return "restart_intensity_exceeded";
    case errc::store_failure:
      return "store_failure";
    case errc::shutting_down:
      return "shutting_down";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::validation_failed:
      return "validation_failed";
    case errc::forbidden:
      return "forbidden";
    case errc::unauthenticated:
      return "unauthenticated";
    case errc::sandboxed:
      return "sandboxed";
  }
  return "unknown";
}

}  // namespace griddle
