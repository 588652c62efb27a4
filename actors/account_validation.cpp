#include "actors/account_validation.hpp"

#include <algorithm>

#include "actors/utf8_text.hpp"
#include "runtime/errc.hpp"

namespace griddle::actors {

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/// Characters RFC 5322 allows unquoted in a local part (besides '.').
bool is_local_char(char c) {
  static constexpr std::string_view specials = "!#$%&'*+/=?^_`{|}~-";
  return is_lower_alnum(c) || specials.find(c) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  return std::all_of(local.begin(), local.end(),
                     [](char c) { return c == '.' || is_local_char(c); });
}

bool valid_domain(std::string_view domain) {
  size_t labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    auto end = std::min(domain.find('.', start), domain.size());
    auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(),
                     [](char c) { return is_lower_alnum(c) || c == '-'; }))
      return false;
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

/// Printable UTF-8 of `min..max` code points; `multiline` admits '\n' and '\t'.
caf::error check_text(const char* field, std::string_view text, size_t min, size_t max,
                      bool multiline) {
  auto code_points = utf8_code_points(text);
  if (!code_points)
    return make_validation_error(field, "is not valid UTF-8");
  auto length = *code_points;
  if (min > 0 && (length < min || std::all_of(text.begin(), text.end(), is_ascii_space)))
    return make_validation_error(field, "is required");
  if (length > max)
    return make_validation_error(field, "must be at most " + std::to_string(max) + " characters");
  for (auto c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 || u == 0x7f) && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
      return make_validation_error(field, "contains control characters");
  }
  return caf::none;
}

}  // namespace

std::string normalize_email(std::string_view address) {
  std::string result{trim_whitespace(address)};
  for (auto& c : result)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return result;
}

int32_t year_of(int64_t ms) {
  // Days since 1970-01-01 to a civil year (H. Hinnant's civil_from_days).
  auto days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  auto z = days + 719'468;
  auto era = (z >= 0 ? z : z - 146'096) / 146'097;
  auto doe = z - era * 146'097;
  auto yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int32_t>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

caf::error validate_email(std::string_view normalized) {
  if (normalized.empty())
    return make_validation_error("email", "is required");
  if (normalized.size() > max_email_length)
    return make_validation_error("email", "is too long");
  auto at = normalized.find('@');
  if (at == std::string_view::npos || normalized.find('@', at + 1) != std::string_view::npos ||
      !valid_local_part(normalized.substr(0, at)) || !valid_domain(normalized.substr(at + 1)))
    return make_validation_error("email", "is not an email address");
  return caf::none;
}

caf::error validate_password(std::string_view password) {
  auto code_points = utf8_code_points(password);
  if (!code_points)
    return make_validation_error("password", "is not valid UTF-8");
  auto length = *code_points;
  if (length < min_password_length || length > max_password_length)
    return make_validation_error("password", "must be " + std::to_string(min_password_length) +
                                                 " to " + std::to_string(max_password_length) +
                                                 " characters");
  return caf::none;
}

caf::error validate_name(std::string_view name) {
  return check_text("name", name, 1, max_name_length, false);
}

caf::error validate_birth_year(int32_t birth_year, int64_t now_ms) {
  auto year = year_of(now_ms);
  auto earliest = year - max_age_years;
  auto latest = year - min_age_years;
  if (birth_year < earliest || birth_year > latest)
    return make_validation_error("birth_year", "must be between " + std::to_string(earliest) +
                                                   " and " + std::to_string(latest));
  return caf::none;
}

caf::error validate_city(std::string_view city) {
  return check_text("city", city, 1, max_city_length, false);
}

caf::error validate_bio(std::string_view bio) {
  return check_text("bio", bio, 0, max_bio_length, true);
}

caf::error validate_looking_for(std::string_view looking_for) {
  if (looking_for != "men" && looking_for != "women" && looking_for != "everyone")
    return make_validation_error("looking_for", "must be men, women or everyone");
  return caf::none;
}

caf::error validate_photo_url(std::string_view url) {
  auto scheme_ok = url.compare(0, 8, "https://") == 0 || url.compare(0, 7, "http://") == 0;
  if (!scheme_ok || url.size() > max_url_length || !utf8_code_points(url) ||
      std::any_of(url.begin(), url.end(),
                  [](char c) { return is_ascii_space(c) || static_cast<unsigned char>(c) < 0x20; }))
    return make_validation_error(
        "url", "must be an http(s) URL of at most " + std::to_string(max_url_length) + " bytes");
  return caf::none;
}

caf::error validate_registration(const registration& x, int64_t now_ms) {
  if (auto err = validate_email(normalize_email(x.email)))
    return err;
  if (auto err = validate_password(x.password))
    return err;
  if (auto err = validate_name(x.name))
    return err;
  if (auto err = validate_birth_year(x.birth_year, now_ms))
    return err;
  if (auto err = validate_city(x.city))
    return err;
  if (auto err = validate_bio(x.bio))
    return err;
  return validate_looking_for(x.looking_for);
}

caf::error validate_profile_update(const profile_update& x, int64_t now_ms) {
  if (x.name)
    if (auto err = validate_name(*x.name))
      return err;
  if (x.birth_year)
    if (auto err = validate_birth_year(*x.birth_year, now_ms))
      return err;
  if (x.city)
    if (auto err = validate_city(*x.city))
      return err;
  if (x.bio)
    if (auto err = validate_bio(*x.bio))
      return err;
  if (x.looking_for)
    return validate_looking_for(*x.looking_for);
  return caf::none;
}

}  // namespace griddle::actors
