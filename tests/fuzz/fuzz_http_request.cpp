// Fuzzes what the gateway does with the bytes of one connection before any
// actor sees them: Beast's request parser with the server's default limits
// and read sequence (header first, then body, then the next pipelined request
// while the connection stays alive; see gateway/detail/connection.cpp), the
// site's route table, and the decoders a site handler runs on the path, the
// query, the Authorization header and the body.
//
// The bytes are read twice: in one piece, and in small reads whose size comes
// from the input. Both must answer the same requests, as how TCP splits a
// stream is nobody's choice (connection_log::same_as says what may differ).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "actors/social_types.hpp"
#include "gateway/api/request_codec.hpp"
#include "gateway/api_error.hpp"
#include "gateway/exchange.hpp"
#include "gateway/http_options.hpp"
#include "gateway/route_table.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace api = griddle::gateway::api;

using griddle::gateway::api_error;
using griddle::gateway::exchange;
using griddle::gateway::exchange_ptr;
using griddle::gateway::http_request;
using griddle::gateway::http_response;
using griddle::gateway::route_params;
using griddle::gateway::route_table;

using request_parser = http::request_parser<http::string_body>;

// -- the site's routes ----------------------------------------------------------

/// What a site handler decodes besides the path, the query and the token.
enum class body_kind { none, registration, login, profile_update, photo, message, read_mark };

struct site_route {
  http::verb method;
  const char* pattern;
  body_kind body;
  bool paged;  // reads ?cursor=&limit=
};

// The templates of gateway/api/site_api.cpp and site_routes.cpp.
constexpr site_route site_routes[] = {
    {http::verb::get, "/healthz", body_kind::none, false},
    {http::verb::get, "/readyz", body_kind::none, false},
    {http::verb::get, "/metrics", body_kind::none, false},
    {http::verb::get, "/openapi.json", body_kind::none, false},
    {http::verb::get, "/v1/events", body_kind::none, false},
    {http::verb::post, "/v1/users", body_kind::registration, false},
    {http::verb::post, "/v1/sessions", body_kind::login, false},
    {http::verb::delete_, "/v1/sessions/current", body_kind::none, false},
    {http::verb::get, "/v1/me", body_kind::none, false},
    {http::verb::patch, "/v1/me", body_kind::profile_update, false},
    {http::verb::get, "/v1/users/{id}", body_kind::none, false},
    {http::verb::post, "/v1/me/photos", body_kind::photo, false},
    {http::verb::get, "/v1/alerts", body_kind::none, false},
    {http::verb::post, "/v1/alerts/{kind}/seen", body_kind::none, false},
    {http::verb::post, "/v1/users/{id}/like", body_kind::none, false},
    {http::verb::delete_, "/v1/users/{id}/like", body_kind::none, false},
    {http::verb::post, "/v1/users/{id}/favourite", body_kind::none, false},
    {http::verb::delete_, "/v1/users/{id}/favourite", body_kind::none, false},
    {http::verb::post, "/v1/users/{id}/block", body_kind::none, false},
    {http::verb::delete_, "/v1/users/{id}/block", body_kind::none, false},
    {http::verb::get, "/v1/feed", body_kind::none, true},
    {http::verb::get, "/v1/visitors", body_kind::none, true},
    {http::verb::get, "/v1/likes", body_kind::none, true},
    {http::verb::get, "/v1/matches", body_kind::none, true},
    {http::verb::get, "/v1/favourites", body_kind::none, true},
    {http::verb::get, "/v1/online", body_kind::none, true},
    {http::verb::post, "/v1/conversations/{id}/messages", body_kind::message, false},
    {http::verb::get, "/v1/conversations", body_kind::none, true},
    {http::verb::get, "/v1/conversations/{id}/messages", body_kind::none, true},
    {http::verb::post, "/v1/conversations/{id}/read", body_kind::read_mark, false},
};

/// An exchange that keeps its answer instead of writing it.
class recorded_exchange final : public exchange {
 public:
  explicit recorded_exchange(http_request req) : exchange(std::move(req), "127.0.0.1", 0) {}

  void respond(http_response res) override {
    GRIDDLE_FUZZ_EXPECT(status_ == 0, "an exchange is answered once");
    status_ = res.result_int();
  }

  std::shared_ptr<griddle::gateway::event_sink> open_event_stream(std::function<void()>) override {
    status_ = 200;
    return nullptr;
  }

  unsigned status() const noexcept { return status_; }

 private:
  unsigned status_ = 0;
};

template <class T>
bool take(api::decoded<T>&& d, exchange& ex) {
  if (auto* err = std::get_if<api_error>(&d)) {
    GRIDDLE_FUZZ_EXPECT(err->status == 400 || err->status == 422, "decoders answer 400 or 422");
    ex.fail(*err);
    return false;
  }
  return true;
}

