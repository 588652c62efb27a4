#include "gateway/detail/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include "gateway/api_error.hpp"

namespace griddle::gateway::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

/// Pushes to one event stream from any thread.
class stream_sink final : public event_sink {
 public:
  explicit stream_sink(std::weak_ptr<connection> conn, asio::any_io_executor exec)
      : conn_(std::move(conn)), exec_(std::move(exec)) {}

  bool push(std::string frame) override {
    if (closed_)
      return false;
    asio::post(exec_, [conn = conn_, frame = std::move(frame)]() mutable {
      if (auto c = conn.lock())
        c->push(std::move(frame));
    });
    return true;
  }

  bool closed() const noexcept override { return closed_; }

  void mark_closed() noexcept { closed_ = true; }

 private:
  std::weak_ptr<connection> conn_;
  asio::any_io_executor exec_;
  std::atomic<bool> closed_{false};
};

/// The exchange of one request on one connection.
class connection_exchange final : public exchange {
 public:
  connection_exchange(std::shared_ptr<connection> conn, http_request req, std::string client,
                      size_t io_index)
      : exchange(std::move(req), std::move(client), io_index), conn_(std::move(conn)) {}

  void respond(http_response res) override {
    if (answered_.exchange(true))
      return;
    auto self = std::static_pointer_cast<connection_exchange>(shared_from_this_());
    // Answered on the connection's own loop (the handler read published
    // views): write now rather than through the loop's queue.
    if (conn_->on_loop()) {
      conn_->finish(*self, std::move(res));
      return;
    }
    asio::post(conn_->executor(), [self, res = std::move(res)]() mutable {
      self->conn_->finish(*self, std::move(res));
    });
  }

  std::shared_ptr<event_sink> open_event_stream(std::function<void()> on_close) override {
    if (answered_.exchange(true))
      return nullptr;
    auto sink = std::make_shared<stream_sink>(conn_, conn_->executor());
    auto self = std::static_pointer_cast<connection_exchange>(shared_from_this_());
    asio::post(conn_->executor(), [self, sink, on_close = std::move(on_close)]() mutable {
      self->conn_->begin_stream(*self, [sink, on_close = std::move(on_close)] {
        sink->mark_closed();
        if (on_close)
          on_close();
      });
    });
    return sink;
  }

 private:
  std::shared_ptr<exchange> shared_from_this_() { return shared_from_this(); }

  std::shared_ptr<connection> conn_;
  std::atomic<bool> answered_{false};
};

constexpr const char* stream_head =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-cache\r\n"
    "X-Accel-Buffering: no\r\n"
    "Connection: close\r\n"
    "\r\n";

/// Comment frames keep proxies from timing out a quiet stream and reveal a
/// dead client.
constexpr auto ping_every = std::chrono::seconds(15);

}  // namespace

connection::connection(std::shared_ptr<server_core> core, io_loop& loop, size_t io_index,
                       asio::ip::tcp::socket socket)
    : core_(std::move(core)), loop_(loop), io_index_(io_index), socket_(std::move(socket)) {
  beast::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  client_ = ec ? std::string{"unknown"} : ep.address().to_string();
  ++core_->connections;
  loop_.connections.insert(this);
}

connection::~connection() {
  loop_.connections.erase(this);
  --core_->connections;
}

void connection::start() {
  wait_for_request();
}

bool connection::on_loop() const noexcept {
  return loop_.ctx.get_executor().running_in_this_thread();
}

void connection::set_deadline(std::chrono::steady_clock::duration d) {
  deadline_ = std::chrono::steady_clock::now() + d;
}

void connection::check_deadline(std::chrono::steady_clock::time_point now) {
  if (now < deadline_)
    return;
  deadline_ = std::chrono::steady_clock::time_point::max();
  if (phase_ == phase::reading) {
    // The pending read ends with operation_aborted; read_failed answers 408.
    read_timed_out_ = true;
    beast::error_code ignored;
    socket_.cancel(ignored);
  } else if (phase_ == phase::idle || phase_ == phase::writing) {
    close();
  }
}

void connection::refuse() {
  reject(api_error::unavailable("too many connections"));
}

