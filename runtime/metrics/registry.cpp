#include "runtime/metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace griddle::metrics {

namespace {

bool is_name_char(char c, bool first, bool allow_colon) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (allow_colon && c == ':') || (!first && c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name, bool allow_colon) noexcept {
  if (name.empty())
    return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!is_name_char(name[i], i == 0, allow_colon))
      return false;
  return true;
}

/// Validates `name` and `l` and sorts `l` by label name.
void normalize(std::string_view name, labels& l) {
  if (!is_valid_name(name, true))
    throw std::invalid_argument("invalid metric name: '" + std::string{name} + "'");
  std::sort(l.begin(), l.end());
  for (size_t i = 0; i < l.size(); ++i) {
    if (!is_valid_name(l[i].first, false))
      throw std::invalid_argument("invalid label name '" + l[i].first + "' on metric " +
                                  std::string{name});
    if (i > 0 && l[i - 1].first == l[i].first)
      throw std::invalid_argument("label '" + l[i].first + "' given twice on metric " +
                                  std::string{name});
  }
}

template <class T>
constexpr metric_kind kind_of() noexcept {
  if constexpr (std::is_same_v<T, counter>)
    return metric_kind::counter;
  else if constexpr (std::is_same_v<T, gauge>)
    return metric_kind::gauge;
  else
    return metric_kind::histogram;
}

}  // namespace

const char* to_string(metric_kind x) noexcept {
  switch (x) {
    case metric_kind::counter:
      return "counter";
    case metric_kind::gauge:
      return "gauge";
    case metric_kind::histogram:
      return "histogram";
  }
  return "unknown";
}

registry& registry::global() {
  // Leaked on purpose: no destruction-order hazard at exit.
  static auto* instance = new registry;
  return *instance;
}

registry::registry() = default;

registry::~registry() = default;

counter& registry::counter(std::string_view name, labels l) {
  return get_or_create<metrics::counter>(name, std::move(l));
}

gauge& registry::gauge(std::string_view name, labels l) {
  return get_or_create<metrics::gauge>(name, std::move(l));
}

latency_histogram& registry::histogram(std::string_view name, labels l) {
  return get_or_create<latency_histogram>(name, std::move(l));
}

template <class T>
T& registry::get_or_create(std::string_view name, labels l) {
  normalize(name, l);
  key k{std::string{name}, std::move(l)};
  std::lock_guard<std::mutex> guard{mtx_};
  // The empty label set sorts first, so this finds the name's first metric.
  auto first = metrics_.lower_bound(key{k.first, {}});
  if (first != metrics_.end() && first->first.first == k.first &&
      !std::holds_alternative<std::unique_ptr<T>>(first->second))
    throw std::logic_error("metric " + k.first + " is not a " + to_string(kind_of<T>()));
  auto i = metrics_.find(k);
  if (i == metrics_.end())
    i = metrics_.emplace(std::move(k), std::make_unique<T>()).first;
  return *std::get<std::unique_ptr<T>>(i->second);
}

std::vector<metric_sample> registry::collect() const {
  std::vector<metric_sample> result;
  std::vector<const metric_ptr*> sources;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    result.reserve(metrics_.size());
    sources.reserve(metrics_.size());
    for (const auto& [k, ptr] : metrics_) {
      auto& sample = result.emplace_back();
      sample.name = k.first;
      sample.labels = k.second;
      sources.push_back(&ptr);
    }
  }
  // Map nodes and metrics are never removed, so the pointers stay valid.
  for (size_t i = 0; i < result.size(); ++i) {
    auto& sample = result[i];
    if (auto* c = std::get_if<std::unique_ptr<metrics::counter>>(sources[i])) {
      sample.kind = metric_kind::counter;
      sample.counter_value = (*c)->value();
    } else if (auto* g = std::get_if<std::unique_ptr<metrics::gauge>>(sources[i])) {
      sample.kind = metric_kind::gauge;
      sample.gauge_value = (*g)->value();
    } else {
      sample.kind = metric_kind::histogram;
      sample.histogram = std::get<std::unique_ptr<latency_histogram>>(*sources[i])->snapshot();
    }
  }
  return result;
}

}  // namespace griddle::metrics
