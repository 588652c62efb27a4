// A small blocking HTTP/1.1 client for end-to-end tests of the HTTP gateway: one
// TCP connection to 127.0.0.1, requests, pipelined responses (Content-Length,
// chunked or close-delimited bodies) and Server-Sent Events. POSIX sockets only.
// A connection belongs to one thread; every read has a deadline, so a silent
// server makes a test fail instead of hang.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_message.hpp"

namespace griddle::test {

namespace detail {

/// A socket descriptor, closed when its owner goes; moving hands it over.
class owned_fd {
 public:
  explicit owned_fd(int fd) : fd_(fd) {}
  owned_fd(owned_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  owned_fd& operator=(owned_fd&&) = delete;
  ~owned_fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace detail

/// A keep-alive connection to 127.0.0.1:`port`. Responses are read in the order
/// of the requests; bytes after a response stay buffered for the next read.
/// Lines may end in CRLF or a bare LF.
class http_connection {
 public:
  using clock = std::chrono::steady_clock;

  /// Connects at once; throws std::system_error (a std::runtime_error) with the
  /// errno text on failure. `timeout` bounds each read_response() and request().
  explicit http_connection(uint16_t port,
                           std::chrono::milliseconds timeout = std::chrono::seconds{10})
      : port_(port), timeout_(timeout) {
    if (fd_.get() < 0)
      throw std::system_error(errno, std::generic_category(), "socket");
    int one = 1;
    ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::system_error(errno, std::generic_category(),
                              "connect to 127.0.0.1:" + std::to_string(port));
  }

  http_connection(http_connection&&) noexcept = default;
  http_connection& operator=(http_connection&&) = delete;

  uint16_t port() const { return port_; }

  // -- plain HTTP -------------------------------------------------------------------

  /// Writes all of `bytes`; throws std::system_error when the peer is gone.
  void send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      auto n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw std::system_error(errno, std::generic_category(), "send");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// Reads exactly one response (skipping interim 1xx ones), or nullopt when the
  /// peer closes first or the time-out passes. Pass `head_request` for the
  /// response to a HEAD, which has no body. Throws on a malformed response.
  std::optional<http_response> read_response(bool head_request = false) {
    auto deadline = clock::now() + timeout_;
    for (;;) {
      auto response = take_response(head_request);
      if (response && response->status / 100 == 1 && response->status != 101)
        continue;
      if (response)
        return response;
      if (peer_closed_)
        return std::nullopt;
      if (!fill(deadline) && !peer_closed_)
        return std::nullopt;
    }
  }

  /// Sends `method target` with Host, the body (Content-Type: application/json
  /// unless `headers` name another) and `headers`, then reads the response.
  /// Throws std::runtime_error when none arrives within the time-out.
  http_response request(std::string_view method, std::string_view target,
                        std::string_view body = {}, const http_headers& headers = {}) {
    send_raw(format_request(method, target, body, headers));
    auto response = read_response(method == "HEAD");
    if (!response)
      throw std::runtime_error("no response to " + std::string{method} + " " + std::string{target} +
                               " on port " + std::to_string(port_) +
                               (peer_closed_ ? ": connection closed" : ": timed out"));
    return std::move(*response);
  }

  /// Whether the peer closes the connection (FIN or RST) within `wait`; bytes
  /// arriving meanwhile stay buffered.
  bool closed_by_peer(std::chrono::milliseconds wait) {
    auto deadline = clock::now() + wait;
    while (!peer_closed_ && fill(deadline)) {
      // Keep reading: a response may precede the close.
    }
    return peer_closed_;
  }

  // -- Server-Sent Events -------------------------------------------------------------

  /// Sends a GET with `Accept: text/event-stream` and reads the response head.
  /// True for a 200 with Content-Type text/event-stream; otherwise false, and
  /// events_response() holds the whole response, to show why.
  bool start_events(std::string_view target, const http_headers& headers = {}) {
    auto all = headers;
    all.emplace_back("Accept", "text/event-stream");
    send_raw(format_request("GET", target, {}, all));
    auto deadline = clock::now() + timeout_;
    for (;;) {
      http_response head;
      if (auto size = detail::parse_head(buf_, head)) {
        if (head.status / 100 == 1) {
          buf_.erase(0, size);
          continue;
        }
        auto type = head.header("Content-Type");
        if (head.status == 200 && detail::iequals(type.substr(0, 17), "text/event-stream")) {
          buf_.erase(0, size);
          sse_chunked_ = detail::is_chunked(head);
          events_response_ = std::move(head);
          return true;
        }
        auto whole = read_response();
        events_response_ = whole ? std::move(*whole) : std::move(head);
        return false;
      }
      if (peer_closed_ || !fill(deadline))
        return false;
    }
  }

  /// The response start_events() read: the head of the stream, or the response
  /// that refused it.
  const http_response& events_response() const { return events_response_; }

  /// The next event of the stream within `wait`, skipping comments (":" lines,
  /// keep-alive pings); nullopt on time-out or at the end of the stream.
  std::optional<sse_event> next_event(std::chrono::milliseconds wait) {
    auto deadline = clock::now() + wait;
    for (;;) {
      if (auto event = take_event())
        return event;
      if (!decode_stream() && (sse_ended_ || peer_closed_ || !fill(deadline)))
        return std::nullopt;
    }
  }

 private:
  std::string format_request(std::string_view method, std::string_view target,
                             std::string_view body, const http_headers& headers) const {
    auto named = [&](std::string_view name) {
      for (auto& field : headers)
        if (detail::iequals(field.first, name))
          return true;
      return false;
    };
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    if (!named("Host"))
      out.append("Host: 127.0.0.1:").append(std::to_string(port_)).append("\r\n");
    if (!body.empty() && !named("Content-Type"))
      out.append("Content-Type: application/json\r\n");
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    for (auto& [name, value] : headers)
      out.append(name).append(": ").append(value).append("\r\n");
    out.append("\r\n").append(body);
    return out;
  }

  /// Reads what arrives before `deadline` into the buffer; false when the peer
  /// closed (setting peer_closed_) or the deadline passed.
  bool fill(clock::time_point deadline) {
    for (;;) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
      if (left.count() <= 0)
        return false;
      pollfd pfd{fd_.get(), POLLIN, 0};
      auto ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "poll");
      if (ready <= 0)
        continue;
      char chunk[16384];
      auto n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
      if (n > 0) {
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n == 0 || errno == ECONNRESET) {
        peer_closed_ = true;
        return false;
      }
      if (errno != EINTR && errno != EAGAIN)
        throw std::system_error(errno, std::generic_category(), "recv");
    }
  }

