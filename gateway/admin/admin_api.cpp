#include "gateway/admin/admin_api.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gateway/admin/dashboard_assets.hpp"
#include "gateway/api_error.hpp"
#include "runtime/flags/flag_controller.hpp"
#include "runtime/metrics/prometheus.hpp"
#include "runtime/metrics/registry.hpp"
#include "runtime/rollout/rollout_controller.hpp"
#include "runtime/type_ids.hpp"

namespace griddle::gateway::admin {

namespace {

constexpr caf::timespan admin_timeout = std::chrono::seconds(10);

bool same_text(std::string_view x, std::string_view y) {
  // Constant time in the length of `y`, so a wrong token leaks nothing.
  unsigned char diff = x.size() == y.size() ? 0 : 1;
  for (size_t i = 0; i < y.size(); ++i)
    diff |= static_cast<unsigned char>((i < x.size() ? x[i] : 0) ^ y[i]);
  return diff == 0;
}

bool mutating(http::verb v) {
  return v == http::verb::post || v == http::verb::put || v == http::verb::delete_;
}

std::string label(const metrics::labels& ls, const char* name) {
  for (auto& [k, v] : ls)
    if (k == name)
      return v;
  return {};
}

}  // namespace

admin_api::admin_api(caf::actor_system& sys, entity::entity_router& router,
                     const entity::entity_type_registry* types, std::string token, node_info info,
                     std::string audit_log)
    : router_(router),
      types_(types),
      token_(std::move(token)),
      info_(std::move(info)),
      audit_path_(std::move(audit_log)),
      relays_(sys, 1) {
  add_routes();
  add_node_routes();
}

admin_api::~admin_api() {
  stop();
}

void admin_api::stop() {
  relays_.stop();
}

bool admin_api::authorized(const exchange_ptr& ex) const {
  auto header = ex->request()[http::field::authorization];
  std::string_view value{header.data(), header.size()};
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size())
    return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(scheme[i]))
      return false;
  return same_text(value.substr(scheme.size()), token_);
}

void admin_api::handle(const exchange_ptr& ex) {
  // The dashboard's files carry no data: its calls to /admin/v1 send the token.
  if (serve_dashboard(ex))
    return;
  if (ex->request().method() == http::verb::get && ex->path() == "/metrics") {
    // Prometheus scrapes with the same bearer token.
    if (!authorized(ex)) {
      ex->fail(api_error::unauthenticated("send Authorization: Bearer <admin token>"));
      return;
    }
    http_response res{http::status::ok, ex->request().version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metrics::to_prometheus(metrics::registry::global());
    ex->respond(std::move(res));
    return;
  }
  if (!authorized(ex)) {
    ex->fail(api_error::unauthenticated("send Authorization: Bearer <admin token>"));
    return;
  }
  auto found = routes_.find(ex->request().method(), ex->path());
  ex->set_route(found.route);
  if (found.handler == nullptr) {
    if (!found.allow.empty())
      ex->fail(api_error::method_not_allowed(), found.allow);
    else
      ex->fail(api_error::not_found("no admin route for " + std::string{ex->path()}));
    return;
  }
  if (mutating(ex->request().method()))
    audit(ex);
  (*found.handler)(ex, found.params);
}

void admin_api::audit(const exchange_ptr& ex) {
  // When, who, what: one JSON line per mutating request.
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char stamp[96];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms));
  auto op = ex->request()["X-Griddle-Operator"];
  std::string who{op.data(), std::min<size_t>(op.size(), 64)};
  std::ostringstream client;
  client << ex->client();
  auto& body = ex->request().body();
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  nlohmann::json line{{"at", stamp},
                      {"operator", who.empty() ? "unknown" : who},
                      {"client", client.str()},
                      {"method", std::string{ex->request().method_string()}},
                      {"target", std::string{ex->request().target()}}};
  if (!body.empty())
    line["body"] = parsed.is_discarded() ? nlohmann::json(body) : parsed;
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> guard{audit_mtx_};
  if (!audit_path_.empty()) {
    std::ofstream out{audit_path_, std::ios::app};
    out << text << '\n';
    if (!out)
      std::cerr << "griddle-node: admin: cannot append to the audit log " << audit_path_
                << std::endl;
  }
  std::cerr << "griddle-node: admin audit: " << text << std::endl;
}

