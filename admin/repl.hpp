// The griddle-admin REPL without its terminal: what one line does (a built-in
// such as `connect` or `json`, else a command), the prompt, the names TAB
// completion offers (fetched from the node when first needed), and script
// mode (lines from a stream, no prompt). The line editor (line_editor.hpp)
// drives a session on a terminal; tests drive it directly. One thread.
#pragma once

#include <chrono>
#include <functional>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "admin/completion.hpp"
#include "admin/history.hpp"
#include "admin/run_command.hpp"
#include "admin/settings.hpp"

namespace griddle::admin {

/// One of the REPL's own commands.
struct builtin {
  const char* usage;
  const char* summary;
};

/// exit, quit, history, connect, json, refresh: for `help` and completion.
const std::vector<builtin>& repl_builtins();

class repl_session {
 public:
  /// Makes the transport to the node `s` names: http_transport in the
  /// program, a stand-in in tests. Throws usage_error for a bad URL.
  using connector = std::function<transport(const settings&)>;

  /// Keys offered by completion are fetched again when older than this.
  static constexpr std::chrono::seconds keys_lifetime{10};

  /// Completion fetches give up after this, so TAB never hangs for long.
  static constexpr std::chrono::seconds fetch_timeout{3};

  /// Throws usage_error when `connect` rejects `s`.
  repl_session(settings s, connector connect, stop_check stop = {});

  /// Runs one line and returns its exit code: 0 for a blank line or a
  /// built-in that worked, else as run_command.
  int run_line(const std::string& line, std::ostream& out, std::ostream& err);

  /// `exit` or `quit` was run.
  bool finished() const noexcept { return finished_; }

  /// "griddle 127.0.0.1:8081> ".
  std::string prompt() const;

  /// The completions of `line_before_cursor`, after fetching what the
  /// catalogue lacks (types and flag names until `refresh` or a change made
  /// through this session; keys for keys_lifetime). A failed fetch leaves an
  /// empty list.
  std::vector<std::string> candidates(std::string_view line_before_cursor);

  /// What `history` lists; none: nothing.
  void use_history(const command_history* history) noexcept { history_ = history; }

  const settings& current() const noexcept { return settings_; }

 private:
  int run_builtin(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

  /// GETs `request` for completion: the JSON answer, else null.
  nlohmann::json fetch(http_request request);

  void forget_names();

  settings settings_;
  connector connect_;
  stop_check stop_;
  transport send_;
  catalogue names_;
  std::map<std::string, std::chrono::steady_clock::time_point> keys_fetched_;
  const command_history* history_ = nullptr;
  bool finished_ = false;
};

/// Script mode: runs the lines of `in` (blank lines and `#` comments
/// skipped) until its end or `exit`. Returns the exit code of the last
/// command that failed, else 0.
int run_script(repl_session& session, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace griddle::admin
