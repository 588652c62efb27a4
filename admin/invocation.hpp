// The griddle-admin program: its own options (connection, output, operator),
// then one command given as words or with -c as one line; or none (or
// `shell`): the REPL on a terminal, else commands read line by line from
// stdin. `run_program` is main() with the process's environment and streams
// passed in.
#pragma once

#include <istream>
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
  /// --as NAME: the operator named in X-Griddle-Operator.
  std::optional<std::string> operator_name;
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

/// Reads --token-file and the config file, and merges the sources; the
/// operator from --as and the environment.
settings load_settings(const invocation& how, const env_lookup& getenv);

/// No command given (or `shell`): the REPL, or script mode.
bool wants_shell(const invocation& how);

/// Where the program's input and output go, and which are terminals.
struct program_io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool in_terminal = false;
  bool out_terminal = false;
};

/// The program's usage, with every command.
std::string program_usage();

/// Runs the program; returns its exit code (run_command.hpp). With no
/// command, the REPL when `io.in` is a terminal (it must then be stdin),
/// else script mode over `io.in`.
int run_program(const std::vector<std::string>& args, const env_lookup& getenv,
                const program_io& io);

}  // namespace griddle::admin
