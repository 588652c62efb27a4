// Frames HTTP/1.1 responses in the bytes a connection reads and keeps only
// what the load generator needs: the status and whether the connection stays
// open. Bodies (Content-Length, chunked or up to the close) are skipped,
// never copied. Beast's `basic_parser` does the framing; a fresh one is
// constructed in place for each response, which allocates nothing.
//
// Not thread-safe: one per connection.
#pragma once

#include <cstddef>
#include <optional>

#include <boost/beast/http/basic_parser.hpp>

namespace griddle::bench::load {

class response_reader {
 public:
  enum class state { need_more, complete, failed };

  response_reader() { reset(); }

  /// Parses from `data`; stores in `used` how many bytes it took. On
  /// `complete`, `status()` and `keep_alive()` describe the response and
  /// the next call starts the next one. A response header must fit in one
  /// call's bytes.
  state feed(const char* data, size_t size, size_t& used);

  /// The peer closed: completes a body that runs to the close (`complete`),
  /// or reports a response cut short (`failed`, also with nothing pending:
  /// check `pending()` first).
  state end_of_stream();

  /// Forgets any partial response: the next byte starts a new one.
  void reset();

  /// True once bytes of a response arrived that did not complete it.
  bool pending() const noexcept { return parser_->got_some(); }

  int status() const noexcept { return status_; }
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  class status_parser : public boost::beast::http::basic_parser<false> {
   public:
    int status = 0;

   private:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;
    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code&) override {}
    void on_response_impl(int code, string_view, int, error_code&) override { status = code; }
    void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
    size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
      return body.size();
    }
    void on_finish_impl(error_code&) override {}
  };

  state finished();

  std::optional<status_parser> parser_;
  int status_ = 0;
  bool keep_alive_ = true;
};

}  // namespace griddle::bench::load
