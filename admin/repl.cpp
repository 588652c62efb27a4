// One line of the REPL: its built-ins here, commands through run_words.
#include "admin/repl.hpp"

#include <iomanip>

#include "admin/admin_client.hpp"
#include "admin/command_line.hpp"
#include "admin/commands.hpp"
#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

int usage_failure(const usage_error& e, std::ostream& err) {
  err << "error: " << e.what() << '\n';
  if (!e.usage().empty())
    err << "usage: " << e.usage() << '\n';
  return exit_usage;
}

const builtin* builtin_named(const std::string& word) {
  for (const auto& b : repl_builtins()) {
    std::string usage = b.usage;
    if (usage.substr(0, usage.find(' ')) == word)
      return &b;
  }
  return nullptr;
}

std::string builtin_list() {
  std::string result;
  for (const auto& b : repl_builtins()) {
    std::string usage = b.usage;
    result += "  " + usage + std::string(usage.size() < 16 ? 16 - usage.size() : 1, ' ') + "  " +
              b.summary + '\n';
  }
  return result;
}

std::string trimmed(const std::string& line) {
  auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return {};
  return line.substr(first, line.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

const std::vector<builtin>& repl_builtins() {
  static const std::vector<builtin> list{
      {"exit", "leave the shell (also quit, or Ctrl-D)"},
      {"quit", "leave the shell"},
      {"history", "list the lines entered before, oldest first"},
      {"connect URL", "talk to the node at URL from now on"},
      {"json on|off", "print the server's JSON, or renderings (no argument: show which)"},
      {"refresh", "fetch the names TAB completes (types, keys, flags) again"},
  };
  return list;
}

repl_session::repl_session(settings s, connector connect, stop_check stop)
    : settings_(std::move(s)), connect_(std::move(connect)), stop_(std::move(stop)) {
  send_ = connect_(settings_);
}

std::string repl_session::prompt() const {
  return "griddle " + parse_url(settings_.url).host_header + "> ";
}

int repl_session::run_line(const std::string& line, std::ostream& out, std::ostream& err) {
  std::vector<std::string> words;
  try {
    words = split_words(line);
  } catch (const usage_error& e) {
    return usage_failure(e, err);
  }
  if (words.empty())
    return exit_ok;
  if (builtin_named(words[0]) != nullptr || (words[0] == "help" && words.size() == 1))
    return run_builtin(words, out, err);
  auto rc = run_words(words, settings_, send_, out, err, stop_);
  if (rc == exit_ok && words[0] != "watch") {
    // A change may rename what completion offers.
    try {
      if (parse_command(words).request.method != "GET")
        forget_names();
    } catch (const usage_error&) {
      // It parsed a moment ago.
    }
  }
  return rc;
}

int repl_session::run_builtin(const std::vector<std::string>& words, std::ostream& out,
                              std::ostream& err) {
  const auto& name = words[0];
  if (name == "help") {
    out << "commands:\n"
        << command_list() << "\nshell commands:\n"
        << builtin_list()
        << "\nTAB completes commands, types, keys and flag names; Ctrl-C clears the line or "
           "stops a watch.\n";
    return exit_ok;
  }
  const auto* b = builtin_named(name);
  auto fail = [&](const std::string& message) {
    return usage_failure(usage_error(message, b->usage), err);
  };
  if (name == "exit" || name == "quit" || name == "history" || name == "refresh") {
    if (words.size() > 1)
      return fail("unexpected argument '" + words[1] + "'");
    if (name == "history") {
      if (history_ != nullptr) {
        size_t number = 0;
        for (const auto& entry : history_->entries())
          out << std::setw(5) << ++number << "  " << entry << '\n';
      }
    } else if (name == "refresh") {
      forget_names();
    } else {
      finished_ = true;
    }
    return exit_ok;
  }
  if (name == "json") {
    if (words.size() > 2)
      return fail("unexpected argument '" + words[2] + "'");
    if (words.size() == 2 && words[1] != "on" && words[1] != "off")
      return fail("expected on or off, got '" + words[1] + "'");
    if (words.size() == 2)
      settings_.json = words[1] == "on";
    out << "json " << (settings_.json ? "on" : "off") << '\n';
    return exit_ok;
  }
  // connect URL
  if (words.size() != 2)
    return fail(words.size() < 2 ? "missing URL" : "unexpected argument '" + words[2] + "'");
  auto next = settings_;
  next.url = words[1];
  try {
    send_ = connect_(next);
  } catch (const usage_error& e) {
    return usage_failure(e, err);
  }
  settings_ = std::move(next);
  forget_names();
  out << "now talking to " << settings_.url << '\n';
  return exit_ok;
}

std::vector<std::string> repl_session::candidates(std::string_view line_before_cursor) {
  auto now = std::chrono::steady_clock::now();
  for (auto i = keys_fetched_.begin(); i != keys_fetched_.end();) {
    if (now - i->second > keys_lifetime) {
      names_.keys.erase(i->first);
      i = keys_fetched_.erase(i);
    } else {
      ++i;
    }
  }
  auto need = needed_for(line_before_cursor, names_);
  if (need.types)
    read_types(fetch(types_request()), names_);
  if (need.flags)
    read_flags(fetch(flags_request()), names_);
  if (need.keys_of) {
    read_keys(*need.keys_of, fetch(keys_request(*need.keys_of)), names_);
    keys_fetched_[*need.keys_of] = now;
  }
  return complete(line_before_cursor, names_);
}

nlohmann::json repl_session::fetch(http_request request) {
  request.timeout = fetch_timeout;
  try {
    auto answer = send_(stamped(std::move(request), settings_));
    if (answer.status >= 200 && answer.status < 300)
      return nlohmann::json::parse(answer.body, nullptr, false);
  } catch (const transport_error&) {
    // Nothing to offer; the person sees no completion, not an error.
  }
  return nullptr;
}

void repl_session::forget_names() {
  names_ = catalogue{};
  keys_fetched_.clear();
}

int run_script(repl_session& session, std::istream& in, std::ostream& out, std::ostream& err) {
  int last_failure = exit_ok;
  for (std::string line; !session.finished() && std::getline(in, line);) {
    auto text = trimmed(line);
    if (text.empty() || text.front() == '#')
      continue;
    if (auto rc = session.run_line(text, out, err); rc != exit_ok)
      last_failure = rc;
    out.flush();
  }
  return last_failure;
}

}  // namespace griddle::admin