std::optional<std::string> admin_api::body_object(const exchange_ptr& ex) {
  auto& body = ex->request().body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos)
    return std::string{"{}"};
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    ex->fail(api_error::bad_request("the body must be a JSON object", "body"));
    return std::nullopt;
  }
  return doc.dump();
}

void admin_api::ask(const exchange_ptr& ex, entity_ref ref, caf::atom_value atom, std::string op,
                    std::string args) {
  auto job = [this, ex, ref = std::move(ref), atom, op = std::move(op),
              args = std::move(args)](self_ptr self) {
    auto on_reply = [ex](std::string& reply) { ex->respond_json(200, std::move(reply)); };
    auto on_error = [ex](caf::error& err) { ex->fail(from_error(err)); };
    if (atom == rollout_atom::value)
      router_.request(self, ref, admin_timeout, rollout_atom_v, op, args).then(on_reply, on_error);
    else
      router_.request(self, ref, admin_timeout, flags_atom_v, op, args).then(on_reply, on_error);
  };
  if (!relays_.run(0, std::move(job)))
    ex->fail(api_error::unavailable("the node is shutting down"));
}

void admin_api::add_routes() {
  using http::verb;
  auto rollout_ref = [](std::string_view type) {
    return entity_ref{rollout::controller_type_name, std::string{type}};
  };
  routes_.add(verb::get, "/admin/v1/rollouts",
              [this](const exchange_ptr& ex, const route_params&) { list_rollouts(ex); });
  routes_.add(verb::get, "/admin/v1/rollouts/{type}",
              [this, rollout_ref](const exchange_ptr& ex, const route_params& p) {
                ask(ex, rollout_ref(p[0]), rollout_atom::value, "status", "");
              });
  routes_.add(verb::get, "/admin/v1/rollouts/{type}/mismatches",
              [this, rollout_ref](const exchange_ptr& ex, const route_params& p) {
                ask(ex, rollout_ref(p[0]), rollout_atom::value, "mismatches", "");
              });
  routes_.add(verb::post, "/admin/v1/rollouts/{type}/{op}",
              [this, rollout_ref](const exchange_ptr& ex, const route_params& p) {
                static const std::set<std::string_view> ops{"start",   "ramp",     "schedule",
                                                            "promote", "rollback", "guard"};
                if (ops.count(p[1]) == 0) {
                  ex->fail(api_error::not_found("no rollout operation '" + std::string{p[1]} +
                                                "' (start, ramp, schedule, promote, rollback, "
                                                "guard)"));
                  return;
                }
                if (auto body = body_object(ex))
                  ask(ex, rollout_ref(p[0]), rollout_atom::value, std::string{p[1]}, *body);
              });
  entity_ref flags_ref{flags::controller_type_name, flags::controller_key};
  routes_.add(verb::get, "/admin/v1/flags",
              [this, flags_ref](const exchange_ptr& ex, const route_params&) {
                ask(ex, flags_ref, flags_atom::value, "get", "");
              });
  auto put_named = [this, flags_ref](const char* op) {
    return [this, flags_ref, op](const exchange_ptr& ex, const route_params& p) {
      auto body = body_object(ex);
      if (!body)
        return;
      auto doc = nlohmann::json::parse(*body);
      auto name = std::string{p[0]};
      if (doc.contains("name") && doc["name"] != name) {
        ex->fail(api_error::bad_request("the body names another flag than the path", "name"));
        return;
      }
      doc["name"] = name;
      if (std::string_view{op} == "put_experiment" &&
          ex->query().find("reshuffle=true") != std::string_view::npos)
        doc["reshuffle"] = true;
      ask(ex, flags_ref, flags_atom::value, op, doc.dump());
    };
  };
  auto delete_named = [this, flags_ref](const char* op) {
    return [this, flags_ref, op](const exchange_ptr& ex, const route_params& p) {
      ask(ex, flags_ref, flags_atom::value, op, nlohmann::json{{"name", p[0]}}.dump());
    };
  };
  routes_.add(verb::put, "/admin/v1/toggles/{name}", put_named("put_toggle"));
  routes_.add(verb::delete_, "/admin/v1/toggles/{name}", delete_named("delete_toggle"));
  routes_.add(verb::put, "/admin/v1/experiments/{name}", put_named("put_experiment"));
  routes_.add(verb::delete_, "/admin/v1/experiments/{name}", delete_named("delete_experiment"));
  routes_.add(verb::get, "/admin/v1/experiments/{name}/results",
              [this](const exchange_ptr& ex, const route_params& p) {
                experiment_results(ex, std::string{p[0]});
              });
}