  /// Removes one complete response from the front of the buffer, if there is one.
  std::optional<http_response> take_response(bool head_request) {
    http_response out;
    auto pos = detail::parse_head(buf_, out);
    if (pos == 0)
      return std::nullopt;
    auto no_body = head_request || out.status / 100 == 1 || out.status == 204 || out.status == 304;
    if (no_body) {
      // Nothing to read.
    } else if (detail::is_chunked(out)) {
      auto end = detail::parse_chunked(buf_, pos, out.body, out.headers);
      if (!end)
        return std::nullopt;
      pos = *end;
    } else if (auto length = out.header("Content-Length"); !length.empty()) {
      size_t size = 0;
      auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
      if (ec != std::errc{} || end != length.data() + length.size())
        detail::malformed("Content-Length", length);
      if (buf_.size() - pos < size)
        return std::nullopt;
      out.body = buf_.substr(pos, size);
      pos += size;
    } else {
      // No framing: the body ends where the connection does.
      if (!peer_closed_)
        return std::nullopt;
      out.body = buf_.substr(pos);
      pos = buf_.size();
    }
    buf_.erase(0, pos);
    return out;
  }

  /// Moves the stream's bytes from the buffer to sse_text_, undoing chunked
  /// framing; false when there was nothing to move.
  bool decode_stream() {
    if (!sse_chunked_) {
      if (buf_.empty())
        return false;
      sse_text_ += buf_;
      buf_.clear();
      return true;
    }
    size_t pos = 0;
    bool moved = false;
    while (!sse_ended_) {
      auto size = detail::take_chunk(buf_, pos, sse_text_);
      if (!size)
        break;
      moved = moved || *size > 0;
      sse_ended_ = *size == 0;
    }
    buf_.erase(0, pos);
    return moved;
  }

  /// Processes complete lines of sse_text_ until one dispatches an event.
  std::optional<sse_event> take_event() {
    size_t pos = 0;
    std::optional<sse_event> out;
    while (!out) {
      auto line = detail::next_line(sse_text_, pos);
      if (!line)
        break;
      if (line->empty()) {
        if (!sse_data_.empty()) {
          sse_data_.pop_back();
          out = sse_event{sse_type_.empty() ? "message" : sse_type_, sse_data_, sse_id_};
        }
        sse_type_.clear();
        sse_data_.clear();
        continue;
      }
      if (line->front() == ':')
        continue;
      auto colon = line->find(':');
      auto field = line->substr(0, colon);
      auto value = colon == std::string_view::npos ? std::string_view{} : line->substr(colon + 1);
      if (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      if (field == "event")
        sse_type_ = value;
      else if (field == "data")
        sse_data_.append(value).append("\n");
      else if (field == "id" && value.find('\0') == std::string_view::npos)
        sse_id_ = value;
    }
    sse_text_.erase(0, pos);
    return out;
  }

  uint16_t port_;
  std::chrono::milliseconds timeout_;
  detail::owned_fd fd_{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  std::string buf_;
  bool peer_closed_ = false;

  // -- event stream state -------------------------------------------------------------
  http_response events_response_;
  bool sse_chunked_ = false;
  bool sse_ended_ = false;
  std::string sse_text_;
  std::string sse_type_;
  std::string sse_data_;
  std::string sse_id_;
};

// -- one request per connection -------------------------------------------------------

/// Opens a connection to `port`, sends one request and returns its response.
inline http_response http_request(uint16_t port, std::string_view method, std::string_view target,
                                  std::string_view body = {}, const http_headers& headers = {}) {
  return http_connection{port}.request(method, target, body, headers);
}

inline http_response http_get(uint16_t port, std::string_view target,
                              const http_headers& headers = {}) {
  return http_request(port, "GET", target, {}, headers);
}

inline http_response http_delete(uint16_t port, std::string_view target,
                                 const http_headers& headers = {}) {
  return http_request(port, "DELETE", target, {}, headers);
}

inline http_response http_post(uint16_t port, std::string_view target, std::string_view body,
                               const http_headers& headers = {}) {
  return http_request(port, "POST", target, body, headers);
}

inline http_response http_put(uint16_t port, std::string_view target, std::string_view body,
                              const http_headers& headers = {}) {
  return http_request(port, "PUT", target, body, headers);
}

inline http_response http_patch(uint16_t port, std::string_view target, std::string_view body,
                                const http_headers& headers = {}) {
  return http_request(port, "PATCH", target, body, headers);
}

}  // namespace griddle::test
