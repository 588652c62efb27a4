// The REPL's command history: the newest lines typed, at most `capacity`,
// kept in a plain text file (one entry a line, oldest first) that is
// rewritten whole after each new line, so it never grows past the bound.
// One thread; the file is private to its user (mode 0600).
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "admin/settings.hpp"

namespace griddle::admin {

class command_history {
 public:
  static constexpr size_t default_capacity = 1000;

  /// `path` empty: kept in memory only.
  explicit command_history(std::string path, size_t capacity = default_capacity);

  /// Reads the file, keeping its newest `capacity` lines; a missing or
  /// unreadable file is an empty history.
  void load();

  /// Appends `line`, unless it is blank or repeats the newest entry, and
  /// rewrites the file (creating its folder). False when the file could not
  /// be written; the entry is kept in memory all the same.
  bool add(const std::string& line);

  /// Oldest first.
  const std::deque<std::string>& entries() const noexcept { return entries_; }

  const std::string& path() const noexcept { return path_; }

 private:
  bool save() const;

  std::string path_;
  size_t capacity_;
  std::deque<std::string> entries_;
};

/// $XDG_STATE_HOME/griddle/admin_history, else $HOME/.griddle_admin_history,
/// else empty.
std::string default_history_path(const env_lookup& getenv);

}  // namespace griddle::admin
