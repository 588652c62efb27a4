// The dispatch over views, and the shared pieces of detail/render_parts.hpp.
#include "admin/render.hpp"

#include <cmath>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "admin/detail/render_parts.hpp"

namespace griddle::admin {

namespace detail {

double number(const nlohmann::json& doc, const char* key) {
  if (!doc.is_object())
    return 0;
  auto i = doc.find(key);
  return i != doc.end() && i->is_number() ? i->get<double>() : 0;
}

std::string text(const nlohmann::json& doc, const char* key) {
  if (!doc.is_object())
    return {};
  auto i = doc.find(key);
  if (i == doc.end() || i->is_null())
    return {};
  return i->is_string() ? i->get<std::string>() : i->dump();
}

const nlohmann::json& child(const nlohmann::json& doc, const char* key) {
  static const nlohmann::json none;
  if (!doc.is_object())
    return none;
  auto i = doc.find(key);
  return i != doc.end() && (i->is_object() || i->is_array()) ? *i : none;
}

std::string fixed(double x, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << x;
  return out.str();
}

std::string figure(double x) {
  auto result = fixed(x, 2);
  while (result.back() == '0')
    result.pop_back();
  if (result.back() == '.')
    result.pop_back();
  return result;
}

std::string share(double percent) {
  return figure(percent) + "%";
}

std::string rate(double fraction) {
  return fixed(fraction * 100, 2) + "%";
}

std::string duration(double seconds) {
  if (!(seconds >= 0))
    return "-";
  if (seconds < 60)
    return figure(seconds < 10 ? seconds : std::round(seconds * 10) / 10) + "s";
  auto whole = static_cast<int64_t>(seconds);
  auto two = [](int64_t x) { return (x < 10 ? "0" : "") + std::to_string(x); };
  if (whole < 3600)
    return std::to_string(whole / 60) + "m " + two(whole % 60) + "s";
  if (whole < 86'400)
    return std::to_string(whole / 3600) + "h " + two(whole % 3600 / 60) + "m";
  return std::to_string(whole / 86'400) + "d " + two(whole % 86'400 / 3600) + "h";
}

std::string time_of_day(int64_t unix_ms) {
  auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  if (unix_ms < 0 || gmtime_r(&seconds, &parts) == nullptr)
    return std::to_string(unix_ms);
  std::ostringstream out;
  out << std::put_time(&parts, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
      << unix_ms % 1000;
  return out.str();
}

text_table::text_table(std::vector<std::string> header, std::vector<bool> right)
    : right_(std::move(right)) {
  right_.resize(header.size(), false);
  rows_.push_back(std::move(header));
}

void text_table::add(std::vector<std::string> row) {
  row.resize(right_.size());
  rows_.push_back(std::move(row));
}

void text_table::print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths(right_.size(), 0);
  for (const auto& row : rows_)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  for (const auto& row : rows_) {
    std::string line = indent;
    for (size_t c = 0; c < row.size(); ++c) {
      auto pad = std::string(widths[c] - row[c].size(), ' ');
      if (c > 0)
        line += "  ";
      line += right_[c] ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  }
}

}  // namespace detail

std::string format_utc(int64_t unix_ms) {
  auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  if (gmtime_r(&seconds, &parts) == nullptr)
    return std::to_string(unix_ms);
  std::ostringstream out;
  out << std::put_time(&parts, "%Y-%m-%d %H:%M:%S");
  return out.str();
}

void render(view shows, const nlohmann::json& doc, std::ostream& out) {
  using namespace detail;
  // Into a buffer first, so a document that trips a rendering midway comes
  // out whole as JSON instead of half rendered.
  std::ostringstream buffer;
  try {
    switch (shows) {
      case view::status:
        render_status(doc, buffer);
        break;
      case view::status_list:
        render_status_list(doc, buffer);
        break;
      case view::mismatches:
        render_mismatches(doc, buffer);
        break;
      case view::flags:
        render_flags(doc, true, true, buffer);
        break;
      case view::toggles:
        render_flags(doc, true, false, buffer);
        break;
      case view::experiments:
        render_flags(doc, false, true, buffer);
        break;
      case view::toggle:
        render_toggle(doc, buffer);
        break;
      case view::experiment:
        render_experiment(doc, buffer);
        break;
      case view::deleted:
        render_deleted(doc, buffer);
        break;
      case view::results:
        render_results(doc, buffer);
        break;
      case view::nodes:
        render_nodes(doc, buffer);
        break;
      case view::types:
        render_types(doc, buffer);
        break;
      case view::actors:
        render_actors(doc, buffer);
        break;
      case view::actor:
        render_actor(doc, buffer);
        break;
      case view::trace:
        render_trace(doc, buffer);
        break;
      case view::passivated:
        render_passivated(doc, buffer);
        break;
      case view::supervisors:
        render_supervisors(doc, buffer);
        break;
      case view::metrics:
        render_metrics(doc, buffer);
        break;
    }
  } catch (const nlohmann::json::exception&) {
    out << doc.dump(2) << '\n';
    return;
  }
  out << buffer.str();
}

}  // namespace griddle::admin
