// libedit keeps its state in globals and calls back through plain function
// pointers, so the glue does too. SIGINT is caught without SA_RESTART: the
// read of the next key fails with EINTR, and read_key turns that into "move
// to the end, show ^C, end the line", a line the loop then drops.
#include "admin/line_editor.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <editline/readline.h>
#include <unistd.h>

namespace griddle::admin {

namespace {

std::atomic<bool> interrupted{false};
std::atomic<bool> resized{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

/// The session completions come from, while run_terminal runs.
repl_session* active_session = nullptr;

/// The line being read was ended by Ctrl-C: drop it.
bool line_cancelled = false;

/// After Ctrl-C, read_key still owes libedit the end of the line.
bool newline_owed = false;

/// ed-move-to-end in libedit's emacs key map.
constexpr int move_to_end = 0x05;

extern "C" void on_interrupt(int) {
  interrupted = true;
}

extern "C" void on_resize(int) {
  resized = true;
}

/// What read_byte returns besides a byte.
constexpr int end_of_input = -1;
constexpr int ctrl_c = -2;
constexpr int other_signal = -3;

/// Reads one byte.
int read_byte(int fd) {
  unsigned char c = 0;
  auto n = ::read(fd, &c, 1);
  if (n == 1)
    return c;
  if (n < 0 && errno == EINTR)
    return interrupted ? ctrl_c : other_signal;
  return end_of_input;
}

/// libedit's getc: one character (UTF-8 decoded, as libedit stores wide
/// characters), or a Ctrl-C turned into keys.
extern "C" int read_key(FILE* in) {
  if (newline_owed) {
    newline_owed = false;
    std::fputs("^C", stdout);
    std::fflush(stdout);
    return '\n';
  }
  for (;;) {
    if (resized.exchange(false))
      rl_resize_terminal();
    int first = interrupted ? ctrl_c : read_byte(fileno(in));
    if (first == other_signal)
      continue;
    if (first == ctrl_c) {
      interrupted = false;
      line_cancelled = true;
      newline_owed = true;
      return move_to_end;
    }
    if (first < 0x80)
      return first;
    int more = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : 0;
    int code = first & (0x3F >> more);
    for (int i = 0; i < more; ++i) {
      int next = read_byte(fileno(in));
      while (next == other_signal)
        next = read_byte(fileno(in));
      if (next < 0 || (next & 0xC0) != 0x80)
        return '?';
      code = (code << 6) | (next & 0x3F);
    }
    return more == 0 ? '?' : code;
  }
}

char* copy(const std::string& text) {
  auto* result = static_cast<char*>(std::malloc(text.size() + 1));
  if (result != nullptr)
    std::memcpy(result, text.c_str(), text.size() + 1);
  return result;
}

/// readline's completion hook: `text` is the word before the cursor,
/// starting at `start` in rl_line_buffer. Returns what readline wants: the
/// replacement first (the longest common prefix), then the candidates.
extern "C" char** complete_word(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // no file names
  if (active_session == nullptr)
    return nullptr;
  std::string line = rl_line_buffer != nullptr ? rl_line_buffer : "";
  auto before =
      line.substr(0, std::min(line.size(), static_cast<size_t>(std::max(start, 0)))) + text;
  auto found = active_session->candidates(before);
  if (found.empty())
    return nullptr;
  auto common = found.front();
  for (const auto& c : found) {
    size_t i = 0;
    while (i < common.size() && i < c.size() && common[i] == c[i])
      ++i;
    common.resize(i);
  }
  auto** matches = static_cast<char**>(std::calloc(found.size() + 2, sizeof(char*)));
  if (matches == nullptr)
    return nullptr;
  matches[0] = copy(found.size() == 1 ? found.front() : common);
  if (found.size() > 1)
    for (size_t i = 0; i < found.size(); ++i)
      matches[i + 1] = copy(found[i]);
  return matches;
}

char word_breaks[] = " \t";

/// Installs a handler for as long as it lives, then puts the old one back.
class signal_scope {
 public:
  signal_scope(int signal, void (*handler)(int)) : signal_(signal) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked read must end
    sigaction(signal_, &action, &previous_);
  }
  ~signal_scope() { sigaction(signal_, &previous_, nullptr); }
  signal_scope(const signal_scope&) = delete;
  signal_scope& operator=(const signal_scope&) = delete;

 private:
  int signal_;
  struct sigaction previous_ {};
};

std::string trimmed(const char* line) {
  std::string text = line;
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

bool interrupt_requested() noexcept {
  return interrupted;
}

int run_terminal(repl_session& session, command_history& history, std::ostream& out,
                 std::ostream& err) {
  std::setlocale(LC_CTYPE, "");
  signal_scope on_ctrl_c{SIGINT, on_interrupt};
  signal_scope on_window{SIGWINCH, on_resize};
  active_session = &session;
  rl_readline_name = "griddle-admin";
  rl_catch_signals = 0;
  rl_getc_function = read_key;
  rl_attempted_completion_function = complete_word;
  rl_completer_word_break_characters = word_breaks;
  rl_initialize();
  using_history();
  stifle_history(static_cast<int>(command_history::default_capacity));
  for (const auto& entry : history.entries())
    add_history(entry.c_str());
  session.use_history(&history);
  out << "griddle-admin at " << session.current().url << " as " << session.current().operator_name
      << "; 'help' lists the commands, TAB completes, Ctrl-D leaves\n";
  bool warned = false;
  while (!session.finished()) {
    out.flush();
    err.flush();
    interrupted = false;
    line_cancelled = false;
    newline_owed = false;
    auto prompt = session.prompt();
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      out << '\n';
      break;
    }
    auto line = trimmed(raw);
    std::free(raw);
    if (line_cancelled || line.empty())
      continue;
    bool repeat = !history.entries().empty() && history.entries().back() == line;
    if (!history.add(line) && !warned) {
      err << "warning: cannot write the history file " << history.path() << '\n';
      warned = true;
    }
    if (!repeat)
      add_history(line.c_str());
    interrupted = false;
    auto rc = session.run_line(line, out, err);
    if (interrupted && rc != exit_interrupted)
      out << '\n';  // past the ^C the terminal echoed, as the watch ended quietly
  }
  out.flush();
  active_session = nullptr;
  return 0;
}

}  // namespace griddle::admin
