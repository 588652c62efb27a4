// Runs one griddle-admin command end to end: parse, send, show. The program
// runs one per invocation; the REPL one per line. Output goes to the given
// streams only, and the result is the exit code below. Every request carries
// the operator's name (X-Griddle-Operator).
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
  /// Ctrl-C stopped the command before its answer came (REPL only).
  exit_interrupted = 130,
};

/// Sends one request and returns the answer; throws transport_error when the
/// node cannot be reached in time.
using transport = std::function<http_response(const http_request&)>;

/// Whether the person asked the running command to stop (Ctrl-C in the
/// REPL); polled a few times a second. Empty: never.
using stop_check = std::function<bool()>;

/// The real transport: send_request to `s.url` with `s.token`, abandoning
/// the exchange when `stop` says so (request_cancelled). Throws usage_error
/// for a bad URL.
transport http_transport(const settings& s, stop_check stop = {});

/// `request` with the headers every request of `s` carries.
http_request stamped(http_request request, const settings& s);

/// Splits `line` into words (split_words) and runs them over HTTP.
int run_command(const std::string& line, const settings& s, std::ostream& out, std::ostream& err);

/// Runs `line` over `send`.
int run_command(const std::string& line, const settings& s, const transport& send,
                std::ostream& out, std::ostream& err);

/// Runs a command given as words (from argv, or split). A watch ends
/// quietly, with exit_ok, when `stop` says so.
int run_words(const std::vector<std::string>& words, const settings& s, const transport& send,
              std::ostream& out, std::ostream& err, const stop_check& stop = {});

}  // namespace griddle::admin