/// Runs what the site's handler for `route` decodes, without the actors.
void handle(const site_route& route, exchange& ex, const route_params& params) {
  std::string_view pattern{route.pattern};
  auto holes = static_cast<size_t>(std::count(pattern.begin(), pattern.end(), '{'));
  GRIDDLE_FUZZ_EXPECT(params.size() == holes, "one parameter per {name} segment");
  for (auto p : params)
    GRIDDLE_FUZZ_EXPECT(!p.empty() && p.find('/') == std::string_view::npos,
                        "a parameter is one non-empty segment");
  if (pattern.find("{id}") != std::string_view::npos) {
    if (!api::is_user_id(params.at(0))) {
      ex.fail(api_error::not_found("no such user"));
      return;
    }
    GRIDDLE_FUZZ_EXPECT(params[0].size() <= 19 && params[0].front() != '0' &&
                            params[0].find_first_not_of("0123456789") == std::string_view::npos,
                        "user ids are 1..19 digits without a leading zero");
  }
  auto header = ex.request()[http::field::authorization];
  auto token = api::bearer_token(std::string_view{header.data(), header.size()});
  constexpr std::string_view base64url =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  GRIDDLE_FUZZ_EXPECT(
      token.empty() || (token.size() == 43 && token.find_first_not_of(base64url) == token.npos),
      "a bearer token is 43 URL-safe base64 characters");
  if (route.paged) {
    auto q = api::decode_page_query(ex.query(), 20, griddle::actors::max_page_size);
    if (auto* page = std::get_if<api::page_query>(&q))
      GRIDDLE_FUZZ_EXPECT(page->limit >= 1 && page->limit <= griddle::actors::max_page_size,
                          "a decoded page limit is 1..max_page_size");
    if (!take(std::move(q), ex))
      return;
  }
  std::string_view body = ex.request().body();
  bool decoded = true;
  switch (route.body) {
    case body_kind::none:
      break;
    case body_kind::registration:
      decoded = take(api::decode_registration(body), ex);
      break;
    case body_kind::login:
      decoded = take(api::decode_login(body), ex);
      break;
    case body_kind::profile_update:
      decoded = take(api::decode_profile_update(body), ex);
      break;
    case body_kind::photo:
      decoded = take(api::decode_photo(body), ex);
      break;
    case body_kind::message:
      decoded = take(api::decode_message(body), ex);
      break;
    case body_kind::read_mark:
      decoded = take(api::decode_read_mark(body), ex);
      break;
  }
  if (decoded)
    ex.respond_json(200, "{}");
}

const route_table& site_route_table() {
  static const route_table table = [] {
    route_table t;
    for (auto& r : site_routes)
      t.add(r.method, r.pattern,
            [&r](const exchange_ptr& ex, const route_params& params) { handle(r, *ex, params); });
    return t;
  }();
  return table;
}

/// What site_api::handle does with a complete request; returns the status.
unsigned dispatch(http_request req) {
  auto ex = std::make_shared<recorded_exchange>(std::move(req));
  auto found = site_route_table().find(ex->request().method(), ex->path());
  ex->set_route(found.route);
  if (found.handler == nullptr) {
    if (!found.allow.empty())
      ex->fail(api_error::method_not_allowed(), found.allow);
    else
      ex->fail(api_error::not_found("no route for " + std::string{ex->path()}));
  } else {
    GRIDDLE_FUZZ_EXPECT(found.route != "unmatched" && found.allow.empty(),
                        "a match names its route and allows its method");
    (*found.handler)(ex, found.params);
  }
  GRIDDLE_FUZZ_EXPECT(ex->status() != 0, "every request is answered");
  return ex->status();
}

// -- reading a connection -------------------------------------------------------

/// The client's bytes as the server's buffer sees them: what arrived so far
/// (`read_size` bytes per read) and is not yet consumed by a parser.
class byte_stream {
 public:
  byte_stream(std::string_view bytes, size_t read_size) : bytes_(bytes), read_size_(read_size) {}

  std::string_view buffered() const { return bytes_.substr(consumed_, arrived_ - consumed_); }

  void consume(size_t n) { consumed_ += n; }

  /// One read; false at the end of the stream.
  bool read() {
    if (arrived_ == bytes_.size())
      return false;
    arrived_ = std::min(bytes_.size(), arrived_ + read_size_);
    return true;
  }

 private:
  std::string_view bytes_;
  size_t read_size_;
  size_t consumed_ = 0;
  size_t arrived_ = 0;
};

/// Beast's http::read_some on `in` (boost/beast/http/impl/read.hpp).
beast::error_code read_some(byte_stream& in, request_parser& parser) {
  beast::error_code ec;
  auto must_read = in.buffered().empty();
  for (;;) {
    if (!must_read) {
      auto data = in.buffered();
      in.consume(parser.put(asio::buffer(data.data(), data.size()), ec));
      if (ec != http::error::need_more)
        return ec;
    }
    must_read = false;
    if (!in.read()) {
      if (!parser.got_some())
        return http::error::end_of_stream;
      ec = {};
      parser.put_eof(ec);
      return ec;
    }
  }
}

