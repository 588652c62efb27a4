// griddle-node: one runtime node hosting the reference application's entities.
#include "actors/type_ids.hpp"
#include "runtime/node/node.hpp"

int main(int argc, char** argv) {
  griddle::node::application app;
  app.add_message_types = griddle::actors::add_actor_types;
  app.add_entity_types = griddle::actors::register_entity_types;
  return griddle::node::run_node(argc, argv, app);
}
