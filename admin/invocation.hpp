// The griddle-admin program: its own options (connection, output), then one
// command given as words or with -c as one line. `run_program` is main()
// with the process's environment and streams passed in.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "admin/settings.hpp"

namespace griddle::admin {

/// The program's options, read up to the first word of the command.
struct invocation {
  /// --url and --token.
  setting_values flags;
  std::optional<std::string> token_file;
  std::optional<std::string> config_file;
  bool json = false;
  bool help = false;
  /// -c "COMMAND ARGS...".
  std::optional<std::string> line;
  /// Or the command as words.
  std::vector<std::string> words;
};

/// Parses the arguments after the program name. Throws usage_error for an
/// unknown option, a missing value, both --token and --token-file, or both
/// -c and command words.
invocation parse_invocation(const std::vector<std::string>& args);

/// Reads --token-file and the config file, and merges the sources.
settings load_settings(const invocation& how, const env_lookup& getenv);

/// The program's usage, with every command.
std::string program_usage();

/// Runs the program; returns its exit code (run_command.hpp). `terminal`:
/// `out` is a terminal.
int run_program(const std::vector<std::string>& args, const env_lookup& getenv, bool terminal,
                std::ostream& out, std::ostream& err);

}  // namespace griddle::admin
