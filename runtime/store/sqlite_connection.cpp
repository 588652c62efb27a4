#include "runtime/store/detail/sqlite_connection.hpp"

#include <chrono>
#include <utility>

#include "runtime/errc.hpp"
#include "runtime/store/detail/event_tags.hpp"
#include "runtime/store/sqlite_schema.hpp"

namespace griddle::store::detail {

caf::error fail(sqlite3* db, const std::string& path, const std::string& what) {
  return make_error(errc::store_failure, "sqlite_event_store: " + path + ": " + what + ": " +
                                             (db ? sqlite3_errmsg(db) : "out of memory"));
}

caf::error prepare(sqlite3* db, const std::string& path, stmt_ptr& out, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK)
    return fail(db, path, std::string{"preparing "} + sql);
  out.reset(raw);
  return {};
}

// Steps a statement that returns no rows.
caf::error run(sqlite3* db, const std::string& path, const stmt_ptr& stmt, const char* what) {
  stmt_use use{stmt};
  if (sqlite3_step(use.get()) != SQLITE_DONE)
    return fail(db, path, what);
  return {};
}

static caf::expected<db_ptr> open_connection(const sqlite_options& options, int flags) {
  sqlite3* raw = nullptr;
  auto rc = sqlite3_open_v2(options.path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_ptr db{raw};
  if (rc != SQLITE_OK)
    return fail(db.get(), options.path, "opening");
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  return db;
}

static const char* synchronous_pragma(sqlite_synchronous mode) {
  switch (mode) {
    case sqlite_synchronous::off:
      return "PRAGMA synchronous = OFF";
    case sqlite_synchronous::normal:
      return "PRAGMA synchronous = NORMAL";
    case sqlite_synchronous::full:
      break;
    case sqlite_synchronous::extra:
      return "PRAGMA synchronous = EXTRA";
  }
  return "PRAGMA synchronous = FULL";
}

static caf::error configure_write_connection(sqlite3* db, const sqlite_options& options) {
  stmt_ptr wal;
  if (auto err = prepare(db, options.path, wal, "PRAGMA journal_mode = WAL"))
    return err;
  if (sqlite3_step(wal.get()) != SQLITE_ROW)
    return fail(db, options.path, "switching to WAL mode");
  auto mode = column_string(wal.get(), 0);
  if (mode != "wal")
    return make_error(errc::store_failure, "sqlite_event_store: " + options.path +
                                               ": WAL mode unavailable, journal mode is " + mode);
  if (sqlite3_exec(db, synchronous_pragma(options.synchronous), nullptr, nullptr, nullptr) !=
      SQLITE_OK)
    return fail(db, options.path, "setting the synchronous mode");
  return {};
}

caf::expected<std::unique_ptr<sqlite_write_side>> open_write_side(const sqlite_options& options) {
  auto db = open_connection(options, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db)
    return std::move(db.error());
  auto side = std::make_unique<sqlite_write_side>();
  side->path = options.path;
  side->db = std::move(*db);
  auto raw = side->db.get();
  const auto& path = options.path;
  if (auto err = configure_write_connection(raw, options))
    return err;
  if (auto err = migrate_sqlite_schema(raw, path))
    return err;
  std::pair<stmt_ptr*, const char*> statements[] = {
      {&side->begin, "BEGIN IMMEDIATE"},
      {&side->commit, "COMMIT"},
      {&side->rollback, "ROLLBACK"},
      {&side->find_event_id,
       // Without INDEXED BY the planner picks UNIQUE(stream, version) and scans
       // the whole stream, so every append would cost O(stream length).
       "SELECT version FROM events INDEXED BY events_by_event_id"
       " WHERE stream = ?1 AND event_id = ?2 ORDER BY version LIMIT 1"},
      {&side->original_extent,
       "SELECT MIN(position), MAX(position), MAX(version) FROM events"
       " WHERE stream = ?1 AND version BETWEEN ?2 AND ?3"},
      {&side->current_version, "SELECT version FROM streams WHERE stream = ?1"},
      {&side->insert_event,
       "INSERT INTO events(stream, version, type, schema_version, timestamp_ms, payload, event_id,"
       " tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&side->insert_tag, "INSERT INTO event_tags(tag, position) VALUES(?1, ?2)"},
      {&side->upsert_stream,
       "INSERT INTO streams(stream, version) VALUES(?1, ?2)"
       " ON CONFLICT(stream) DO UPDATE SET version = excluded.version"},
      {&side->save_snapshot,
       "INSERT INTO snapshots(stream, version, data) VALUES(?1, ?2, ?3)"
       " ON CONFLICT(stream) DO UPDATE SET version = excluded.version, data = excluded.data"},
  };
  for (auto& [stmt, sql] : statements)
    if (auto err = prepare(raw, path, *stmt, sql))
      return err;
  return side;
}

caf::expected<std::unique_ptr<sqlite_read_side>> open_read_side(const sqlite_options& options) {
  auto db = open_connection(options, SQLITE_OPEN_READONLY);
  if (!db)
    return std::move(db.error());
  auto side = std::make_unique<sqlite_read_side>();
  side->path = options.path;
  side->db = std::move(*db);
  auto raw = side->db.get();
  const auto& path = options.path;
  auto read_stream =
      std::string{"SELECT "} + event_columns +
      " FROM events e WHERE e.stream = ?1 AND e.version >= ?2 ORDER BY e.version LIMIT ?3";
  auto read_all = std::string{"SELECT "} + event_columns +
                  " FROM events e WHERE e.position >= ?1 ORDER BY e.position LIMIT ?2";
  // A range of the event_tags primary key, then one rowid lookup per event.
  auto read_tagged = std::string{"SELECT "} + event_columns +
                     " FROM event_tags t JOIN events e ON e.position = t.position"
                     " WHERE t.tag = ?1 AND t.position >= ?2 ORDER BY t.position LIMIT ?3";
  std::pair<stmt_ptr*, const char*> statements[] = {
      {&side->read_stream, read_stream.c_str()},
      {&side->read_all, read_all.c_str()},
      {&side->read_tagged, read_tagged.c_str()},
      {&side->stream_version, "SELECT version FROM streams WHERE stream = ?1"},
      {&side->load_snapshot, "SELECT version, data FROM snapshots WHERE stream = ?1"},
  };
  for (auto& [stmt, sql] : statements)
    if (auto err = prepare(raw, path, *stmt, sql))
      return err;
  return side;
}

caf::expected<std::vector<recorded_event>> collect_events(const sqlite_read_side& side,
                                                          sqlite3_stmt* stmt) {
  std::vector<recorded_event> result;
  for (;;) {
    auto rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE)
      return result;
    if (rc != SQLITE_ROW)
      return fail(side.db.get(), side.path, "reading events");
    recorded_event ev;
    ev.position = column_u64(stmt, 0);
    ev.stream = column_string(stmt, 1);
    ev.version = column_u64(stmt, 2);
    ev.type = column_string(stmt, 3);
    ev.schema_version = static_cast<uint32_t>(sqlite3_column_int64(stmt, 4));
    ev.timestamp_ms = sqlite3_column_int64(stmt, 5);
    ev.payload = column_string(stmt, 6);
    ev.event_id = column_string(stmt, 7);
    if (sqlite3_column_type(stmt, 8) != SQLITE_NULL)
      ev.tags = unpack_tags(column_string(stmt, 8));
    result.push_back(std::move(ev));
  }
}

}  // namespace griddle::store::detail
