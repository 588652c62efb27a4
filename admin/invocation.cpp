// Program options, settings loading and the top of griddle-admin.
#include "admin/invocation.hpp"

#include "admin/commands.hpp"
#include "admin/run_command.hpp"
#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

constexpr const char* usage_line =
    "griddle-admin [--url URL] [--token TOKEN | --token-file FILE] [--config FILE] [--json] "
    "{COMMAND ARGS... | -c \"COMMAND ARGS...\"}";

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
  return result;
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
         "--json prints the server's JSON instead of a rendering.\n\n"
         "commands:\n" +
         command_list() +
         "\nexit codes: 0 done; 1 the node answered an error; 2 usage error;\n"
         "            3 the node cannot be reached or did not answer within 10 s\n";
}

int run_program(const std::vector<std::string>& args, const env_lookup& getenv, bool terminal,
                std::ostream& out, std::ostream& err) {
  invocation how;
  settings s;
  try {
    how = parse_invocation(args);
    if (how.help) {
      out << program_usage();
      return exit_ok;
    }
    if (!how.line && how.words.empty())
      throw usage_error("no command given; --help lists them", usage_line);
    s = load_settings(how, getenv);
  } catch (const usage_error& e) {
    err << "error: " << e.what() << '\n';
    if (!e.usage().empty())
      err << "usage: " << e.usage() << '\n';
    return exit_usage;
  }
  s.redraw = terminal;
  auto send = http_transport(s);
  if (how.line)
    return run_command(*how.line, s, send, out, err);
  return run_words(how.words, s, send, out, err);
}

}  // namespace griddle::admin
