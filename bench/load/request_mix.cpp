#include "bench/load/request_mix.hpp"

#include <fstream>
#include <sstream>

#include "bench/seed/options.hpp"

namespace griddle::bench::load {

namespace {

constexpr const char* kind_names[request_kind_count] = {"feed",   "profile", "messages", "visitors",
                                                        "online", "send",    "like",     "healthz"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string kind_list() {
  std::string out;
  for (auto* name : kind_names)
    out += (out.empty() ? "" : ", ") + std::string{name};
  return out;
}

}  // namespace

const char* to_string(request_kind kind) noexcept {
  return kind_names[static_cast<size_t>(kind)];
}

std::optional<request_kind> parse_request_kind(std::string_view name) noexcept {
  for (size_t i = 0; i < request_kind_count; ++i)
    if (name == kind_names[i])
      return static_cast<request_kind>(i);
  return std::nullopt;
}

bool needs_session(request_kind kind) noexcept {
  return kind != request_kind::healthz;
}

bool is_write(request_kind kind) noexcept {
  return kind == request_kind::send || kind == request_kind::like;
}

bool names_other_user(request_kind kind) noexcept {
  switch (kind) {
    case request_kind::profile:
    case request_kind::messages:
    case request_kind::send:
    case request_kind::like:
      return true;
    default:
      return false;
  }
}

request_mix::request_mix() {
  weights_ = {70, 10, 10, 5, 5, 0, 0, 0};
  finish("default mix");
}

request_mix request_mix::parse_flags(std::string_view text) {
  request_mix mix;
  mix.weights_ = {};
  const std::string where = "--mix";
  size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    auto item = trim(text.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
    auto eq = item.find('=');
    if (eq == std::string_view::npos)
      throw usage_error(where + ": expected name=weight, got '" + std::string{item} + "'");
    mix.set(trim(item.substr(0, eq)), trim(item.substr(eq + 1)), where);
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  mix.finish(where);
  return mix;
}

request_mix request_mix::parse_file_text(std::string_view text, const std::string& origin) {
  request_mix mix;
  mix.weights_ = {};
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    auto line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);
    if (line.empty())
      continue;
    auto where = origin + ":" + std::to_string(line_no);
    auto gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos)
      throw usage_error(where + ": expected 'name weight', got '" + std::string{line} + "'");
    mix.set(line.substr(0, gap), trim(line.substr(gap)), where);
  }
  mix.finish(origin);
  return mix;
}

request_mix request_mix::read_file(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw usage_error("--mix-file: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_file_text(text.str(), path);
}

void request_mix::set(std::string_view name, std::string_view weight, const std::string& where) {
  auto kind = parse_request_kind(name);
  if (!kind)
    throw usage_error(where + ": unknown request kind '" + std::string{name} +
                      "' (known: " + kind_list() + ")");
  auto index = static_cast<size_t>(*kind);
  if (given_[index])
    throw usage_error(where + ": " + std::string{name} + " given twice");
  if (weight.empty() || weight.size() > 9 ||
      weight.find_first_not_of("0123456789") != std::string_view::npos)
    throw usage_error(where + ": the weight of " + std::string{name} +
                      " must be a whole number below 10^9, got '" + std::string{weight} + "'");
  given_[index] = true;
  weights_[index] = static_cast<uint32_t>(std::stoul(std::string{weight}));
}

void request_mix::finish(const std::string& where) {
  uint64_t sum = 0;
  for (size_t i = 0; i < request_kind_count; ++i)
    cumulative_[i] = sum += weights_[i];
  if (sum == 0)
    throw usage_error(where + ": the weights must not all be 0");
}

request_kind request_mix::pick(seeded_random& rng) const noexcept {
  auto r = rng.below(total());
  size_t i = 0;
  while (r >= cumulative_[i])
    ++i;
  return static_cast<request_kind>(i);
}

bool request_mix::needs_sessions() const noexcept {
  for (size_t i = 0; i < request_kind_count; ++i)
    if (weights_[i] > 0 && needs_session(static_cast<request_kind>(i)))
      return true;
  return false;
}

bool request_mix::needs_other_users() const noexcept {
  for (size_t i = 0; i < request_kind_count; ++i)
    if (weights_[i] > 0 && names_other_user(static_cast<request_kind>(i)))
      return true;
  return false;
}

std::string request_mix::to_string() const {
  std::string out;
  for (size_t i = 0; i < request_kind_count; ++i)
    if (weights_[i] > 0)
      out +=
          (out.empty() ? "" : ",") + std::string{kind_names[i]} + "=" + std::to_string(weights_[i]);
  return out;
}

}  // namespace griddle::bench::load
