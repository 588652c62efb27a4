// Renderings of what a node says about itself: the nodes and their load, the
// entity types, the supervision tree and metric samples.
#include <string>

#include "admin/detail/render_parts.hpp"

namespace griddle::admin::detail {

namespace {

/// Deeper levels of the supervision tree are counted, not shown.
constexpr int max_tree_depth = 32;

std::string joined(const nlohmann::json& list) {
  std::string result;
  for (const auto& item : list)
    result +=
        (result.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
  return result.empty() ? "-" : result;
}

std::string or_dash(std::string text) {
  return text.empty() ? "-" : text;
}

/// "100 (1.5/s)": a running total and its current rate.
std::string total_and_rate(const nlohmann::json& type, const char* total, const char* per_s) {
  return figure(number(type, total)) + " (" + figure(number(type, per_s)) + "/s)";
}

void tree_lines(const nlohmann::json& node, int depth, std::ostream& out) {
  auto indent = std::string(2 + 2 * static_cast<size_t>(depth), ' ');
  auto restarts = number(node, "restarts");
  out << indent << or_dash(text(node, "name"));
  if (auto strategy = text(node, "strategy"); !strategy.empty())
    out << " (" << strategy << ")";
  out << ": " << figure(restarts) << (restarts == 1 ? " restart" : " restarts") << '\n';
  const auto& children = child(node, "children");
  if (!children.is_array() || children.empty())
    return;
  if (depth + 1 >= max_tree_depth) {
    out << indent << "  ... " << children.size() << " more below\n";
    return;
  }
  for (const auto& c : children)
    tree_lines(c, depth + 1, out);
}

/// `name{a="1",b="2"}`, as Prometheus writes a sample.
std::string sample_name(const nlohmann::json& sample) {
  auto result = text(sample, "name");
  const auto& labels = child(sample, "labels");
  if (!labels.is_object() || labels.empty())
    return result;
  result += '{';
  const char* separator = "";
  for (const auto& [label, value] : labels.items()) {
    result += separator + label + "=" +
              (value.is_string() ? nlohmann::json(value.get<std::string>()).dump() : value.dump());
    separator = ",";
  }
  return result + '}';
}

std::string sample_value(const nlohmann::json& sample) {
  if (text(sample, "kind") == "histogram")
    return "count " + figure(number(sample, "count")) + ", p50 " +
           fixed(number(sample, "p50_ms"), 2) + " ms, p99 " + fixed(number(sample, "p99_ms"), 2) +
           " ms, max " + fixed(number(sample, "max_ms"), 2) + " ms";
  return figure(number(sample, "value"));
}

}  // namespace

void render_nodes(const nlohmann::json& doc, std::ostream& out) {
  const auto& nodes = child(doc, "nodes");
  if (!nodes.is_array() || nodes.empty()) {
    out << "no nodes\n";
    return;
  }
  text_table table{{"NODE", "ADDRESS", "VERSION", "UPTIME", "ACTIVE", "REQUESTS/S", "THREADS"},
                   {false, false, false, true, true, true, true}};
  for (const auto& node : nodes) {
    const auto& load = child(node, "load");
    table.add({or_dash(text(node, "id")), or_dash(text(node, "address")),
               or_dash(text(node, "version")), duration(number(node, "uptime_s")),
               figure(number(load, "active_entities")), fixed(number(load, "requests_per_s"), 1),
               figure(number(load, "scheduler_threads"))});
  }
  table.print(out, "");
}

void render_types(const nlohmann::json& doc, std::ostream& out) {
  const auto& types = child(doc, "types");
  if (!types.is_array() || types.empty()) {
    out << "no entity types\n";
    return;
  }
  text_table table{{"TYPE", "VERSIONS", "STABLE", "CANDIDATE", "PHASE", "ACTIVE", "ACTIVATIONS",
                    "PASSIVATIONS", "RESTARTS"},
                   {false, false, false, false, false, true, true, true, true}};
  for (const auto& type : types)
    table.add({or_dash(text(type, "name")), joined(child(type, "versions")),
               or_dash(text(type, "stable")), or_dash(text(type, "candidate")),
               or_dash(text(type, "phase")), figure(number(type, "active")),
               total_and_rate(type, "activations", "activations_per_s"),
               total_and_rate(type, "passivations", "passivations_per_s"),
               total_and_rate(type, "restarts", "restarts_per_s")});
  table.print(out, "");
}

void render_supervisors(const nlohmann::json& doc, std::ostream& out) {
  const auto& tree = child(doc, "tree");
  if (!tree.is_object()) {
    out << doc.dump(2) << '\n';
    return;
  }
  out << "supervision tree:\n";
  tree_lines(tree, 0, out);
}

void render_metrics(const nlohmann::json& doc, std::ostream& out) {
  const auto& metrics = child(doc, "metrics");
  if (!metrics.is_array() || metrics.empty()) {
    out << "no metrics\n";
    return;
  }
  text_table table{{"METRIC", "KIND", "VALUE"}, {false, false, false}};
  for (const auto& sample : metrics)
    table.add({sample_name(sample), or_dash(text(sample, "kind")), sample_value(sample)});
  table.print(out, "");
}

}  // namespace griddle::admin::detail