void connection::drain() {
  if (phase_ == phase::idle)
    close();
  else if (phase_ == phase::streaming)
    close();
  // Reading, handling or writing: the answer goes out with Connection: close.
}

// -- reading requests ---------------------------------------------------------

void connection::wait_for_request() {
  // While draining, a connection serves at most one more request.
  if (core_->draining && served_ > 0) {
    close();
    return;
  }
  phase_ = phase::idle;
  if (buffer_.size() > 0) {  // a pipelined request is already here
    read_request();
    return;
  }
  set_deadline(core_->opts.idle_timeout);
  socket_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            if (ec) {
                              self->close();
                              return;
                            }
                            self->buffer_.commit(n);
                            self->read_request();
                          });
}

void connection::read_request() {
  phase_ = phase::reading;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(core_->opts.max_header_bytes));
  parser_->body_limit(core_->opts.max_body_bytes);
  read_timed_out_ = false;
  set_deadline(core_->opts.read_timeout);
  http::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

bool connection::read_failed(beast::error_code ec) {
  if (!ec)
    return false;
  if (read_timed_out_) {
    reject(api_error{408, "request_timeout", "the request did not arrive in time", {}});
  } else if (ec == http::error::body_limit) {
    reject(api_error::payload_too_large());
  } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
             ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
    close();  // the client went away mid-request: nobody to answer
  } else {
    reject(api_error::bad_request("malformed request: " + ec.message()));
  }
  return true;
}

size_t connection::header_bytes() const {
  auto& req = parser_->get();
  // Request line and "name: value\r\n" per field, as sent (near enough:
  // optional whitespace is not counted).
  size_t total = req.method_string().size() + req.target().size() + 12;
  for (auto& field : req)
    total += field.name_string().size() + field.value().size() + 4;
  return total + 2;
}

void connection::on_header(beast::error_code ec) {
  if (ec == http::error::header_limit) {
    // Still in the request line: 414; past it, in the fields: 431.
    auto in_start_line = parser_->get().method_string().empty();
    reject(in_start_line ? api_error::uri_too_long() : api_error::headers_too_large());
    return;
  }
  if (read_failed(ec))
    return;
  auto& req = parser_->get();
  if (req.target().size() > core_->opts.max_uri_bytes) {
    reject(api_error::uri_too_long());
    return;
  }
  if (header_bytes() > core_->opts.max_header_bytes) {
    reject(api_error::headers_too_large());
    return;
  }
  if (auto len = parser_->content_length(); len && *len > core_->opts.max_body_bytes) {
    reject(api_error::payload_too_large());
    return;
  }
  if (parser_->is_done()) {
    on_body({});
    return;
  }
  auto expect = req[http::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    auto cont = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
    asio::async_write(socket_, asio::buffer(*cont),
                      [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                        if (ec) {
                          self->close();
                          return;
                        }
                        http::async_read(
                            self->socket_, self->buffer_, *self->parser_,
                            [self](beast::error_code ec, size_t) { self->on_body(ec); });
                      });
    return;
  }
  http::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
}

void connection::on_body(beast::error_code ec) {
  if (read_failed(ec))
    return;
  deadline_ = std::chrono::steady_clock::time_point::max();
  dispatch();
}

void connection::dispatch() {
  phase_ = phase::handling;
  ++served_;
  ++core_->in_flight;
  counted_in_flight_ = true;
  auto req = parser_->release();
  auto client = client_;
  if (core_->opts.trust_forwarded) {
    std::string_view forwarded = req["X-Forwarded-For"];
    if (!forwarded.empty()) {
      auto last = forwarded.substr(forwarded.rfind(',') + 1);
      auto first = last.find_first_not_of(' ');
      if (first != std::string_view::npos)
        client = std::string{last.substr(first, last.find_last_not_of(' ') - first + 1)};
    }
  }
  auto ex = std::make_shared<connection_exchange>(shared_from_this(), std::move(req),
                                                  std::move(client), io_index_);
  parser_.reset();
  if (core_->in_flight > core_->opts.max_in_flight) {
    ex->fail(api_error::unavailable("overloaded; try again shortly"));
    return;
  }
  try {
    core_->handler(ex);
  } catch (const std::exception& e) {
    ex->fail(api_error::internal(e.what()));
  }
}

