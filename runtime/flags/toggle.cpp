#include "runtime/flags/toggle.hpp"

#include "runtime/flags/bucketing.hpp"
#include "runtime/flags/flag_error.hpp"
#include "runtime/flags/names.hpp"

namespace griddle::flags {

bool is_on(const toggle& t, const user_attributes& user) {
  if (!t.enabled)
    return false;
  if (matches_any(t.rules, user))
    return true;
  if (t.percentage_bp >= bucket_count)
    return true;
  if (user.user_id.empty())
    return false;
  return in_share(experiment_bucket(t.name, user.user_id), t.percentage_bp);
}

void validate(const toggle& t) {
  check_name("name", t.name);
  if (t.percentage_bp > bucket_count)
    throw_invalid("percentage_bp", "must be between 0 and 10000 basis points, got " +
                                       std::to_string(t.percentage_bp));
  validate(t.rules, "rules");
}

}  // namespace griddle::flags
