// Validation of what members type into account commands: addresses,
// passwords and profile fields. Each check answers `none` or a
// `validation_failed` error naming the field (runtime/errc.hpp), so the
// gateway can point at it. Pure functions of their arguments (the current
// time is passed in), safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/error.hpp>

#include "actors/account_messages.hpp"

namespace griddle::actors {

// -- limits --------------------------------------------------------------------

constexpr size_t min_password_length = 8;
constexpr size_t max_password_length = 1024;
constexpr size_t max_name_length = 64;
constexpr size_t max_city_length = 64;
constexpr size_t max_bio_length = 2000;
constexpr size_t max_email_length = 254;
constexpr size_t max_url_length = 2048;
/// Members are between these ages (in calendar years) when they register.
constexpr int32_t min_age_years = 18;
constexpr int32_t max_age_years = 120;

// -- helpers -------------------------------------------------------------------

/// The key of an address's `email` entity: `address` without surrounding
/// white space, ASCII letters lower-cased.
std::string normalize_email(std::string_view address);

/// The UTC calendar year of Unix time `ms`.
int32_t year_of(int64_t ms);

// -- checks (each answers the first failure) -----------------------------------

/// A normalized address: ASCII `local@domain` with a dotted domain.
caf::error validate_email(std::string_view normalized);

/// 8 to 1024 characters of UTF-8.
caf::error validate_password(std::string_view password);

caf::error validate_name(std::string_view name);

/// Born `min_age_years` to `max_age_years` calendar years before `now_ms`.
caf::error validate_birth_year(int32_t birth_year, int64_t now_ms);

caf::error validate_city(std::string_view city);

caf::error validate_bio(std::string_view bio);

/// One of "men", "women", "everyone".
caf::error validate_looking_for(std::string_view looking_for);

/// An http(s) URL without white space, at most `max_url_length` bytes.
caf::error validate_photo_url(std::string_view url);

/// Every field of `x` (the address normalized first), in declaration order.
caf::error validate_registration(const registration& x, int64_t now_ms);

/// Every field `x` sets, in declaration order.
caf::error validate_profile_update(const profile_update& x, int64_t now_ms);

}  // namespace griddle::actors
