// Program options, settings loading and the top of griddle-admin.
#include "admin/invocation.hpp"

#include "admin/commands.hpp"
#include "admin/history.hpp"
#include "admin/line_editor.hpp"
#include "admin/repl.hpp"
#include "admin/run_command.hpp"
#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

constexpr const char* usage_line =
    "griddle-admin [--url URL] [--token TOKEN | --token-file FILE] [--config FILE] [--json] "
    "[--as NAME] [COMMAND ARGS... | -c \"COMMAND ARGS...\" | shell]";

}  // namespace

invocation parse_invocation(const std::vector<std::string>& args) {
  invocation result;
  auto fail = [](const std::string& message) { return usage_error(message, usage_line); };
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--") {
      result.words.assign(args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (arg.empty() || arg[0] != '-') {
      result.words.assign(args.begin() + static_cast<ptrdiff_t>(i), args.end());
      break;
    }
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      continue;
    }
    if (arg == "--json") {
      result.json = true;
      continue;
    }
    auto eq = arg.find('=');
    auto name = arg.substr(0, eq);
    std::optional<std::string>* target = nullptr;
    if (name == "--url")
      target = &result.flags.url;
    else if (name == "--token")
      target = &result.flags.token;
    else if (name == "--token-file")
      target = &result.token_file;
    else if (name == "--config")
      target = &result.config_file;
    else if (name == "-c")
      target = &result.line;
    else if (name == "--as")
      target = &result.operator_name;
    else
      throw fail("unknown option " + name);
    if (*target)
      throw fail(name + " given twice");
    if (eq != std::string::npos)
      *target = arg.substr(eq + 1);
    else if (i + 1 < args.size())
      *target = args[++i];
    else
      throw fail(name + " needs a value");
  }
  if (result.flags.token && result.token_file)
    throw fail("give --token or --token-file, not both");
  if (result.line && !result.words.empty())
    throw fail("give the command with -c or as words, not both");
  return result;
}

settings load_settings(const invocation& how, const env_lookup& getenv) {
  auto flags = how.flags;
  if (how.token_file)
    flags.token = read_token_file(*how.token_file);
  setting_values file;
  if (how.config_file)
    file = read_config_file(*how.config_file, true);
  else if (auto path = default_config_path(getenv); !path.empty())
    file = read_config_file(path, false);
  auto result = resolve_settings(flags, from_environment(getenv), file);
  result.json = how.json;
  result.operator_name = resolve_operator(how.operator_name, getenv);
  return result;
}

bool wants_shell(const invocation& how) {
  return !how.line && (how.words.empty() || how.words == std::vector<std::string>{"shell"});
}

std::string program_usage() {
  return std::string{"usage: "} + usage_line +
         "\n\n"
         "Talks to a node's admin API (http only). Connection settings, first found wins:\n"
         "  --url, --token, --token-file; GRIDDLE_ADMIN_URL, GRIDDLE_ADMIN_TOKEN;\n"
         "  the config file (--config FILE, else $XDG_CONFIG_HOME/griddle/admin.conf or\n"
         "  ~/.config/griddle/admin.conf) with lines 'url = ...' and 'token = ...';\n"
         "  default url " +
         default_url +
         ".\n"
         "--json prints the server's JSON instead of a rendering. Every request names its\n"
         "operator in X-Griddle-Operator: --as, else GRIDDLE_ADMIN_OPERATOR, else USER.\n\n"
         "Without a command (or with 'shell') on a terminal: an interactive shell with\n"
         "line editing, history ($XDG_STATE_HOME/griddle/admin_history or\n"
         "~/.griddle_admin_history) and TAB completion; 'help' there lists its own\n"
         "commands. With stdin not a terminal: one command a line from stdin, no prompt;\n"
         "the exit code is the last failing command's, else 0.\n\n"
         "commands:\n" +
         command_list() +
         "\nexit codes: 0 done; 1 the node answered an error; 2 usage error;\n"
         "            3 the node cannot be reached or did not answer within 10 s\n"
         "            (a trace: its --seconds and 10 s more)\n";
}

int run_program(const std::vector<std::string>& args, const env_lookup& getenv,
                const program_io& io) {
  invocation how;
  settings s;
  try {
    how = parse_invocation(args);
    if (how.help) {
      io.out << program_usage();
      return exit_ok;
    }
    s = load_settings(how, getenv);
  } catch (const usage_error& e) {
    io.err << "error: " << e.what() << '\n';
    if (!e.usage().empty())
      io.err << "usage: " << e.usage() << '\n';
    return exit_usage;
  }
  s.redraw = io.out_terminal;
  if (!wants_shell(how)) {
    auto send = http_transport(s);
    if (how.line)
      return run_command(*how.line, s, send, io.out, io.err);
    return run_words(how.words, s, send, io.out, io.err);
  }
  if (!io.in_terminal) {
    repl_session session{s, [](const settings& to) { return http_transport(to); }};
    return run_script(session, io.in, io.out, io.err);
  }
  repl_session session{s,
                       [](const settings& to) { return http_transport(to, interrupt_requested); },
                       interrupt_requested};
  command_history history{default_history_path(getenv)};
  history.load();
  return run_terminal(session, history, io.out, io.err);
}

}  // namespace griddle::admin
