// The admin API's views of the node itself: nodes, entity types, active
// entities, inspection, bounded traces, passivation, the supervision tree and
// metrics (docs/operations.md, "Admin API"). Each answers from shared state
// (metrics, rollout table, supervision board) or by asking one entity host
// from the relay, never blocking the admin thread.
#include <algorithm>
#include <cmath>

#include <caf/event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api_error.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/rollout/rollout_state.hpp"
#include "runtime/supervision/supervision_board.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::gateway::admin {

namespace {

constexpr caf::timespan host_timeout = std::chrono::seconds(10);

/// Bounds of a trace: enough to see a pattern, small enough for production.
constexpr uint32_t max_trace_count = 1000;
constexpr double max_trace_seconds = 60;

uint64_t counter_value(const char* name, const std::string& type) {
  return metrics::registry::global().counter(name, {{"type", type}}).value();
}

int64_t gauge_value(const char* name, const std::string& type) {
  return metrics::registry::global().gauge(name, {{"type", type}}).value();
}

double per_second(uint64_t now, uint64_t before, double seconds) {
  return seconds > 0 && now >= before ? static_cast<double>(now - before) / seconds : 0;
}

double round3(double x) {
  return std::round(x * 1000) / 1000;
}

nlohmann::json tree_json(const supervision::supervisor_tree& t) {
  nlohmann::json children = nlohmann::json::array();
  for (size_t i = 0; i < t.self.children.size(); ++i) {
    auto& c = t.self.children[i];
    nlohmann::json child{{"name", c.name}, {"state", c.state}, {"restarts", c.restarts}};
    if (i < t.nested.size() && !t.nested[i].empty()) {
      auto sub = tree_json(t.nested[i][0]);
      child["strategy"] = sub["strategy"];
      child["phase"] = sub["phase"];
      child["children"] = sub["children"];
      child["child_restarts"] = sub["restarts"];
    } else {
      child["children"] = nlohmann::json::array();
    }
    children.push_back(std::move(child));
  }
  return {{"name", t.self.name},
          {"strategy", t.self.strategy},
          {"phase", t.self.phase},
          {"restarts", t.self.restarts},
          {"children", std::move(children)}};
}

/// Whether `name` matches `pattern`: a substring, or with '*' a glob.
bool name_matches(const std::string& name, const std::string& pattern) {
  if (pattern.empty())
    return true;
  if (pattern.find('*') == std::string::npos)
    return name.find(pattern) != std::string::npos;
  // Glob with '*' only, by dynamic programming over both strings.
  std::vector<bool> prev(pattern.size() + 1, false), cur(pattern.size() + 1, false);
  prev[0] = true;
  for (size_t j = 1; j <= pattern.size(); ++j)
    prev[j] = prev[j - 1] && pattern[j - 1] == '*';
  for (size_t i = 1; i <= name.size(); ++i) {
    cur[0] = false;
    for (size_t j = 1; j <= pattern.size(); ++j)
      cur[j] = pattern[j - 1] == '*' ? cur[j - 1] || prev[j]
                                     : prev[j - 1] && pattern[j - 1] == name[i - 1];
    std::swap(prev, cur);
  }
  return prev[pattern.size()];
}

/// Collects a trace's lines until `count` arrived or `limit` passed, then
/// answers the exchange and ends the entity's trace.
caf::behavior tracer(caf::event_based_actor* self, exchange_ptr ex, std::string type,
                     std::string key, uint32_t count, caf::timespan limit, caf::actor host) {
  auto lines = std::make_shared<nlohmann::json>(nlohmann::json::array());
  auto finish = [self, ex, type, key, lines, host](const char* why) {
    ex->respond_json(
        200, nlohmann::json{{"type", type}, {"key", key}, {"stopped", why}, {"messages", *lines}}
                 .dump());
    self->send(host, trace_atom_v, key, uint32_t{0}, caf::actor{});
    self->quit();
  };
  self->delayed_send(self, limit, stop_timeout_atom_v);
  return {
      [lines, count, finish](trace_atom, const std::string& line) {
        lines->push_back(nlohmann::json::parse(line, nullptr, false));
        if (lines->size() >= count)
          finish("count");
      },
      [finish](stop_timeout_atom) { finish("time"); },
  };
}

}  // namespace

