#include "bench/load/client_connection.hpp"

#include <chrono>
#include <cstring>

#include <boost/asio/write.hpp>

namespace griddle::bench::load {

namespace {

constexpr size_t read_buffer_size = 16 * 1024;
constexpr auto connect_retry_delay = std::chrono::milliseconds(100);

}  // namespace

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

client_connection::client_connection(asio::io_context& ctx, const tcp::endpoint& peer, size_t index,
                                     connection_events& owner)
    : socket_(ctx),
      retry_timer_(ctx),
      peer_(peer),
      index_(index),
      owner_(owner),
      read_buf_(read_buffer_size) {}

bool client_connection::connect_now() {
  boost::system::error_code ec;
  socket_.connect(peer_, ec);
  if (ec) {
    socket_.close(ec);
    retry_after_failed_connect();
    return false;
  }
  opened();
  return true;
}

void client_connection::connect_async() {
  auto gen = ++generation_;
  socket_.async_connect(peer_, [this, gen](const boost::system::error_code& ec) {
    if (gen != generation_ || closed_)
      return;
    if (ec) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      owner_.on_connect_failed(index_);
      retry_after_failed_connect();
      return;
    }
    opened();
    owner_.on_connected(index_);
  });
}

void client_connection::retry_after_failed_connect() {
  retry_timer_.expires_after(connect_retry_delay);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !closed_)
      connect_async();
  });
}

void client_connection::opened() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  open_ = true;
  writing_ = false;
  outbox_.clear();
  read_begin_ = read_end_ = 0;
  reader_.reset();
  start_read();
}

void client_connection::flush() {
  if (writing_ || !open_ || outbox_.empty())
    return;
  writing_ = true;
  writing_buf_.swap(outbox_);
  auto gen = generation_;
  asio::async_write(socket_, asio::buffer(writing_buf_),
                    [this, gen](const boost::system::error_code& ec, size_t) {
                      if (gen == generation_ && !closed_)
                        on_write(ec);
                    });
}

void client_connection::on_write(const boost::system::error_code& ec) {
  writing_ = false;
  writing_buf_.clear();
  if (ec) {
    lose();
    return;
  }
  flush();
}

void client_connection::start_read() {
  if (read_begin_ == read_end_) {
    read_begin_ = read_end_ = 0;
  } else if (read_end_ == read_buf_.size()) {
    std::memmove(read_buf_.data(), read_buf_.data() + read_begin_, read_end_ - read_begin_);
    read_end_ -= read_begin_;
    read_begin_ = 0;
  }
  auto gen = generation_;
  socket_.async_read_some(asio::buffer(read_buf_.data() + read_end_, read_buf_.size() - read_end_),
                          [this, gen](const boost::system::error_code& ec, size_t n) {
                            if (gen == generation_ && !closed_)
                              on_read(ec, n);
                          });
}

void client_connection::on_read(const boost::system::error_code& ec, size_t n) {
  if (ec) {
    // A close-delimited body ends here; anything else was cut short.
    if (ec == asio::error::eof && reader_.pending() &&
        reader_.end_of_stream() == response_reader::state::complete)
      owner_.on_response(index_, reader_.status(), true);
    if (!closed_)
      lose();
    return;
  }
  read_end_ += n;
  auto gen = generation_;
  while (read_begin_ < read_end_) {
    size_t used = 0;
    auto st = reader_.feed(read_buf_.data() + read_begin_, read_end_ - read_begin_, used);
    read_begin_ += used;
    if (st == response_reader::state::failed) {
      lose();
      return;
    }
    if (st == response_reader::state::need_more) {
      if (used == 0 && read_begin_ == 0 && read_end_ == read_buf_.size()) {
        lose();  // a response header larger than the buffer
        return;
      }
      break;
    }
    auto keep_alive = reader_.keep_alive();
    owner_.on_response(index_, reader_.status(), !keep_alive);
    if (gen != generation_ || closed_)
      return;
    if (!keep_alive) {
      lose();
      return;
    }
  }
  start_read();
}

void client_connection::lose() {
  ++generation_;
  open_ = false;
  writing_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  owner_.on_closed(index_);
  if (!closed_)
    connect_async();
}

void client_connection::close() {
  closed_ = true;
  open_ = false;
  ++generation_;
  boost::system::error_code ignored;
  retry_timer_.cancel();
  socket_.close(ignored);
}

}  // namespace griddle::bench::load
