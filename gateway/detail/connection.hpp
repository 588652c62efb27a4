// One client connection: reads a request, hands it to the handler, writes the
// answer, repeats; or, after `open_event_stream`, writes pushed events until
// the client goes. Every member runs on the connection's own loop; other
// threads reach it only through `post`.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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

  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

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
  void write(std::shared_ptr<http_response> res, bool close);
  void write_next_frame();
  void watch_stream();
  void ping_later();

  // Shared: a late answer may keep a connection alive after the server.
  std::shared_ptr<server_core> core_;
  io_loop& loop_;
  size_t io_index_;
  std::string client_;
  boost::beast::tcp_stream stream_;
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
  /// Bounds reading one request; the socket stays open so 408 can be sent.
  boost::asio::steady_timer read_timer_;
  bool read_timed_out_ = false;
  char discard_[256];
};

}  // namespace griddle::gateway::detail