/// Beast's http::read (or read_header, with `header_only`) on `in`.
beast::error_code read(byte_stream& in, request_parser& parser, bool header_only) {
  parser.eager(!header_only);
  auto done = [&] { return header_only ? parser.is_header_done() : parser.is_done(); };
  beast::error_code ec;
  while (!ec && !done())
    ec = read_some(in, parser);
  return ec;
}

/// What the server did on one connection: the requests it answered (with
/// the status), then how the connection ended.
struct connection_log {
  std::vector<std::string> answered;
  std::string end;

  /// How the bytes arrive must not change which requests are answered, with
  /// two exceptions in Beast 1.74. It finds some errors in a request line or
  /// header only once the header's end (or the header limit) has arrived, so
  /// how a bad request is rejected may differ; that it is may not. And its
  /// header limit counts the request line only when the line arrives in
  /// pieces (connection.cpp re-checks the total, near enough), so a header
  /// just over the limit may be answered or rejected; the requests before it
  /// must be the same.
  bool same_as(const connection_log& other) const {
    auto rejected = [](const std::string& end) { return end.rfind("rejected", 0) == 0; };
    auto prefix_of = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
      return x.size() <= y.size() && std::equal(x.begin(), x.end(), y.begin());
    };
    if (answered == other.answered)
      return end == other.end || (rejected(end) && rejected(other.end));
    auto over_limit = [](const std::string& end) { return end.rfind(header_limit, 0) == 0; };
    return (over_limit(end) && prefix_of(answered, other.answered)) ||
           (over_limit(other.end) && prefix_of(other.answered, answered));
  }

  static constexpr const char* header_limit = "rejected: header limit";
};

/// A request as text, so two readings of the same bytes can be compared.
std::string describe(const http_request& req) {
  std::string out{req.method_string()};
  out += ' ';
  out += req.target();
  out += " HTTP/" + std::to_string(req.version());
  for (auto& field : req) {
    out += '\n';
    out += field.name_string();
    out += ": ";
    out += field.value();
  }
  out += "\n\n";
  out += req.body();
  return out;
}

/// connection::header_bytes: the request line and fields as sent, near enough.
size_t header_bytes(const http_request& req) {
  size_t total = req.method_string().size() + req.target().size() + 12;
  for (auto& field : req)
    total += field.name_string().size() + field.value().size() + 4;
  return total + 2;
}

/// How connection::read_failed ends a connection after a failed read.
std::string failed_read(beast::error_code ec) {
  if (ec == http::error::body_limit)
    return "rejected: payload too large";
  if (ec == http::error::end_of_stream)
    return "closed mid-request";
  return "rejected: malformed request: " + ec.message();
}

/// The connection's requests and answers, as connection::read_request,
/// on_header and on_body handle them (the time-outs aside).
connection_log serve(std::string_view bytes, size_t read_size) {
  griddle::gateway::http_options opts;
  byte_stream in{bytes, read_size};
  connection_log log;
  auto end = [&log](std::string how) {
    log.end = std::move(how);
    return log;
  };
  for (;;) {
    if (in.buffered().empty() && !in.read())
      return end("closed idle");
    request_parser parser;
    parser.header_limit(static_cast<uint32_t>(opts.max_header_bytes));
    parser.body_limit(opts.max_body_bytes);
    auto ec = read(in, parser, true);
    if (ec == http::error::header_limit) {
      // Still in the request line: 414; past it, in the fields: 431.
      auto in_start_line = parser.get().method_string().empty();
      return end(std::string{connection_log::header_limit} + (in_start_line ? ", 414" : ", 431"));
    }
    if (ec)
      return end(failed_read(ec));
    if (parser.get().target().size() > opts.max_uri_bytes)
      return end("rejected: uri too long");
    if (header_bytes(parser.get()) > opts.max_header_bytes)
      return end("rejected: headers too large");
    if (auto len = parser.content_length(); len && *len > opts.max_body_bytes)
      return end("rejected: payload too large");
    ec = read(in, parser, false);
    if (ec)
      return end(failed_read(ec));
    GRIDDLE_FUZZ_EXPECT(parser.is_done(), "a request without error is complete");
    auto req = parser.release();
    auto keep_alive = req.keep_alive();
    auto text = describe(req);
    auto status = dispatch(std::move(req));
    log.answered.push_back(std::to_string(status) + " for " + text);
    if (!keep_alive)
      return end("closed after answer");
  }
}

}  // namespace

GRIDDLE_FUZZ_TARGET(http_request) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto whole = serve(bytes, std::max<size_t>(size, 1));
  // A small read size taken from the input: 1..64 bytes.
  size_t mix = 0;
  for (auto c : bytes)
    mix = mix * 31 + static_cast<unsigned char>(c);
  auto pieces = serve(bytes, 1 + mix % 64);
  GRIDDLE_FUZZ_EXPECT(whole.same_as(pieces), "requests do not depend on how the bytes arrive");
  return 0;
}