void admin_api::add_node_routes() {
  using http::verb;
  routes_.add(verb::get, "/admin/v1/nodes",
              [this](const exchange_ptr& ex, const route_params&) { serve_nodes(ex); });
  routes_.add(verb::get, "/admin/v1/types",
              [this](const exchange_ptr& ex, const route_params&) { serve_types(ex); });
  routes_.add(verb::get, "/admin/v1/types/{type}/actors",
              [this](const exchange_ptr& ex, const route_params& p) {
                serve_actors(ex, std::string{p[0]});
              });
  routes_.add(verb::get, "/admin/v1/types/{type}/actors/{key}",
              [this](const exchange_ptr& ex, const route_params& p) {
                serve_inspect(ex, std::string{p[0]}, std::string{p[1]});
              });
  routes_.add(verb::post, "/admin/v1/types/{type}/actors/{key}/trace",
              [this](const exchange_ptr& ex, const route_params& p) {
                serve_trace(ex, std::string{p[0]}, std::string{p[1]});
              });
  routes_.add(verb::post, "/admin/v1/types/{type}/actors/{key}/passivate",
              [this](const exchange_ptr& ex, const route_params& p) {
                serve_passivate(ex, std::string{p[0]}, std::string{p[1]});
              });
  routes_.add(verb::get, "/admin/v1/supervisors",
              [this](const exchange_ptr& ex, const route_params&) { serve_supervisors(ex); });
  routes_.add(verb::get, "/admin/v1/metrics",
              [this](const exchange_ptr& ex, const route_params&) { serve_metrics_json(ex); });
}

void admin_api::in_relay(const exchange_ptr& ex, std::function<void(self_ptr)> job) {
  if (!relays_.run(0, std::move(job)))
    ex->fail(api_error::unavailable("the node is shutting down"));
}

caf::actor admin_api::host_of(const exchange_ptr& ex, const std::string& type) {
  auto host = router_.host(type);
  if (!host)
    ex->fail(api_error::not_found("no entity type '" + type + "' on this node"));
  return host;
}

void admin_api::serve_nodes(const exchange_ptr& ex) {
  int64_t active = 0;
  uint64_t requests = 0;
  for (auto& s : metrics::registry::global().collect()) {
    if (s.name == "griddle_entities_active")
      active += s.gauge_value;
    else if (s.name == "griddle_http_requests_total")
      requests += s.counter_value;
  }
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> guard{samples_mtx_};
    auto& [at, before] = requests_sample_;
    auto seconds = std::chrono::duration<double>(now - at).count();
    if (before != 0 && seconds >= 0.2)
      requests_per_s_ = per_second(requests, before, seconds);
    if (before == 0 || seconds >= 0.2)
      requests_sample_ = {now, requests};
  }
  auto uptime = std::chrono::duration<double>(std::chrono::system_clock::now() - info_.started);
  auto started_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(info_.started.time_since_epoch())
          .count();
  nlohmann::json node{{"id", info_.id.empty() ? router_.local_node() : info_.id},
                      {"address", info_.address ? info_.address() : std::string{}},
                      {"version", info_.version},
                      {"uptime_s", round3(uptime.count())},
                      {"started_at_ms", started_ms},
                      {"load",
                       {{"active_entities", active},
                        {"requests_per_s", round3(requests_per_s_)},
                        {"requests_total", requests},
                        {"scheduler_threads", info_.scheduler_threads}}}};
  ex->respond_json(200, nlohmann::json{{"nodes", {node}}}.dump());
}

