#include "bench/load/request_source.hpp"

#include <string_view>

namespace griddle::bench::load {

namespace {

constexpr std::string_view message_body = R"({"text":"Hello from griddle-bench load"})";

}  // namespace

// -- popularity ---------------------------------------------------------------

popularity::popularity(uint64_t n, double exponent) : n_(n) {
  if (exponent > 0)
    zipf_.emplace(n, exponent);
}

uint64_t popularity::operator()(seeded_random& rng) const noexcept {
  return zipf_ ? (*zipf_)(rng)-1 : rng.below(n_);
}

uint64_t popularity::other_than(uint64_t not_this, seeded_random& rng) const noexcept {
  auto i = (*this)(rng);
  // The next rank instead: keeps the draw Zipf-like without a retry loop.
  return i != not_this ? i : (i + 1) % n_;
}

// -- request_source -----------------------------------------------------------

request_source::request_source(const request_mix& mix, const std::vector<session>& sessions,
                               double exponent, const std::string& host_header, uint64_t seed,
                               uint64_t stream)
    : mix_(mix), rng_({seed, 0x6c6f6164 /* "load" */, stream}) {
  if (!sessions.empty())
    users_.emplace(sessions.size(), exponent);
  host_line_ = "Host: " + host_header + "\r\n";
  send_tail_ =
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(message_body.size()) +
      "\r\n\r\n" + std::string{message_body};
  for (const auto& s : sessions) {
    auth_lines_.push_back("Authorization: Bearer " + s.token + "\r\n");
    ids_.push_back(s.user_id);
  }
}

request_kind request_source::next(std::string& out) {
  auto kind = mix_.pick(rng_);
  size_t from = 0;
  size_t other = 0;
  if (needs_session(kind)) {
    from = (*users_)(rng_);
    if (names_other_user(kind))
      other = users_->other_than(from, rng_);
  }
  render(kind, from, other, out);
  return kind;
}

void request_source::render(request_kind kind, size_t from, size_t other, std::string& out) const {
  auto line = [&](std::string_view method, std::string_view before, std::string_view id,
                  std::string_view after) {
    out.append(method).append(before).append(id).append(after).append(" HTTP/1.1\r\n");
  };
  switch (kind) {
    case request_kind::feed:
      line("GET ", "/v1/feed?limit=20", "", "");
      break;
    case request_kind::profile:
      line("GET ", "/v1/users/", ids_[other], "");
      break;
    case request_kind::messages:
      line("GET ", "/v1/conversations/", ids_[other], "/messages?limit=20");
      break;
    case request_kind::visitors:
      line("GET ", "/v1/visitors", "", "");
      break;
    case request_kind::online:
      line("GET ", "/v1/online", "", "");
      break;
    case request_kind::send:
      line("POST ", "/v1/conversations/", ids_[other], "/messages");
      break;
    case request_kind::like:
      line("POST ", "/v1/users/", ids_[other], "/like");
      break;
    case request_kind::healthz:
      line("GET ", "/healthz", "", "");
      break;
  }
  out.append(host_line_);
  if (needs_session(kind))
    out.append(auth_lines_[from]);
  if (kind == request_kind::send) {
    out.append(send_tail_);
  } else if (kind == request_kind::like) {
    out.append("Content-Length: 0\r\n\r\n");
  } else {
    out.append("\r\n");
  }
}

}  // namespace griddle::bench::load