void admin_api::list_rollouts(const exchange_ptr& ex) {
  // One status per type with other versions, gathered in the relay.
  std::vector<std::string> types;
  for (auto* t : types_->all())
    if (!t->versions.empty())
      types.push_back(t->name);
  auto job = [this, ex, types](self_ptr self) {
    auto result = std::make_shared<nlohmann::json>(nlohmann::json::array());
    auto left = std::make_shared<size_t>(types.size());
    if (types.empty()) {
      ex->respond_json(200, nlohmann::json{{"rollouts", *result}}.dump());
      return;
    }
    for (auto& type : types)
      router_
          .request(self, entity_ref{rollout::controller_type_name, type}, admin_timeout,
                   rollout_atom_v, std::string{"status"}, std::string{})
          .then(
              [ex, result, left](std::string& reply) {
                result->push_back(nlohmann::json::parse(reply));
                if (--*left == 0)
                  ex->respond_json(200, nlohmann::json{{"rollouts", *result}}.dump());
              },
              [ex, left](caf::error& err) {
                if (*left != 0) {
                  *left = 0;
                  ex->fail(from_error(err));
                }
              });
  };
  if (!relays_.run(0, std::move(job)))
    ex->fail(api_error::unavailable("the node is shutting down"));
}

void admin_api::experiment_results(const exchange_ptr& ex, const std::string& name) {
  auto set = router_.flags().snapshot();
  auto* x = set->find_experiment(name);
  if (x == nullptr) {
    ex->fail(api_error::not_found("no experiment '" + name + "'"));
    return;
  }
  std::map<std::string, nlohmann::json> arms;
  for (auto& a : x->arms())
    arms[a.name] = {{"arm", a.name}, {"weight", a.weight}, {"exposures", 0}, {"requests", 0},
                    {"errors", 0},   {"p50_ms", 0.0},      {"p99_ms", 0.0}};
  for (auto& s : metrics::registry::global().collect()) {
    if (s.name.rfind("griddle_experiment_", 0) != 0 || label(s.labels, "experiment") != name)
      continue;
    auto i = arms.find(label(s.labels, "arm"));
    if (i == arms.end())
      continue;
    auto& doc = i->second;
    if (s.name == "griddle_experiment_exposures_total")
      doc["exposures"] = s.counter_value;
    else if (s.name == "griddle_experiment_requests_total")
      doc["requests"] = doc["requests"].get<uint64_t>() + s.counter_value;
    else if (s.name == "griddle_experiment_errors_total")
      doc["errors"] = s.counter_value;
    else if (s.name == "griddle_experiment_latency_ns") {
      doc["p50_ms"] = static_cast<double>(s.histogram.value_at_percentile(50)) / 1e6;
      doc["p99_ms"] = static_cast<double>(s.histogram.value_at_percentile(99)) / 1e6;
    }
  }
  auto list = nlohmann::json::array();
  for (auto& [arm, doc] : arms)
    list.push_back(doc);
  ex->respond_json(200, nlohmann::json{{"experiment", name}, {"arms", list}}.dump());
}

}  // namespace griddle::gateway::admin