void admin_api::serve_types(const exchange_ptr& ex) {
  auto list = nlohmann::json::array();
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> guard{samples_mtx_};
  for (auto* t : types_->all()) {
    auto versions = nlohmann::json::array({t->version});
    for (auto& v : t->versions)
      versions.push_back(v.name);
    auto st = router_.rollouts().state(t->name);
    auto activations = counter_value("griddle_entity_activations_total", t->name);
    auto passivations = counter_value("griddle_entity_passivations_total", t->name);
    auto restarts = counter_value("griddle_entity_restarts_total", t->name);
    auto& s = samples_[t->name];
    auto seconds = std::chrono::duration<double>(now - s.at).count();
    if (s.at != std::chrono::steady_clock::time_point{} && seconds >= 0.2) {
      s.activations_per_s = per_second(activations, s.activations, seconds);
      s.passivations_per_s = per_second(passivations, s.passivations, seconds);
      s.restarts_per_s = per_second(restarts, s.restarts, seconds);
    }
    if (s.at == std::chrono::steady_clock::time_point{} || seconds >= 0.2) {
      s.at = now;
      s.activations = activations;
      s.passivations = passivations;
      s.restarts = restarts;
    }
    nlohmann::json x{{"name", t->name},
                     {"versions", versions},
                     {"stable", st ? st->stable : t->version},
                     {"candidate", nullptr},
                     {"phase", st ? rollout::to_string(st->phase) : "none"},
                     {"active", gauge_value("griddle_entities_active", t->name)},
                     {"activations", activations},
                     {"passivations", passivations},
                     {"restarts", restarts},
                     {"activations_per_s", round3(s.activations_per_s)},
                     {"passivations_per_s", round3(s.passivations_per_s)},
                     {"restarts_per_s", round3(s.restarts_per_s)}};
    if (st && st->phase != rollout::phase::none)
      x["candidate"] = st->candidate;
    list.push_back(std::move(x));
  }
  ex->respond_json(200, nlohmann::json{{"types", list}}.dump());
}

void admin_api::serve_actors(const exchange_ptr& ex, const std::string& type) {
  std::string top = "messages";
  std::string limit_text;
  auto query = ex->query();
  api::query_value(query, "top", top);
  static const std::vector<std::string> tops{"messages", "mailbox", "latency", "idle"};
  if (std::find(tops.begin(), tops.end(), top) == tops.end()) {
    ex->fail(api_error::bad_request("top must be messages, mailbox, latency or idle", "top"));
    return;
  }
  uint32_t limit = 20;
  if (api::query_value(query, "limit", limit_text)) {
    char* end = nullptr;
    auto n = std::strtoul(limit_text.c_str(), &end, 10);
    if (limit_text.empty() || *end != '\0' || n < 1 || n > 10'000) {
      ex->fail(api_error::bad_request("limit must be 1 to 10000", "limit"));
      return;
    }
    limit = static_cast<uint32_t>(n);
  }
  auto host = host_of(ex, type);
  if (!host)
    return;
  in_relay(ex, [ex, host, top, limit](self_ptr self) {
    self->request(host, host_timeout, actors_atom_v, top, limit)
        .then([ex](std::string& json) { ex->respond_json(200, std::move(json)); },
              [ex](caf::error& err) { ex->fail(from_error(err)); });
  });
}

void admin_api::serve_inspect(const exchange_ptr& ex, const std::string& type,
                              const std::string& key) {
  std::string activate_text;
  api::query_value(ex->query(), "activate", activate_text);
  auto activate = activate_text == "true" || activate_text == "1";
  auto host = host_of(ex, type);
  if (!host)
    return;
  in_relay(ex, [ex, host, type, key, activate](self_ptr self) {
    auto answer = [ex, type, key](std::string& json, bool activated) {
      auto doc = nlohmann::json::parse(json, nullptr, false);
      if (!doc.is_object()) {
        ex->fail(api_error::internal("the entity's inspection is not JSON"));
        return;
      }
      nlohmann::json head{{"type", type}, {"key", key}};
      if (doc.contains("active")) {  // not active: {"active": false, "phase"}
        head.update(doc);
      } else {
        head["active"] = true;
        head["activated"] = activated;
        head.update(doc);
      }
      ex->respond_json(200, head.dump());
    };
    auto on_error = [ex](caf::error& err) { ex->fail(from_error(err)); };
    self->request(host, host_timeout, inspect_atom_v, key, false)
        .then(
            [self, host, key, activate, answer, on_error](std::string& json) {
              auto inactive = json.rfind("{\"active\":false", 0) == 0;
              if (!inactive || !activate) {
                answer(json, false);
                return;
              }
              self->request(host, host_timeout, inspect_atom_v, key, true)
                  .then([answer](std::string& again) { answer(again, true); }, on_error);
            },
            on_error);
  });
}

