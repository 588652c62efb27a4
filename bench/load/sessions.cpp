#include "bench/load/sessions.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/seed/progress_bar.hpp"

namespace griddle::bench::load {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

/// One keep-alive connection that posts logins, reconnecting when closed.
class login_client {
 public:
  explicit login_client(const target_url& target)
      : target_(target),
        peer_(boost::asio::ip::make_address(target.address), target.port),
        socket_(ctx_) {}

  session sign_in(const credentials& user, const std::string& password) {
    for (int attempt = 0;; ++attempt) {
      try {
        return try_sign_in(user, password);
      } catch (boost::system::system_error&) {
        socket_.close();  // a closed keep-alive connection: once more on a new one
        if (attempt > 0)
          throw;
      }
    }
  }

 private:
  session try_sign_in(const credentials& user, const std::string& password) {
    if (!socket_.is_open())
      socket_.connect(peer_);
    http::request<http::string_body> req{http::verb::post, "/v1/sessions", 11};
    req.set(http::field::host, target_.host_header);
    req.set(http::field::content_type, "application/json");
    req.body() = nlohmann::json{{"email", user.email}, {"password", password}}.dump();
    req.prepare_payload();
    http::write(socket_, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(socket_, buf, res);
    if (!res.keep_alive())
      socket_.close();
    if (res.result_int() != 201)
      throw std::runtime_error("signing in " + user.email + " (user " + user.user_id +
                               ") failed: HTTP " + std::to_string(res.result_int()) + " " +
                               res.body());
    auto j = nlohmann::json::parse(res.body());
    session s{j.at("user_id").get<std::string>(), j.at("token").get<std::string>()};
    if (s.user_id != user.user_id)
      throw std::runtime_error(user.email + " signed in as user " + s.user_id + ", not " +
                               user.user_id);
    return s;
  }

  const target_url& target_;
  boost::asio::io_context ctx_;
  tcp::endpoint peer_;
  tcp::socket socket_;
};

}  // namespace

std::vector<credentials> read_seeded_users(const std::string& db_path, uint64_t count) {
  sqlite3* raw = nullptr;
  auto rc = sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, db_closer> db{raw};
  if (rc != SQLITE_OK)
    throw std::runtime_error("--db " + db_path + ": " + sqlite3_errstr(rc));
  sqlite3_stmt* raw_stmt = nullptr;
  const char* sql = "SELECT payload FROM events WHERE stream = ?1 ORDER BY version LIMIT 1";
  if (sqlite3_prepare_v2(db.get(), sql, -1, &raw_stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error("--db " + db_path + ": " + sqlite3_errmsg(db.get()));
  std::unique_ptr<sqlite3_stmt, stmt_finalizer> stmt{raw_stmt};
  std::vector<credentials> users;
  for (uint64_t id = 1; id <= count; ++id) {
    auto stream = "user/" + std::to_string(id);
    sqlite3_reset(stmt.get());
    sqlite3_bind_text(stmt.get(), 1, stream.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt.get()) != SQLITE_ROW)
      throw std::runtime_error("--db " + db_path + " has no user " + std::to_string(id) +
                               " (seeded users are 1.." + std::to_string(id - 1) + ")");
    auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    auto payload = nlohmann::json::parse(text ? text : "{}", nullptr, false);
    if (!payload.is_object() || !payload.contains("email") || !payload["email"].is_string())
      throw std::runtime_error("--db " + db_path + ": " + stream + " has no email");
    users.push_back({std::to_string(id), payload["email"].get<std::string>()});
  }
  return users;
}

std::vector<session> sign_in(const target_url& target, const std::vector<credentials>& users,
                             const std::string& password, size_t concurrency, std::FILE* log) {
  std::vector<session> sessions(users.size());
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done{0};
  std::mutex mtx;
  std::optional<std::string> failure;
  auto started = std::chrono::steady_clock::now();
  {
    progress_bar bar{users.size(), [&] { return done.load(); }};
    std::vector<std::thread> threads;
    for (size_t t = 0; t < std::min(concurrency, users.size()); ++t)
      threads.emplace_back([&] {
        login_client client{target};
        for (size_t i; (i = next++) < users.size();) {
          try {
            sessions[i] = client.sign_in(users[i], password);
            ++done;
          } catch (std::exception& e) {
            std::lock_guard<std::mutex> guard{mtx};
            if (!failure)
              failure = e.what();
            next = users.size();  // the others stop too
          }
        }
      });
    for (auto& th : threads)
      th.join();
  }
  if (failure)
    throw std::runtime_error(*failure);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (log)
    std::fprintf(log, "signed in %s users in %.1f s (%.0f/s, %zu at once)\n",
                 with_commas(users.size()).c_str(), seconds,
                 static_cast<double>(users.size()) / seconds, concurrency);
  return sessions;
}

std::vector<session> read_tokens(const std::string& path, uint64_t limit) {
  std::ifstream in{path};
  if (!in)
    throw std::runtime_error("--tokens: cannot read " + path);
  std::vector<session> sessions;
  std::string line;
  for (size_t line_no = 1; (limit == 0 || sessions.size() < limit) && std::getline(in, line);
       ++line_no) {
    if (auto hash = line.find('#'); hash != std::string::npos)
      line.erase(hash);
    std::istringstream fields{line};
    session s;
    std::string extra;
    if (!(fields >> s.user_id))
      continue;
    if (!(fields >> s.token) || (fields >> extra))
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": expected 'user_id token'");
    sessions.push_back(std::move(s));
  }
  if (limit > 0 && sessions.size() < limit)
    throw std::runtime_error(path + " holds " + std::to_string(sessions.size()) +
                             " tokens, fewer than --users " + std::to_string(limit));
  return sessions;
}

void write_tokens(const std::string& path, const std::vector<session>& sessions) {
  std::ofstream out{path, std::ios::trunc};
  for (auto& s : sessions)
    out << s.user_id << ' ' << s.token << '\n';
  out.flush();
  if (!out)
    throw std::runtime_error("--save-tokens: cannot write " + path);
}

}  // namespace griddle::bench::load
