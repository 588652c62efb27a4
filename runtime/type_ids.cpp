#include "runtime/type_ids.hpp"

#include "runtime/errc.hpp"

namespace griddle {

void add_runtime_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::griddle_runtime>();
  cfg.add_error_category(errc_category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string result = "griddle::";
    result += to_string(static_cast<errc>(code));
    if (ctx.match_elements<std::string>()) {
      result += ": ";
      result += ctx.get_as<std::string>(0);
    } else if (!ctx.empty()) {
      result += ": ";
      result += to_string(ctx);
    }
    return result;
  });
}

}  // namespace griddle
