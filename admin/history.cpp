// History in a file: read at start, rewritten through a temporary file and a
// rename, so a crash leaves the old file or the new one, never half of one.
#include "admin/history.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include <unistd.h>

namespace griddle::admin {

namespace {

namespace fs = std::filesystem;

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

command_history::command_history(std::string path, size_t capacity)
    : path_(std::move(path)), capacity_(capacity == 0 ? 1 : capacity) {}

void command_history::load() {
  entries_.clear();
  if (path_.empty())
    return;
  std::ifstream in{path_};
  for (std::string line; std::getline(in, line);) {
    if (blank(line))
      continue;
    entries_.push_back(std::move(line));
    if (entries_.size() > capacity_)
      entries_.pop_front();
  }
}

bool command_history::add(const std::string& line) {
  if (blank(line) || line.find('\n') != std::string::npos ||
      (!entries_.empty() && entries_.back() == line))
    return true;
  entries_.push_back(line);
  while (entries_.size() > capacity_)
    entries_.pop_front();
  return save();
}

bool command_history::save() const {
  if (path_.empty())
    return true;
  std::error_code ec;
  auto target = fs::path{path_};
  if (target.has_parent_path())
    fs::create_directories(target.parent_path(), ec);
  auto temporary = path_ + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out{temporary, std::ios::trunc};
    if (!out)
      return false;
    fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
    for (const auto& entry : entries_)
      out << entry << '\n';
    out.flush();
    if (!out) {
      fs::remove(temporary, ec);
      return false;
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return false;
  }
  return true;
}

std::string default_history_path(const env_lookup& getenv) {
  auto value = [&](const char* name) {
    const char* v = getenv(name);
    return v == nullptr ? std::string{} : std::string{v};
  };
  if (auto state = value("XDG_STATE_HOME"); !state.empty())
    return state + "/griddle/admin_history";
  if (auto home = value("HOME"); !home.empty())
    return home + "/.griddle_admin_history";
  return {};
}

}  // namespace griddle::admin
