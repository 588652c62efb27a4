// inspect() overloads for the event store's value types, so they can travel
// in actor messages (type IDs in runtime/type_ids.hpp).
#pragma once

#include <caf/meta/type_name.hpp>

#include "runtime/store/event_store.hpp"

namespace griddle::store {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_data& x) {
  return f(caf::meta::type_name("event_data"), x.type, x.schema_version, x.payload, x.event_id,
           x.tags);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recorded_event& x) {
  return f(caf::meta::type_name("recorded_event"), x.position, x.stream, x.version, x.type,
           x.schema_version, x.timestamp_ms, x.payload, x.event_id, x.tags);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_snapshot& x) {
  return f(caf::meta::type_name("stream_snapshot"), x.stream, x.version, x.data);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_result& x) {
  return f(caf::meta::type_name("append_result"), x.first_position, x.last_position, x.version,
           x.duplicate);
}

/// The answer to a snapshot load: `found` is false when the stream has none.
struct snapshot_result {
  bool found = false;
  stream_snapshot snapshot;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_result& x) {
  return f(caf::meta::type_name("snapshot_result"), x.found, x.snapshot);
}

}  // namespace griddle::store
