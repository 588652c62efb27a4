// The SQLite event store's schema and its migrations. The program creates and
// upgrades the schema itself when it opens a file; the `schema_version` table
// records every migration applied, one row each, so a migration runs once.
// A file whose schema is newer than this program knows is refused, not guessed
// at.
//
// Version 2 (tags): `events.tags` holds each event's tags packed into one
// text (see detail/event_tags.hpp; NULL when it has none), so reads get them
// with the row; `event_tags(tag, position)` indexes them for `read_tagged`.
// Both are written in the event's transaction.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

struct sqlite3;

namespace griddle::store {

/// The schema version this program writes and reads.
constexpr int64_t sqlite_schema_version = 2;

/// Brings the schema of `db` to `sqlite_schema_version` inside one
/// `BEGIN IMMEDIATE` transaction, so two processes opening the same file do
/// not both migrate. `path` only names the file in error messages.
caf::error migrate_sqlite_schema(sqlite3* db, const std::string& path);

}  // namespace griddle::store
