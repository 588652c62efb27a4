// Message types of the social entities (activity, likes, favourites,
// visitors, feed, alerts, online): CAF type ID block `griddle_social`, IDs 360-399.
#pragma once

#include <caf/type_id.hpp>

#include "runtime/type_ids.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(griddle_social, 360)

CAF_ADD_ATOM(griddle_social, griddle::actors, like_atom, "like")

CAF_END_TYPE_ID_BLOCK(griddle_social)