void connection::reject(const api_error& err) {
  http_response res{static_cast<http::status>(err.status), 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::server, "griddle");
  res.keep_alive(false);
  res.body() = err.body();
  res.prepare_payload();
  write(res, true);
}

// -- writing answers ----------------------------------------------------------

void connection::finish(const exchange& ex, http_response res) {
  if (phase_ == phase::closed)
    return;
  bool close_after = !ex.request().keep_alive() || core_->draining;
  res.version(ex.request().version());
  res.keep_alive(!close_after);
  res.set(http::field::server, "griddle");
  res.prepare_payload();
  core_->record(ex, res.result_int(), res.body().size());
  write(res, close_after);
}

void connection::write(const http_response& res, bool close_after) {
  phase_ = phase::writing;
  set_deadline(core_->opts.read_timeout);
  // The status line and the fields as they are (prepare_payload and
  // keep_alive have set Content-Length and Connection), then the body, in
  // one buffer and one write.
  out_.clear();
  out_ += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out_ += std::to_string(res.result_int());
  out_ += ' ';
  auto reason = res.reason();
  if (reason.empty())
    reason = http::obsolete_reason(res.result());
  out_.append(reason.data(), reason.size());
  out_ += "\r\n";
  for (auto& field : res) {
    auto name = field.name_string();
    auto value = field.value();
    out_.append(name.data(), name.size());
    out_ += ": ";
    out_.append(value.data(), value.size());
    out_ += "\r\n";
  }
  out_ += "\r\n";
  out_ += res.body();
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this(), close_after](beast::error_code ec, size_t) {
                      if (self->counted_in_flight_) {
                        self->counted_in_flight_ = false;
                        --self->core_->in_flight;
                      }
                      if (ec || close_after) {
                        self->close();
                        return;
                      }
                      self->wait_for_request();
                    });
}

// -- event streams ------------------------------------------------------------

void connection::begin_stream(const exchange& ex, std::function<void()> on_close) {
  if (phase_ == phase::closed) {
    if (on_close)
      on_close();
    return;
  }
  phase_ = phase::streaming;
  streaming_ = true;
  on_stream_close_ = std::move(on_close);
  if (counted_in_flight_) {
    counted_in_flight_ = false;
    --core_->in_flight;
  }
  core_->record(ex, 200, 0);
  deadline_ = std::chrono::steady_clock::time_point::max();
  frames_.emplace_front(stream_head);
  write_next_frame();
  watch_stream();
  ping_later();
  if (core_->draining)
    close();
}

void connection::push(std::string frame) {
  if (phase_ != phase::streaming)
    return;
  // A client that reads nothing gets cut off rather than growing the queue.
  if (frames_.size() > 1024) {
    close();
    return;
  }
  frames_.push_back(std::move(frame));
  write_next_frame();
}

void connection::write_next_frame() {
  if (frame_writing_ || frames_.empty() || phase_ != phase::streaming)
    return;
  frame_writing_ = true;
  asio::async_write(socket_, asio::buffer(frames_.front()),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->frame_writing_ = false;
                      if (ec) {
                        self->close();
                        return;
                      }
                      if (!self->frames_.empty())
                        self->frames_.pop_front();
                      self->write_next_frame();
                    });
}

void connection::watch_stream() {
  // The client sends nothing on an event stream; a read that ends means it left.
  socket_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) {
                              self->close();
                              return;
                            }
                            self->watch_stream();
                          });
}

void connection::ping_later() {
  if (!ping_)
    ping_.emplace(socket_.get_executor());
  ping_->expires_after(ping_every);
  ping_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->phase_ != phase::streaming)
      return;
    self->push(": ping\n\n");
    self->ping_later();
  });
}

void connection::close() {
  if (phase_ == phase::closed)
    return;
  auto was_streaming = phase_ == phase::streaming;
  phase_ = phase::closed;
  if (counted_in_flight_) {
    // The answer was never written; the handler's late answer is dropped.
    counted_in_flight_ = false;
    --core_->in_flight;
  }
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (ping_)
    ping_->cancel();
  if (was_streaming && on_stream_close_) {
    auto fn = std::move(on_stream_close_);
    on_stream_close_ = nullptr;
    fn();
  }
}

}  // namespace griddle::gateway::detail
