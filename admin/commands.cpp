// The command table: each command's words, usage line, options and parser.
#include "admin/commands.hpp"

#include <sstream>
#include <string>

#include "admin/detail/command_parsers.hpp"
#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

using parser = command (*)(const argument_list&);

struct command_entry {
  /// The command's name: one word ("flags") or a group and a verb.
  const char* group;
  const char* verb;
  const char* usage;
  const char* summary;
  std::vector<std::string> valued;
  std::vector<std::string> switches;
  parser parse;
  /// Read-only: `watch` may repeat it.
  bool watchable = false;
};

const std::vector<command_entry>& command_table() {
  using namespace detail;
  static const std::vector<command_entry> table{
      {"rollout",
       "status",
       "rollout status [TYPE]",
       "show one rollout, or all",
       {},
       {},
       parse_rollout_status,
       true},
      {"rollout",
       "ghost",
       "rollout ghost TYPE VERSION [--mirror PERCENT] [--no-noise-floor]",
       "start a ghost of VERSION beside the stable version",
       {"--mirror"},
       {"--no-noise-floor"},
       parse_rollout_ghost},
      {"rollout",
       "ramp",
       "rollout ramp TYPE PERCENT",
       "send PERCENT of keys to the candidate",
       {},
       {},
       parse_rollout_ramp},
      {"rollout",
       "schedule",
       "rollout schedule TYPE STEP,STEP,... [--hold SECONDS] [--promote-at-end]",
       "ramp through the steps (percent), holding each",
       {"--hold"},
       {"--promote-at-end"},
       parse_rollout_schedule},
      {"rollout",
       "promote",
       "rollout promote TYPE",
       "make the candidate the stable version",
       {},
       {},
       parse_rollout_promote},
      {"rollout",
       "rollback",
       "rollout rollback TYPE [REASON...]",
       "end the rollout, keep stable",
       {},
       {},
       parse_rollout_rollback},
      {"rollout",
       "guard",
       "rollout guard TYPE [--on|--off] [--max-mismatch-rate X] [--max-error-rate-increase X] "
       "[--max-p99-ratio X] [--p99-slack-ms X] [--min-samples N] [--window S]",
       "change the bounds that roll back by themselves (rates: 0.01 or 1%)",
       {"--max-mismatch-rate", "--max-error-rate-increase", "--max-p99-ratio", "--p99-slack-ms",
        "--min-samples", "--window"},
       {"--on", "--off"},
       parse_rollout_guard},
      {"rollout",
       "mismatches",
       "rollout mismatches TYPE [--limit N]",
       "show the newest ghost mismatch samples",
       {"--limit"},
       {},
       parse_rollout_mismatches},
      {"rollout",
       "watch",
       "rollout watch TYPE [--interval S] [--count N]",
       "show the status every S seconds (default 1), N times (default: until interrupted)",
       {"--interval", "--count"},
       {},
       parse_rollout_watch},
      {"toggle", "list", "toggle list", "show the feature toggles", {}, {}, parse_toggle_list},
      {"toggle",
       "set",
       "toggle set NAME [--on|--off] [--percent P] [--users ID,ID] [--cities A,B] "
       "[--age MIN-MAX]",
       "create or replace a toggle (on unless --off); rule flags form one rule",
       {"--percent", "--users", "--cities", "--age"},
       {"--on", "--off"},
       parse_toggle_set},
      {"toggle", "delete", "toggle delete NAME", "delete a toggle", {}, {}, parse_toggle_delete},
      {"experiment",
       "list",
       "experiment list",
       "show the experiments",
       {},
       {},
       parse_experiment_list},
      {"experiment",
       "set",
       "experiment set NAME ARM=WEIGHT... [--on|--off] [--reshuffle]",
       "create an experiment or change its weights (on unless --off)",
       {},
       {"--on", "--off", "--reshuffle"},
       parse_experiment_set},
      {"experiment",
       "delete",
       "experiment delete NAME",
       "delete an experiment",
       {},
       {},
       parse_experiment_delete},
      {"experiment",
       "results",
       "experiment results NAME",
       "show each arm's traffic",
       {},
       {},
       parse_experiment_results},
      {"flags", "", "flags", "show toggles and experiments", {}, {}, parse_flags},
      {"nodes", "", "nodes", "show the nodes and their load", {}, {}, parse_nodes, true},
      {"types",
       "",
       "types",
       "show the entity types: versions, rollout phase, activity",
       {},
       {},
       parse_types,
       true},
      {"actors",
       "",
       "actors TYPE [--top mailbox|latency|messages] [--limit N]",
       "show a type's busiest active actors (default: the top 20 by messages)",
       {"--top", "--limit"},
       {},
       parse_actors,
       true},
      {"inspect",
       "",
       "inspect TYPE KEY [--activate]",
       "show one actor: state, mailbox, last messages (--activate loads it)",
       {},
       {"--activate"},
       parse_inspect,
       true},
      {"trace",
       "",
       "trace TYPE KEY [--count N] [--seconds S]",
       "show an actor's next N messages (default 20, at most 1000), waiting at most S "
       "seconds (default 10, at most 60)",
       {"--count", "--seconds"},
       {},
       parse_trace},
      {"passivate",
       "",
       "passivate TYPE KEY",
       "stop an active actor; the next message activates it again",
       {},
       {},
       parse_passivate},
      {"supervisors",
       "",
       "supervisors",
       "show the supervision tree with restart counts",
       {},
       {},
       parse_supervisors,
       true},
      {"metrics",
       "",
       "metrics [PATTERN]",
       "show the metrics whose names match PATTERN, one line per sample",
       {},
       {},
       parse_metrics,
       true},
      {"watch",
       "",
       "watch COMMAND... [--interval S] [--count N]",
       "repeat a read-only command (nodes, types, actors, inspect, metrics, supervisors, "
       "rollout status) every S seconds (default 1), N times (default: until interrupted)",
       {"--interval", "--count"},
       {},
       nullptr},
      {"help", "", "help", "show this list", {}, {}, nullptr},
  };
  return table;
}

