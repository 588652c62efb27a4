// Asynchronous operations on a private io_context, each run until done or
// until the one deadline: blocking Asio calls cannot time out.
#include "admin/admin_client.hpp"

#include <algorithm>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace griddle::admin {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

class timed_exchange {
 public:
  timed_exchange(std::chrono::milliseconds timeout, const std::function<bool()>& cancelled)
      : timeout_(timeout),
        deadline_(std::chrono::steady_clock::now() + timeout),
        cancelled_(cancelled) {}

  http_response run(const endpoint& to, const http::request<http::string_body>& request) {
    error_code ec;
    tcp::resolver::results_type addresses;
    resolver_.async_resolve(to.host, to.port, [&](error_code e, tcp::resolver::results_type r) {
      ec = e;
      addresses = std::move(r);
    });
    wait(ec);
    asio::async_connect(socket_, addresses, [&](error_code e, const tcp::endpoint&) { ec = e; });
    wait(ec);
    http::async_write(socket_, request, [&](error_code e, size_t) { ec = e; });
    wait(ec);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::async_read(socket_, buffer, response, [&](error_code e, size_t) { ec = e; });
    wait(ec);
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    return {static_cast<int>(response.result_int()), std::move(response.body())};
  }

 private:
  /// Runs the pending operation; throws when it failed, the deadline passed
  /// or the cancel check said stop.
  void wait(const error_code& ec) {
    io_.restart();
    bool cancelled = false;
    if (cancelled_) {
      // In slices, so a cancel is noticed within one.
      constexpr auto slice = std::chrono::milliseconds{50};
      while (!io_.stopped() && std::chrono::steady_clock::now() < deadline_ &&
             !(cancelled = cancelled_()))
        io_.run_until(std::min(deadline_, std::chrono::steady_clock::now() + slice));
    } else {
      io_.run_until(deadline_);
    }
    if (!io_.stopped()) {
      resolver_.cancel();
      error_code ignored;
      socket_.close(ignored);
      io_.run();
      if (cancelled)
        throw request_cancelled{};
      auto seconds = std::chrono::duration<double>(timeout_).count();
      std::ostringstream why;
      why << "no answer within " << seconds << " s";
      throw transport_error(why.str());
    }
    if (ec)
      throw transport_error(ec.message());
  }

  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
  const std::function<bool()>& cancelled_;
  asio::io_context io_;
  tcp::resolver resolver_{io_};
  tcp::socket socket_{io_};
};

http::verb verb_of(const std::string& method) {
  auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown)
    throw std::invalid_argument("unknown HTTP method " + method);
  return verb;
}

}  // namespace

http_response send_request(const endpoint& to, const std::string& token,
                           const http_request& request, std::chrono::milliseconds timeout,
                           const std::function<bool()>& cancelled) {
  http::request<http::string_body> message{verb_of(request.method), request.target, 11};
  message.set(http::field::host, to.host_header);
  message.set(http::field::user_agent, "griddle-admin");
  message.set(http::field::accept, "application/json");
  message.set(http::field::connection, "close");
  if (!token.empty())
    message.set(http::field::authorization, "Bearer " + token);
  for (const auto& [name, value] : request.headers)
    message.set(name, value);
  if (request.body) {
    message.set(http::field::content_type, "application/json");
    message.body() = request.body->dump();
  }
  message.prepare_payload();
  return timed_exchange{request.timeout.value_or(timeout), cancelled}.run(to, message);
}

}  // namespace griddle::admin
