// The HTTP gateway as a node's front end: `with_http_front(app)` returns the
// application with the `--http-...` options added and, when `--http` is
// set, the site API served on it from inside the node (one process: the
// embedded default). On SIGTERM the front drains before the node stops:
// /readyz turns 503, the listener closes, in-flight requests finish.
#pragma once

#include "runtime/node/node.hpp"

namespace griddle::gateway {

node::application with_http_front(node::application app);

}  // namespace griddle::gateway
