// The command table: each command's words, usage line, options and parser.
#include "admin/commands.hpp"

#include <sstream>

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
       parse_rollout_status},
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

}  // namespace

command parse_command(const std::vector<std::string>& words) {
  if (words.empty())
    throw usage_error("no command given; 'help' lists them");
  const auto& group = words[0];
  bool known_group = false;
  for (const auto& entry : command_table()) {
    if (group != entry.group)
      continue;
    known_group = true;
    bool single = *entry.verb == '\0';
    if (!single && (words.size() < 2 || words[1] != entry.verb))
      continue;
    auto first = words.begin() + (single ? 1 : 2);
    argument_list args{{first, words.end()}, entry.valued, entry.switches, entry.usage};
    if (entry.parse == nullptr) {
      args.at_most(0);
      command help;
      help.help = true;
      return help;
    }
    return entry.parse(args);
  }
  if (!known_group)
    throw usage_error("unknown command '" + group + "'; 'help' lists them");
  if (words.size() < 2)
    throw usage_error(group + " needs one of: " + verbs_of(group));
  throw usage_error("unknown command '" + group + " " + words[1] + "'; " + group +
                    " takes one of: " + verbs_of(group));
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

}  // namespace griddle::admin