void admin_api::serve_trace(const exchange_ptr& ex, const std::string& type,
                            const std::string& key) {
  auto body = body_object(ex);
  if (!body)
    return;
  auto doc = nlohmann::json::parse(*body);
  uint32_t count = 20;
  double seconds = 10;
  if (doc.contains("count")) {
    auto& c = doc["count"];
    if (!c.is_number_integer() || c.get<int64_t>() < 1 || c.get<int64_t>() > max_trace_count) {
      ex->fail(api_error::bad_request("count must be an integer from 1 to 1000", "count"));
      return;
    }
    count = c.get<uint32_t>();
  }
  if (doc.contains("seconds")) {
    auto& s = doc["seconds"];
    if (!s.is_number() || s.get<double>() < 0.1 || s.get<double>() > max_trace_seconds) {
      ex->fail(api_error::bad_request("seconds must be from 0.1 to 60", "seconds"));
      return;
    }
    seconds = s.get<double>();
  }
  auto host = host_of(ex, type);
  if (!host)
    return;
  auto limit = std::chrono::duration_cast<caf::timespan>(std::chrono::duration<double>(seconds));
  in_relay(ex, [ex, host, type, key, count, limit](self_ptr self) {
    auto t = self->spawn(tracer, ex, type, key, count, limit, host);
    self->send(host, trace_atom_v, key, count, t);
  });
}

void admin_api::serve_passivate(const exchange_ptr& ex, const std::string& type,
                                const std::string& key) {
  auto host = host_of(ex, type);
  if (!host)
    return;
  in_relay(ex, [ex, host, type, key](self_ptr self) {
    self->request(host, host_timeout, passivate_atom_v, key)
        .then(
            [ex, type, key](bool done) {
              ex->respond_json(
                  200, nlohmann::json{{"type", type}, {"key", key}, {"passivated", done}}.dump());
            },
            [ex](caf::error& err) { ex->fail(from_error(err)); });
  });
}

void admin_api::serve_supervisors(const exchange_ptr& ex) {
  auto trees = supervision::supervision_board::global().trees();
  auto list = nlohmann::json::array();
  for (auto& t : trees)
    list.push_back(tree_json(t));
  nlohmann::json doc{{"trees", list}};
  doc["tree"] = list.empty() ? nlohmann::json(nullptr) : list[0];
  ex->respond_json(200, doc.dump());
}

void admin_api::serve_metrics_json(const exchange_ptr& ex) {
  std::string pattern;
  bool malformed = false;
  api::query_value(ex->query(), "pattern", pattern, &malformed);
  if (malformed) {
    ex->fail(api_error::bad_request("pattern has a malformed percent-escape", "pattern"));
    return;
  }
  auto list = nlohmann::json::array();
  for (auto& s : metrics::registry::global().collect()) {
    if (!name_matches(s.name, pattern))
      continue;
    auto labels = nlohmann::json::object();
    for (auto& [k, v] : s.labels)
      labels[k] = v;
    nlohmann::json x{{"name", s.name}, {"labels", labels}, {"kind", metrics::to_string(s.kind)}};
    switch (s.kind) {
      case metrics::metric_kind::counter:
        x["value"] = s.counter_value;
        break;
      case metrics::metric_kind::gauge:
        x["value"] = s.gauge_value;
        break;
      case metrics::metric_kind::histogram: {
        auto& h = s.histogram;
        x["count"] = h.count();
        // Histograms record nanoseconds.
        x["p50_ms"] = round3(static_cast<double>(h.value_at_percentile(50)) / 1e6);
        x["p99_ms"] = round3(static_cast<double>(h.value_at_percentile(99)) / 1e6);
        x["max_ms"] = round3(static_cast<double>(h.count() == 0 ? 0 : h.max()) / 1e6);
        break;
      }
    }
    list.push_back(std::move(x));
  }
  ex->respond_json(200, nlohmann::json{{"metrics", list}}.dump());
}

}  // namespace griddle::gateway::admin
