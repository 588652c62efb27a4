// One keep-alive HTTP/1.1 connection of the load generator. The owner (the
// thread's worker) appends requests to `outbox()` and calls `flush()`; the
// connection writes them (while one write is under way, later requests
// wait in the outbox and go out together), reads continuously, and reports
// each response, in order, with its status. A connection that fails or is
// closed reports it and connects again by itself (after 100 ms when the
// connect failed), until `close()`.
//
// Buffers are allocated once and reused, so steady traffic allocates
// nothing. Belongs to the thread running its io_context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/load/response_reader.hpp"

namespace griddle::bench::load {

/// What a connection tells its owner. Called on the io_context's thread.
class connection_events {
 public:
  virtual ~connection_events() = default;
  /// Connection `c` is open and takes requests.
  virtual void on_connected(size_t c) = 0;
  /// A connect attempt of `c` failed; it retries shortly.
  virtual void on_connect_failed(size_t c) = 0;
  /// The oldest request on `c` got a response with `status`; with `closing`
  /// the connection closes next (`on_closed` follows), so it takes no more.
  virtual void on_response(size_t c, int status, bool closing) = 0;
  /// `c` is closed (read or write error, a bad response, the peer closed or
  /// asked to close); requests it had outstanding got no answer. It
  /// reconnects at once.
  virtual void on_closed(size_t c) = 0;
};

class client_connection {
 public:
  client_connection(boost::asio::io_context& ctx, const boost::asio::ip::tcp::endpoint& peer,
                    size_t index, connection_events& owner);

  client_connection(const client_connection&) = delete;
  client_connection& operator=(const client_connection&) = delete;

  /// Connects synchronously (before the io_context runs); on failure, the
  /// first asynchronous retry is scheduled. Returns whether it connected.
  bool connect_now();

  /// Where the owner appends requests; `flush()` sends them.
  std::string& outbox() noexcept { return outbox_; }

  /// Starts writing the outbox unless a write is under way.
  void flush();

  /// Closes for good: no more callbacks, no reconnect.
  void close();

 private:
  void connect_async();
  void retry_after_failed_connect();
  void opened();
  void start_read();
  void on_read(const boost::system::error_code& ec, size_t n);
  void on_write(const boost::system::error_code& ec);
  void lose();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::ip::tcp::endpoint peer_;
  size_t index_;
  connection_events& owner_;
  uint64_t generation_ = 0;  // handlers of an earlier socket see another value
  bool open_ = false;
  bool closed_ = false;
  bool writing_ = false;
  std::string outbox_;
  std::string writing_buf_;
  std::vector<char> read_buf_;
  size_t read_begin_ = 0;  // unparsed bytes are [read_begin_, read_end_)
  size_t read_end_ = 0;
  response_reader reader_;
};

}  // namespace griddle::bench::load
