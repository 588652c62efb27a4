// The griddle-admin REPL on a terminal, through libedit's readline interface
// (BSD licence): emacs-style line editing, history recalled with the arrow
// keys and kept by a command_history, TAB completion from
// repl_session::candidates. Ctrl-C clears the line at the prompt and stops a
// running command (a watch ends, a request is abandoned); Ctrl-D at an empty
// prompt leaves. Owns SIGINT and SIGWINCH while it runs; one per process, on
// the main thread.
#pragma once

#include <ostream>

#include "admin/history.hpp"
#include "admin/repl.hpp"

namespace griddle::admin {

/// Ctrl-C was pressed since the current command started: the stop check
/// of the session run_terminal drives.
bool interrupt_requested() noexcept;

/// Reads lines from the terminal on stdin until exit, quit or Ctrl-D, runs
/// each in `session`, and records them in `history`. Returns 0.
int run_terminal(repl_session& session, command_history& history, std::ostream& out,
                 std::ostream& err);

}  // namespace griddle::admin