std::string verbs_of(const std::string& group) {
  std::string verbs;
  for (const auto& entry : command_table())
    if (group == entry.group)
      verbs += (verbs.empty() ? "" : ", ") + std::string{entry.verb};
  return verbs;
}

/// The table entry `words` name; throws usage_error for none.
const command_entry& entry_of(const std::vector<std::string>& words) {
  if (words.empty())
    throw usage_error("no command given; 'help' lists them");
  const auto& group = words[0];
  bool known_group = false;
  for (const auto& entry : command_table()) {
    if (group != entry.group)
      continue;
    known_group = true;
    if (*entry.verb == '\0' || (words.size() >= 2 && words[1] == entry.verb))
      return entry;
  }
  if (!known_group)
    throw usage_error("unknown command '" + group + "'; 'help' lists them");
  if (words.size() < 2)
    throw usage_error(group + " needs one of: " + verbs_of(group));
  throw usage_error("unknown command '" + group + " " + words[1] + "'; " + group +
                    " takes one of: " + verbs_of(group));
}

std::string name_of(const command_entry& entry) {
  return *entry.verb == '\0' ? entry.group : std::string{entry.group} + " " + entry.verb;
}

bool is_option(const std::string& word, const char* name) {
  auto length = std::char_traits<char>::length(name);
  return word.compare(0, length, name) == 0 && (word.size() == length || word[length] == '=');
}

/// `watch [--interval S] [--count N] COMMAND...`: the options may stand
/// anywhere before a `--`, since no watchable command has options so named.
command parse_watch(const command_entry& entry, const std::vector<std::string>& words) {
  std::vector<std::string> own;
  std::vector<std::string> inner;
  bool verbatim = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const auto& word = words[i];
    verbatim = verbatim || word == "--";
    if (verbatim || !(is_option(word, "--interval") || is_option(word, "--count"))) {
      inner.push_back(word);
      continue;
    }
    own.push_back(word);
    if (word.find('=') == std::string::npos && i + 1 < words.size())
      own.push_back(words[++i]);
  }
  argument_list args{own, entry.valued, entry.switches, entry.usage};
  if (inner.empty())
    args.fail("missing COMMAND");
  watch_plan plan;
  if (auto text = args.value("--interval"))
    plan.interval_s = args.number(*text, "--interval SECONDS", 0.01, 86'400);
  if (auto text = args.value("--count"))
    plan.count = args.integer(*text, "--count", 1, 1'000'000'000);
  const auto& watched = entry_of(inner);
  if (!watched.watchable)
    args.fail("cannot watch '" + name_of(watched) +
              "': only nodes, types, actors, inspect, metrics, supervisors and rollout status");
  auto cmd = parse_command(inner);
  cmd.watch = plan;
  return cmd;
}

}  // namespace

