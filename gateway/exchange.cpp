#include "gateway/exchange.hpp"

#include <boost/beast/http/field.hpp>

#include "gateway/api_error.hpp"

namespace griddle::gateway {

event_sink::~event_sink() = default;

exchange::~exchange() = default;

exchange::exchange(http_request req, std::string client, size_t io_index)
    : req_(std::move(req)),
      client_(std::move(client)),
      io_index_(io_index),
      started_(clock::now()) {
  std::string_view target{req_.target().data(), req_.target().size()};
  auto q = target.find('?');
  path_ = target.substr(0, q);
  if (q != std::string_view::npos)
    query_ = target.substr(q + 1);
}

void exchange::respond_json(unsigned status, std::string body) {
  http_response res{static_cast<http::status>(status), req_.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  respond(std::move(res));
}

void exchange::fail(const api_error& err, std::string_view allow) {
  http_response res{static_cast<http::status>(err.status), req_.version()};
  res.set(http::field::content_type, "application/json");
  if (!allow.empty())
    res.set(http::field::allow, boost::beast::string_view{allow.data(), allow.size()});
  if (err.status == 429)
    res.set(http::field::retry_after, "1");
  res.body() = err.body();
  respond(std::move(res));
}

}  // namespace griddle::gateway
