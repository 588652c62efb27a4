// One client connection: reads a request, hands it to the handler, writes the
// answer, repeats; or, after `open_event_stream`, writes pushed events until
// the client goes. Every member runs on the connection's own loop; other
// threads reach it only through `post`.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "gateway/detail/server_core.hpp"

namespace griddle::gateway::detail {

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<server_core> core, io_loop& loop, size_t io_index,
             boost::asio::ip::tcp::socket socket);
  ~connection();

  /// Starts reading; keeps itself alive through its pending operations.
  void start();

  /// Answers 503 and closes: the server is at its connection limit.
  void refuse();

  /// Called on the loop when the server drains.
  void drain();

  /// Closes the socket now, whatever the connection is doing.
  void close();

  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

  /// Whether the caller runs on this connection's loop.
  bool on_loop() const noexcept;

  /// Called by the loop's sweep (see `io_loop`): acts on a passed deadline
  /// (408 while reading a request, close while idle or writing).
  void check_deadline(std::chrono::steady_clock::time_point now);

  // -- called on the loop by exchanges and event sinks -----------------------

  void finish(const exchange& ex, http_response res);
  void begin_stream(const exchange& ex, std::function<void()> on_close);
  void push(std::string frame);
  bool streaming() const noexcept { return streaming_; }

 private:
  enum class phase { idle, reading, handling, writing, streaming, closed };

  void wait_for_request();
  void read_request();
  void on_header(boost::beast::error_code ec);
  void on_body(boost::beast::error_code ec);
  /// Handles the read errors common to head and body; true when handled.
  bool read_failed(boost::beast::error_code ec);
  /// The headers' size as received (request line included).
  size_t header_bytes() const;
  void dispatch();
  /// Answers a request that could not be read, then closes.
  void reject(const api_error& err);
  void write(const http_response& res, bool close);
  void set_deadline(std::chrono::steady_clock::duration d);
  void write_next_frame();
  void watch_stream();
  void ping_later();

  // Shared: a late answer may keep a connection alive after the server.
  std::shared_ptr<server_core> core_;
  io_loop& loop_;
  size_t io_index_;
  std::string client_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  phase phase_ = phase::idle;
  bool streaming_ = false;
  bool counted_in_flight_ = false;
  /// Requests handed to the handler so far.
  size_t served_ = 0;
  // -- event stream ----------------------------------------------------------
  std::deque<std::string> frames_;
  bool frame_writing_ = false;
  std::function<void()> on_stream_close_;
  std::optional<boost::asio::steady_timer> ping_;
  /// When the current phase must be over: idle (a new request must start),
  /// reading (it must be complete), writing (the answer must be out). The
  /// loop's sweep checks it; no timer per request.
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool read_timed_out_ = false;
  /// The answer being written: head and body serialized into one buffer,
  /// reused from request to request.
  std::string out_;
  char discard_[256];
};

}  // namespace griddle::gateway::detail