command parse_command(const std::vector<std::string>& words) {
  const auto& entry = entry_of(words);
  if (std::string{entry.group} == "watch")
    return parse_watch(entry, words);
  auto first = words.begin() + (*entry.verb == '\0' ? 1 : 2);
  argument_list args{{first, words.end()}, entry.valued, entry.switches, entry.usage};
  if (entry.parse == nullptr) {
    args.at_most(0);
    command help;
    help.help = true;
    return help;
  }
  return entry.parse(args);
}

std::string command_list() {
  size_t width = 0;
  for (const auto& entry : command_table())
    width = std::max(width, std::string{entry.usage}.size());
  width = std::min<size_t>(width, 48);
  std::ostringstream out;
  for (const auto& entry : command_table()) {
    std::string usage = entry.usage;
    out << "  " << usage;
    if (usage.size() > width)
      out << "\n      " << entry.summary << '\n';
    else
      out << std::string(width - usage.size(), ' ') << "  " << entry.summary << '\n';
  }
  return out.str();
}

command_shape shape_of_usage(const std::string& usage, size_t name_words) {
  std::vector<std::string> tokens;
  std::istringstream in{usage};
  for (std::string token; in >> token;)
    tokens.push_back(token);
  command_shape shape;
  if (!tokens.empty())
    shape.group = tokens[0];
  if (name_words > 1 && tokens.size() > 1)
    shape.verb = tokens[1];
  auto choices = [](const std::string& text) {
    std::vector<std::string> result;
    std::istringstream items{text};
    for (std::string item; std::getline(items, item, '|');)
      result.push_back(item);
    return result;
  };
  for (size_t i = name_words; i < tokens.size(); ++i) {
    auto token = tokens[i];
    bool optional = token.front() == '[';
    if (optional)
      token.erase(0, 1);
    if (token.compare(0, 2, "--") == 0) {
      // "[--name VALUE]" or "[--on|--off]"
      if (token.back() == ']' || !optional || i + 1 >= tokens.size()) {
        for (auto name : choices(token.back() == ']' ? token.substr(0, token.size() - 1) : token))
          shape.switches.push_back(name);
        continue;
      }
      auto value = tokens[++i];
      if (value.back() == ']')
        value.pop_back();
      bool listed = value.find('|') != std::string::npos &&
                    value.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
      shape.valued[token] = listed ? choices(value) : std::vector<std::string>{};
      continue;
    }
    if (token.back() == ']')
      token.pop_back();
    auto dots = token.size() >= 3 ? token.compare(token.size() - 3, 3, "...") == 0 : false;
    if (dots && token.find(',') == std::string::npos) {
      token.erase(token.size() - 3);
      shape.repeats_last = true;
    }
    shape.positionals.push_back(token);
  }
  return shape;
}

const std::vector<command_shape>& command_shapes() {
  static const std::vector<command_shape> shapes = [] {
    std::vector<command_shape> result;
    for (const auto& entry : command_table()) {
      auto shape = shape_of_usage(entry.usage, *entry.verb == '\0' ? 1 : 2);
      // The table is the authority on options; the usage adds listed values.
      auto listed = std::move(shape.valued);
      shape.valued.clear();
      for (const auto& name : entry.valued)
        shape.valued[name] = listed.count(name) != 0 ? listed[name] : std::vector<std::string>{};
      shape.switches = entry.switches;
      shape.watchable = entry.watchable;
      result.push_back(std::move(shape));
    }
    return result;
  }();
  return shapes;
}

}  // namespace griddle::admin
