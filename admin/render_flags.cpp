// Renderings of flag documents: TOGGLEs and EXPERIMENTs as tables, deletions
// and experiment results.
#include <map>

#include "admin/detail/render_parts.hpp"

namespace griddle::admin::detail {

namespace {

std::string joined(const nlohmann::json& list) {
  std::string result;
  for (const auto& item : list)
    result +=
        (result.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
  return result;
}

/// "users 42; cities Berlin, age 18-30": rules apart by ';', a rule's
/// conditions by ','.
std::string rules_text(const nlohmann::json& rules) {
  std::string result;
  for (const auto& rule : rules) {
    std::vector<std::string> parts;
    if (const auto& users = child(rule, "user_ids"); !users.is_null())
      parts.push_back("users " + joined(users));
    if (const auto& cities = child(rule, "cities"); !cities.is_null())
      parts.push_back("cities " + joined(cities));
    auto min = text(rule, "age_min");
    auto max = text(rule, "age_max");
    if (!min.empty() || !max.empty())
      parts.push_back("age " + min + "-" + max);
    std::string line;
    for (const auto& part : parts)
      line += (line.empty() ? "" : ", ") + part;
    result += (result.empty() ? "" : "; ") + line;
  }
  return result.empty() ? "-" : result;
}

std::string on_off(const nlohmann::json& doc) {
  auto i = doc.find("enabled");
  return i != doc.end() && i->is_boolean() && i->get<bool>() ? "on" : "off";
}

void toggle_table(const nlohmann::json& toggles, std::ostream& out) {
  text_table table{{"NAME", "STATE", "SHARE", "RULES"}, {false, false, true, false}};
  for (const auto& t : toggles)
    table.add({text(t, "name"), on_off(t), share(number(t, "percentage_bp") / 100),
               rules_text(child(t, "rules"))});
  table.print(out, "  ");
}

/// "control=1 (50%), ranked=1 (50%)": weights, and the share of buckets the
/// allocation gives each arm.
std::string arms_text(const nlohmann::json& experiment) {
  std::map<std::string, double> buckets;
  for (const auto& range : child(experiment, "allocation"))
    buckets[text(range, "arm")] += number(range, "to") - number(range, "from");
  std::string result;
  for (const auto& arm : child(experiment, "arms")) {
    auto name = text(arm, "name");
    result += (result.empty() ? "" : ", ") + name + "=" + figure(number(arm, "weight"));
    if (child(experiment, "allocation").is_array())
      result += " (" + share(buckets[name] / 100) + ")";
  }
  return result;
}

void experiment_table(const nlohmann::json& experiments, std::ostream& out) {
  text_table table{{"NAME", "STATE", "GENERATION", "ARMS"}, {false, false, true, false}};
  for (const auto& e : experiments)
    table.add({text(e, "name"), on_off(e), figure(number(e, "generation")), arms_text(e)});
  table.print(out, "  ");
}

}  // namespace

void render_flags(const nlohmann::json& doc, bool toggles, bool experiments, std::ostream& out) {
  if (toggles) {
    const auto& list = child(doc, "toggles");
    if (list.empty()) {
      out << "toggles: none\n";
    } else {
      out << "toggles:\n";
      toggle_table(list, out);
    }
  }
  if (experiments) {
    const auto& list = child(doc, "experiments");
    if (list.empty()) {
      out << "experiments: none\n";
    } else {
      out << "experiments:\n";
      experiment_table(list, out);
    }
  }
}

void render_toggle(const nlohmann::json& toggle, std::ostream& out) {
  toggle_table(nlohmann::json::array({toggle}), out);
}

void render_experiment(const nlohmann::json& experiment, std::ostream& out) {
  experiment_table(nlohmann::json::array({experiment}), out);
}

void render_deleted(const nlohmann::json& doc, std::ostream& out) {
  auto name = text(doc, "deleted");
  if (name.empty())
    out << doc.dump(2) << '\n';
  else
    out << "deleted " << name << '\n';
}

void render_results(const nlohmann::json& doc, std::ostream& out) {
  out << text(doc, "experiment") << ":\n";
  text_table table{{"ARM", "EXPOSURES", "REQUESTS", "ERRORS", "ERROR RATE", "P50 MS", "P99 MS"},
                   {false, true, true, true, true, true, true}};
  for (const auto& arm : child(doc, "arms")) {
    auto requests = number(arm, "requests");
    auto errors = number(arm, "errors");
    table.add({text(arm, "arm"), figure(number(arm, "exposures")), figure(requests), figure(errors),
               rate(requests > 0 ? errors / requests : 0), fixed(number(arm, "p50_ms"), 2),
               fixed(number(arm, "p99_ms"), 2)});
  }
  table.print(out, "  ");
}

}  // namespace griddle::admin::detail
