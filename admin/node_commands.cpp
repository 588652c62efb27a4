// The commands that look into a node: `nodes`, `types`, `actors`, `inspect`,
// `trace`, `passivate`, `supervisors` and `metrics`; requests to
// /admin/v1/nodes, /admin/v1/types, /admin/v1/supervisors and /admin/v1/metrics.
#include <chrono>

#include "admin/detail/command_parsers.hpp"

namespace griddle::admin::detail {

namespace {

const std::string types_path = "/admin/v1/types";

command get(std::string target, view shows) {
  command cmd;
  cmd.request = {"GET", std::move(target), std::nullopt};
  cmd.shows = shows;
  return cmd;
}

/// "/admin/v1/types/TYPE/actors/KEY" from the first two positionals.
std::string actor_path(const argument_list& args) {
  args.at_most(2);
  const auto& type = args.required(0, "TYPE");
  const auto& key = args.required(1, "KEY");
  return types_path + "/" + path_segment(type) + "/actors/" + path_segment(key);
}

/// How much longer than its bound a trace may take to answer: the server
/// answers when the bound is reached, and the network adds a little.
constexpr std::chrono::seconds trace_slack{10};

}  // namespace

command parse_nodes(const argument_list& args) {
  args.at_most(0);
  return get("/admin/v1/nodes", view::nodes);
}

command parse_types(const argument_list& args) {
  args.at_most(0);
  return get(types_path, view::types);
}

command parse_actors(const argument_list& args) {
  args.at_most(1);
  auto target = types_path + "/" + path_segment(args.required(0, "TYPE")) + "/actors";
  auto top = args.value("--top").value_or("messages");
  if (top != "mailbox" && top != "latency" && top != "messages")
    args.fail("bad --top '" + top + "': expected mailbox, latency or messages");
  uint64_t limit = 20;
  if (auto text = args.value("--limit"))
    limit = args.integer(*text, "--limit", 1, 1000);
  return get(target + "?top=" + top + "&limit=" + std::to_string(limit), view::actors);
}

command parse_inspect(const argument_list& args) {
  auto target = actor_path(args);
  if (args.has("--activate"))
    target += "?activate=true";
  return get(std::move(target), view::actor);
}

command parse_trace(const argument_list& args) {
  auto target = actor_path(args) + "/trace";
  uint64_t count = 20;
  if (auto text = args.value("--count"))
    count = args.integer(*text, "--count", 1, 1000);
  double seconds = 10;
  if (auto text = args.value("--seconds"))
    seconds = args.number(*text, "--seconds", 0.1, 60);
  command cmd;
  cmd.request = {"POST", std::move(target),
                 nlohmann::json{{"count", count}, {"seconds", json_number(seconds)}}};
  cmd.request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::duration<double>(seconds)) +
                        trace_slack;
  cmd.shows = view::trace;
  return cmd;
}

command parse_passivate(const argument_list& args) {
  command cmd;
  cmd.request = {"POST", actor_path(args) + "/passivate", nlohmann::json::object()};
  cmd.shows = view::passivated;
  return cmd;
}

command parse_supervisors(const argument_list& args) {
  args.at_most(0);
  return get("/admin/v1/supervisors", view::supervisors);
}

command parse_metrics(const argument_list& args) {
  args.at_most(1);
  std::string target = "/admin/v1/metrics";
  if (!args.positionals().empty())
    target += "?pattern=" + path_segment(args.positionals()[0]);
  return get(std::move(target), view::metrics);
}

}  // namespace griddle::admin::detail
