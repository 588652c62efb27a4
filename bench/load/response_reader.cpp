#include "bench/load/response_reader.hpp"

#include <limits>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

namespace griddle::bench::load {

void response_reader::reset() {
  parser_.emplace();
  parser_->eager(true);
  // Not boost::none: Beast 1.74 compares a Content-Length against the empty
  // optional and reports "body limit exceeded".
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
}

response_reader::state response_reader::feed(const char* data, size_t size, size_t& used) {
  boost::beast::error_code ec;
  used = parser_->put(boost::asio::const_buffer{data, size}, ec);
  if (ec == boost::beast::http::error::need_more) {
    return state::need_more;
  }
  if (ec)
    return state::failed;
  return parser_->is_done() ? finished() : state::need_more;
}

response_reader::state response_reader::end_of_stream() {
  if (!parser_->got_some())
    return state::failed;
  boost::beast::error_code ec;
  parser_->put_eof(ec);
  if (ec || !parser_->is_done())
    return state::failed;
  return finished();
}

response_reader::state response_reader::finished() {
  status_ = parser_->status;
  keep_alive_ = parser_->keep_alive();
  reset();
  return state::complete;
}

}  // namespace griddle::bench::load
