// griddle-node: one runtime node hosting the reference application's entities.
#include "actors/application.hpp"

int main(int argc, char** argv) {
  return griddle::node::run_node(argc, argv, griddle::actors::make_application());
}
