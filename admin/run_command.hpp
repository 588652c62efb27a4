// Runs one griddle-admin command end to end: parse, send, show. The program
// runs one per invocation; the REPL will run one per line. Output goes to
// the given streams only, and the result is the exit code below.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "admin/admin_request.hpp"
#include "admin/settings.hpp"

namespace griddle::admin {

/// What a command's run ends with; the program exits with it.
enum exit_code : int {
  exit_ok = 0,
  /// The node answered 4xx or 5xx.
  exit_server_error = 1,
  /// The command line is wrong: nothing was sent.
  exit_usage = 2,
  /// The node cannot be reached, or did not answer in time.
  exit_unreachable = 3,
};

/// Sends one request and returns the answer; throws transport_error when the
/// node cannot be reached in time.
using transport = std::function<http_response(const http_request&)>;

/// The real transport: send_request to `s.url` with `s.token`.
transport http_transport(const settings& s);

/// Splits `line` into words (split_words) and runs them over HTTP.
int run_command(const std::string& line, const settings& s, std::ostream& out, std::ostream& err);

/// Runs `line` over `send`.
int run_command(const std::string& line, const settings& s, const transport& send,
                std::ostream& out, std::ostream& err);

/// Runs a command given as words (from argv, or split).
int run_words(const std::vector<std::string>& words, const settings& s, const transport& send,
              std::ostream& out, std::ostream& err);

}  // namespace griddle::admin
