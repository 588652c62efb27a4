#include "gateway/route_table.hpp"

namespace griddle::gateway {

namespace {

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> result;
  size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos)
      next = path.size();
    result.emplace_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return result;
}

}  // namespace

void route_table::add(http::verb method, std::string pattern, route_handler handler) {
  auto segments = split(pattern);
  entries_.push_back({method, std::move(pattern), std::move(segments), std::move(handler)});
}

bool route_table::matches(const entry& e, std::string_view path, route_params& params) {
  if (path.empty() || path.front() != '/')
    return false;
  params.clear();
  size_t pos = 1;
  for (size_t i = 0; i < e.segments.size(); ++i) {
    if (pos > path.size())
      return false;
    auto next = path.find('/', pos);
    if (next == std::string_view::npos)
      next = path.size();
    auto seg = path.substr(pos, next - pos);
    auto& want = e.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (seg.empty())
        return false;
      params.push_back(seg);
    } else if (seg != want) {
      return false;
    }
    pos = next + 1;
  }
  return pos == path.size() + 1;
}

route_table::match route_table::find(http::verb method, std::string_view path) const {
  match result;
  route_params params;
  for (auto& e : entries_) {
    if (!matches(e, path, params))
      continue;
    if (e.method == method) {
      result.handler = &e.handler;
      result.route = e.pattern;
      result.params = std::move(params);
      result.allow.clear();
      return result;
    }
    result.route = e.pattern;
    if (!result.allow.empty())
      result.allow += ", ";
    auto name = http::to_string(e.method);
    result.allow.append(name.data(), name.size());
  }
  return result;
}

}  // namespace griddle::gateway
