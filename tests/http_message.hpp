// The HTTP/1.1 messages of the test client (tests/http_client.hpp): the
// response and event types, and the parsing of response heads, chunked bodies
// and header fields from a byte buffer. No I/O.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace griddle::test {

/// Header fields in the order they appear on the wire; names keep their case.
using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_response {
  int status = 0;
  std::string reason;
  /// The header fields, then the trailer fields of a chunked body.
  http_headers headers;
  std::string body;

  /// The value of the first field named `name` (case-insensitive), "" if absent.
  std::string header(std::string_view name) const;

  /// The body parsed as JSON; throws nlohmann::json::parse_error on bad JSON.
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

/// One dispatched Server-Sent Event, as a browser's EventSource reports it.
struct sse_event {
  /// The `event:` field, or "message" when the event names none.
  std::string event;
  /// The `data:` lines joined by '\n'.
  std::string data;
  /// The last `id:` seen on the stream; it carries over to later events.
  std::string id;
};

/// `Authorization: Bearer <token>`, for the `headers` argument of a request.
inline http_headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

namespace detail {

inline bool iequals(std::string_view x, std::string_view y) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

inline std::string_view trim(std::string_view str) {
  while (!str.empty() && (str.front() == ' ' || str.front() == '\t'))
    str.remove_prefix(1);
  while (!str.empty() && (str.back() == ' ' || str.back() == '\t'))
    str.remove_suffix(1);
  return str;
}

[[noreturn]] inline void malformed(std::string_view what, std::string_view text) {
  throw std::runtime_error("malformed HTTP response: " + std::string{what} + ": '" +
                           std::string{text} + "'");
}

/// The line starting at `pos` without its LF or CRLF, moving `pos` past it;
/// nullopt while the line is incomplete.
inline std::optional<std::string_view> next_line(std::string_view buf, size_t& pos) {
  auto end = buf.find('\n', pos);
  if (end == std::string_view::npos)
    return std::nullopt;
  auto line = buf.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  pos = end + 1;
  return line;
}

/// Reads header fields up to and including the empty line; false while incomplete.
inline bool parse_fields(std::string_view buf, size_t& pos, http_headers& out) {
  while (auto line = next_line(buf, pos)) {
    if (line->empty())
      return true;
    auto colon = line->find(':');
    if (colon == std::string_view::npos || colon == 0)
      malformed("header field", *line);
    out.emplace_back(std::string{trim(line->substr(0, colon))},
                     std::string{trim(line->substr(colon + 1))});
  }
  return false;
}

/// Parses the status line and header fields at the front of `buf` into `out`;
/// returns the size of the head, or 0 while it is incomplete.
inline size_t parse_head(std::string_view buf, http_response& out) {
  size_t pos = 0;
  auto line = next_line(buf, pos);
  if (!line)
    return 0;
  // "HTTP/1.1 200 OK": the reason phrase may be empty or missing.
  if (line->size() < 12 || line->substr(0, 5) != "HTTP/" || (*line)[8] != ' ' ||
      (line->size() > 12 && (*line)[12] != ' '))
    malformed("status line", *line);
  auto code = line->substr(9, 3);
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), out.status);
  if (ec != std::errc{} || end != code.data() + code.size() || out.status < 100)
    malformed("status line", *line);
  out.reason = std::string{line->size() > 13 ? line->substr(13) : std::string_view{}};
  out.headers.clear();
  return parse_fields(buf, pos, out.headers) ? pos : 0;
}

/// Parses a chunk-size line ("1a;ext=value"); nullopt while incomplete.
inline std::optional<size_t> parse_chunk_size(std::string_view buf, size_t& pos) {
  auto line = next_line(buf, pos);
  if (!line)
    return std::nullopt;
  auto digits = trim(line->substr(0, line->find(';')));
  size_t size = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
    malformed("chunk size", *line);
  return size;
}

/// Appends the data of one chunk starting at `pos` (its size line, data and
/// line end) to `out`; nullopt while incomplete, else the chunk's size.
inline std::optional<size_t> take_chunk(std::string_view buf, size_t& pos, std::string& out) {
  auto at = pos;
  auto size = parse_chunk_size(buf, at);
  if (!size)
    return std::nullopt;
  if (*size == 0) {
    pos = at;
    return size;
  }
  if (buf.size() - at < *size)
    return std::nullopt;
  auto data = buf.substr(at, *size);
  at += *size;
  auto line_end = next_line(buf, at);
  if (!line_end)
    return std::nullopt;
  if (!line_end->empty())
    malformed("chunk end", *line_end);
  out.append(data.data(), data.size());
  pos = at;
  return size;
}

/// Parses a whole chunked body at `pos`, appending the data to `body` and the
/// trailer fields to `trailers`; returns the end of the body, or nullopt.
inline std::optional<size_t> parse_chunked(std::string_view buf, size_t pos, std::string& body,
                                           http_headers& trailers) {
  for (;;) {
    auto size = take_chunk(buf, pos, body);
    if (!size)
      return std::nullopt;
    if (*size == 0)
      return parse_fields(buf, pos, trailers) ? std::optional<size_t>{pos} : std::nullopt;
  }
}

inline bool is_chunked(const http_response& head) {
  auto coding = head.header("Transfer-Encoding");
  auto comma = coding.rfind(',');
  auto last = trim(std::string_view{coding}.substr(comma == std::string::npos ? 0 : comma + 1));
  return iequals(last, "chunked");
}

}  // namespace detail

inline std::string http_response::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (detail::iequals(key, name))
      return value;
  return {};
}

}  // namespace griddle::test
