// griddle-node: one runtime node hosting the reference application's
// entities, with the HTTP gateway inside when `--http HOST:PORT` is given.
#include "actors/application.hpp"
#include "gateway/http_front.hpp"

int main(int argc, char** argv) {
  auto app = griddle::gateway::with_http_front(griddle::actors::make_application());
  return griddle::node::run_node(argc, argv, app);
}
