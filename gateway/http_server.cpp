#include "gateway/http_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <tuple>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "gateway/detail/connection.hpp"
#include "runtime/errc.hpp"
#include "runtime/metrics/registry.hpp"

namespace griddle::gateway {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace detail {

namespace {

/// The metrics of one (route, method, status), looked up once per thread.
struct route_metrics {
  metrics::counter* requests;
  metrics::latency_histogram* latency;
};

route_metrics& metrics_for(std::string_view route, std::string_view method, unsigned status) {
  using key = std::tuple<std::string, std::string, unsigned>;
  thread_local std::map<key, route_metrics, std::less<>> cache;
  key k{std::string{route}, std::string{method}, status};
  auto i = cache.find(k);
  if (i != cache.end())
    return i->second;
  auto& reg = metrics::registry::global();
  metrics::labels labels{{"route", std::string{route}},
                         {"method", std::string{method}},
                         {"status", std::to_string(status)}};
  route_metrics m{&reg.counter("griddle_http_requests_total", labels),
                  &reg.histogram("griddle_http_request_duration", labels)};
  return cache.emplace(std::move(k), m).first->second;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms.count()));
  return buf;
}

}  // namespace

void server_core::record(const exchange& ex, unsigned status, size_t body_bytes) {
  auto elapsed = exchange::clock::now() - ex.started();
  auto method = ex.request().method_string();
  std::string_view method_sv{method.data(), method.size()};
  if (ex.request().method() == http::verb::unknown)
    method_sv = "OTHER";  // clients must not create unbounded label values
  auto& m = metrics_for(ex.route(), method_sv, status);
  m.requests->inc();
  m.latency->record(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  if (!opts.access_log)
    return;
  auto target = ex.request().target();
  nlohmann::json line{
      {"ts", utc_now()},
      {"client", ex.client()},
      {"method", std::string{method.data(), method.size()}},
      {"target", std::string{target.data(), target.size()}},
      {"route", std::string{ex.route()}},
      {"status", status},
      {"bytes", body_bytes},
      {"ms", std::chrono::duration<double, std::milli>(elapsed).count()},
  };
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

namespace {

/// How often a loop checks its connections' deadlines: an eighth of the
/// shortest time-out, between 10 and 250 ms.
std::chrono::milliseconds sweep_interval(const http_options& opts) {
  auto shortest = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::min(opts.read_timeout, opts.idle_timeout));
  return std::clamp(shortest / 8, std::chrono::milliseconds{10}, std::chrono::milliseconds{250});
}

void arm_sweep(io_loop& loop, std::chrono::milliseconds every) {
  loop.sweep->expires_after(every);
  loop.sweep->async_wait([&loop, every](boost::system::error_code ec) {
    if (ec)
      return;
    auto now = std::chrono::steady_clock::now();
    // Copy first: a connection may end while others are checked.
    std::vector<connection*> conns{loop.connections.begin(), loop.connections.end()};
    for (auto* conn : conns)
      conn->check_deadline(now);
    arm_sweep(loop, every);
  });
}

void accept_next(std::shared_ptr<server_core> core) {
  auto& acceptor = *core->acceptor;
  auto index = core->next_loop++ % core->loops.size();
  auto& loop = *core->loops[index];
  acceptor.async_accept(loop.ctx.get_executor(), [core, index, &loop](boost::system::error_code ec,
                                                                      tcp::socket socket) {
    if (ec == asio::error::operation_aborted)
      return;  // the listener closed
    if (!ec) {
      socket.set_option(tcp::no_delay{true}, ec);
      auto full = core->connections.load() >= core->opts.max_connections;
      // The socket belongs to `loop`; start it there.
      asio::post(loop.ctx, [core, index, &loop, s = std::move(socket), full]() mutable {
        auto conn = std::make_shared<connection>(core, loop, index, std::move(s));
        if (full)
          conn->refuse();
        else
          conn->start();
      });
    }
    accept_next(core);
  });
}

}  // namespace

}  // namespace detail

http_server::http_server(http_options opts, request_handler handler)
    : core_(std::make_shared<detail::server_core>(std::move(opts), std::move(handler))) {
  for (size_t i = 0; i < core_->opts.threads; ++i)
    core_->loops.push_back(std::make_unique<detail::io_loop>());
}

http_server::~http_server() {
  drain();
}

caf::error http_server::start() {
  std::string host;
  uint16_t port = 0;
  if (auto err = core_->opts.split_listen(host, port))
    return err;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    return make_error(errc::invalid_argument, "http address '" + host + "': " + ec.message());
  tcp::endpoint endpoint{address, port};
  auto acceptor = std::make_unique<tcp::acceptor>(core_->loops[0]->ctx);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec)
    acceptor->set_option(asio::socket_base::reuse_address{true}, ec);
  if (!ec)
    acceptor->bind(endpoint, ec);
  if (!ec)
    acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(errc::invalid_argument,
                      "cannot listen on " + core_->opts.listen + ": " + ec.message());
  core_->port = acceptor->local_endpoint().port();
  core_->acceptor = std::move(acceptor);
  detail::accept_next(core_);
  for (auto& loop : core_->loops) {
    loop->sweep.emplace(loop->ctx);
    detail::arm_sweep(*loop, detail::sweep_interval(core_->opts));
  }
  for (auto& loop : core_->loops) {
    threads_.emplace_back([ctx = &loop->ctx] {
      auto guard = asio::make_work_guard(*ctx);
      ctx->run();
    });
  }
  return caf::none;
}

uint16_t http_server::port() const noexcept {
  return core_->port;
}

bool http_server::draining() const noexcept {
  return core_->draining;
}

size_t http_server::open_connections() const noexcept {
  return core_->connections;
}

size_t http_server::in_flight() const noexcept {
  return core_->in_flight;
}

void http_server::drain() {
  if (stopped_)
    return;
  stopped_ = true;
  core_->draining = true;
  if (threads_.empty())
    return;
  auto core = core_;
  // Still accepting, but every answer closes its connection and /readyz says
  // 503, so a load balancer moves on before the listener goes.
  std::this_thread::sleep_for(core->opts.drain_grace);
  asio::post(core->loops[0]->ctx, [core] {
    boost::system::error_code ignored;
    if (core->acceptor)
      core->acceptor->close(ignored);
  });
  for (auto& loop : core->loops)
    asio::post(loop->ctx, [l = loop.get()] {
      // Copy first: closing erases from the set.
      std::vector<detail::connection*> conns{l->connections.begin(), l->connections.end()};
      for (auto* conn : conns)
        conn->drain();
    });
  auto deadline = std::chrono::steady_clock::now() + core->opts.drain_timeout;
  while (core->in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Let the last answers reach their sockets before the loops stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& loop : core->loops)
    loop->ctx.stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  // Close what is left and run the aborted operations, so their handlers
  // release the connections now rather than at the end of the process.
  for (auto& loop : core->loops) {
    loop->ctx.restart();
    std::vector<detail::connection*> conns{loop->connections.begin(), loop->connections.end()};
    for (auto* conn : conns)
      conn->close();
    loop->ctx.poll();
  }
}

}  // namespace griddle::gateway
