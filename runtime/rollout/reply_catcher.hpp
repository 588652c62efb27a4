// A response handler that takes any reply, whatever its types, and errors
// alike (a time-out arrives as a message holding a `caf::error`). The ghost
// mirror forwards replies it cannot know the type of.
#pragma once

#include <functional>
#include <utility>

#include <caf/behavior.hpp>
#include <caf/detail/behavior_impl.hpp>
#include <caf/message.hpp>

namespace griddle::rollout {

namespace detail {

class reply_catcher_impl : public caf::detail::behavior_impl {
 public:
  explicit reply_catcher_impl(std::function<void(caf::message&)> f) : f_(std::move(f)) {}

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& v,
                                 caf::type_erased_tuple& xs) override {
    auto msg = caf::message::copy(xs);
    f_(msg);
    v();
    return caf::match_case::match;
  }

  caf::match_case::result invoke_empty(caf::detail::invoke_result_visitor& v) override {
    caf::message msg;
    f_(msg);
    v();
    return caf::match_case::match;
  }

 private:
  std::function<void(caf::message&)> f_;
};

}  // namespace detail

/// A behaviour that hands every message it gets to `f`.
inline caf::behavior catch_reply(std::function<void(caf::message&)> f) {
  caf::detail::behavior_impl::pointer impl{
      caf::make_counted<detail::reply_catcher_impl>(std::move(f))};
  return caf::behavior{std::move(impl)};
}

}  // namespace griddle::rollout
