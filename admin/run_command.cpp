// One command from words to exit code: parse, send, then render or report.
#include "admin/run_command.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "admin/admin_client.hpp"
#include "admin/command_line.hpp"
#include "admin/commands.hpp"
#include "admin/render.hpp"
#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

/// ANSI: clear the screen, cursor home.
constexpr const char* clear_screen = "\x1b[2J\x1b[H";

int usage_failure(const usage_error& e, std::ostream& err) {
  err << "error: " << e.what() << '\n';
  if (!e.usage().empty())
    err << "usage: " << e.usage() << '\n';
  return exit_usage;
}

std::string string_field(const nlohmann::json& doc, const char* key, std::string fallback) {
  auto i = doc.find(key);
  return i != doc.end() && i->is_string() ? i->get<std::string>() : fallback;
}

/// Prints `error: CODE: MESSAGE` from an error body (the status and the body
/// text when it is not the documented shape).
int server_failure(const http_response& answer, const settings& s, std::ostream& err) {
  auto doc = nlohmann::json::parse(answer.body, nullptr, false);
  const nlohmann::json* error = nullptr;
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object())
    error = &doc["error"];
  if (error != nullptr) {
    err << "error: " << string_field(*error, "code", std::to_string(answer.status)) << ": "
        << string_field(*error, "message", "");
    if (auto field = string_field(*error, "field", ""); !field.empty())
      err << " (field " << field << ")";
  } else {
    auto body = answer.body.substr(0, 500);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r'))
      body.pop_back();
    err << "error: " << answer.status << ": " << (body.empty() ? "(no body)" : body);
  }
  err << '\n';
  if (answer.status == 401 && s.token.empty())
    err << "hint: no token given: use --token, --token-file, GRIDDLE_ADMIN_TOKEN or "
           "'token = ...' in admin.conf\n";
  return exit_server_error;
}

/// Sends the command's request once and shows the answer.
int run_once(const command& cmd, const settings& s, const transport& send, std::ostream& out,
             std::ostream& err) {
  http_response answer;
  try {
    answer = send(stamped(cmd.request, s));
  } catch (const request_cancelled&) {
    err << "interrupted\n";
    return exit_interrupted;
  } catch (const transport_error& e) {
    err << "error: cannot reach " << s.url << ": " << e.what() << '\n';
    return exit_unreachable;
  }
  if (answer.status >= 400)
    return server_failure(answer, s, err);
  auto doc = nlohmann::json::parse(answer.body, nullptr, false);
  if (doc.is_discarded()) {
    err << "error: " << s.url << " answered " << answer.status << " with a body that is not JSON\n";
    return exit_server_error;
  }
  if (cmd.limit > 0 && doc.is_object() && doc.contains("samples") && doc["samples"].is_array()) {
    auto& samples = doc["samples"];
    if (samples.size() > cmd.limit)
      samples.erase(samples.begin(), samples.end() - static_cast<ptrdiff_t>(cmd.limit));
  }
  if (s.json)
    out << doc.dump(2) << '\n';
  else
    render(cmd.shows, doc, out);
  return exit_ok;
}

/// Sleeps until `until`, or until `stop` says so; true when stopped.
bool sleep_unless_stopped(std::chrono::steady_clock::time_point until, const stop_check& stop) {
  if (!stop) {
    std::this_thread::sleep_until(until);
    return false;
  }
  constexpr auto slice = std::chrono::milliseconds{50};
  while (!stop()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= until)
      return false;
    std::this_thread::sleep_until(std::min(until, now + slice));
  }
  return true;
}

/// Repeats the request; on a terminal each round replaces the last, else
/// rounds follow each other under a time stamp.
int run_watch(const command& cmd, const settings& s, const transport& send, std::ostream& out,
              std::ostream& err, const stop_check& stop) {
  const auto& plan = *cmd.watch;
  auto interval = std::chrono::duration<double>(plan.interval_s);
  auto next = std::chrono::steady_clock::now();
  for (uint64_t round = 0; plan.count == 0 || round < plan.count; ++round) {
    if (round > 0) {
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
      if (sleep_unless_stopped(next, stop))
        return exit_ok;
    }
    // Fetch first, so the screen is cleared only when the new round is ready.
    std::ostringstream block;
    std::ostringstream problems;
    auto rc = run_once(cmd, s, send, block, problems);
    if (rc == exit_interrupted || (stop && stop()))
      return exit_ok;
    err << problems.str();
    if (rc != exit_ok)
      return rc;
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    if (s.redraw)
      out << clear_screen;
    else if (round > 0)
      out << '\n';
    if (!s.json)
      out << "-- " << format_utc(now_ms) << " UTC, every " << plan.interval_s << " s\n";
    out << block.str();
    out.flush();
  }
  return exit_ok;
}

}  // namespace

transport http_transport(const settings& s, stop_check stop) {
  auto to = parse_url(s.url);
  return [to, token = s.token, stop = std::move(stop)](const http_request& request) {
    return send_request(to, token, request, default_timeout, stop);
  };
}

http_request stamped(http_request request, const settings& s) {
  request.headers.emplace_back("X-Griddle-Operator", s.operator_name);
  return request;
}

int run_command(const std::string& line, const settings& s, std::ostream& out, std::ostream& err) {
  transport send;
  try {
    send = http_transport(s);
  } catch (const usage_error& e) {
    return usage_failure(e, err);
  }
  return run_command(line, s, send, out, err);
}

int run_command(const std::string& line, const settings& s, const transport& send,
                std::ostream& out, std::ostream& err) {
  std::vector<std::string> words;
  try {
    words = split_words(line);
  } catch (const usage_error& e) {
    return usage_failure(e, err);
  }
  return run_words(words, s, send, out, err);
}

int run_words(const std::vector<std::string>& words, const settings& s, const transport& send,
              std::ostream& out, std::ostream& err, const stop_check& stop) {
  command cmd;
  try {
    cmd = parse_command(words);
  } catch (const usage_error& e) {
    return usage_failure(e, err);
  }
  if (cmd.help) {
    out << "commands:\n" << command_list();
    return exit_ok;
  }
  if (cmd.watch)
    return run_watch(cmd, s, send, out, err, stop);
  return run_once(cmd, s, send, out, err);
}

}  // namespace griddle::admin
