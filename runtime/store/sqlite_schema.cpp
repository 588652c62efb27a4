#include "runtime/store/sqlite_schema.hpp"

#include <chrono>
#include <iterator>
#include <memory>

#include <sqlite3.h>
#include <caf/expected.hpp>

#include "runtime/errc.hpp"

namespace griddle::store {

namespace {

// migrations[k] brings the schema from version k to version k + 1. Append new
// entries; never edit an entry that has shipped.
constexpr const char* migrations[] = {
    // 0 -> 1: events with their global position, stream versions, snapshots.
    "CREATE TABLE events("
    "  position INTEGER PRIMARY KEY,"
    "  stream TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  schema_version INTEGER NOT NULL,"
    "  timestamp_ms INTEGER NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  event_id TEXT,"
    "  UNIQUE(stream, version));"
    "CREATE INDEX events_by_event_id ON events(stream, event_id) WHERE event_id IS NOT NULL;"
    "CREATE TABLE streams(stream TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE snapshots("
    "  stream TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;",
    // 1 -> 2: tags. Packed on the event for reads that return whole events,
    // and one row per (tag, event) for finding events by tag.
    "ALTER TABLE events ADD COLUMN tags TEXT;"
    "CREATE TABLE event_tags("
    "  tag TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY(tag, position)) WITHOUT ROWID;",
};

static_assert(std::size(migrations) == sqlite_schema_version, "one migration per schema version");

caf::error fail(sqlite3* db, const std::string& path, const char* what) {
  return make_error(errc::store_failure,
                    "sqlite_event_store: " + path + ": " + what + ": " + sqlite3_errmsg(db));
}

struct stmt_finalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

// Reads the highest applied version; 0 for a fresh file.
caf::expected<int64_t> applied_version(sqlite3* db, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1, &raw,
                         nullptr) != SQLITE_OK)
    return fail(db, path, "reading the schema version");
  stmt_ptr stmt{raw};
  if (sqlite3_step(stmt.get()) != SQLITE_ROW)
    return fail(db, path, "reading the schema version");
  return sqlite3_column_int64(stmt.get(), 0);
}

caf::error record_version(sqlite3* db, const std::string& path, int64_t version) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO schema_version(version, applied_ms) VALUES(?1, ?2)", -1,
                         &raw, nullptr) != SQLITE_OK)
    return fail(db, path, "recording the schema version");
  stmt_ptr stmt{raw};
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  sqlite3_bind_int64(stmt.get(), 1, version);
  sqlite3_bind_int64(stmt.get(), 2, now.count());
  if (sqlite3_step(stmt.get()) != SQLITE_DONE)
    return fail(db, path, "recording the schema version");
  return {};
}

caf::error migrate_in_transaction(sqlite3* db, const std::string& path) {
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS schema_version("
                   "version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(db, path, "creating the schema_version table");
  auto applied = applied_version(db, path);
  if (!applied)
    return std::move(applied.error());
  if (*applied > sqlite_schema_version)
    return make_error(errc::store_failure, "sqlite_event_store: " + path + " has schema version " +
                                               std::to_string(*applied) + ", newer than version " +
                                               std::to_string(sqlite_schema_version) +
                                               " that this program knows; refusing to open it");
  for (auto version = *applied; version < sqlite_schema_version; ++version) {
    if (sqlite3_exec(db, migrations[version], nullptr, nullptr, nullptr) != SQLITE_OK)
      return fail(db, path, ("migrating to schema version " + std::to_string(version + 1)).c_str());
    if (auto err = record_version(db, path, version + 1))
      return err;
  }
  return {};
}

}  // namespace

caf::error migrate_sqlite_schema(sqlite3* db, const std::string& path) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(db, path, "starting the migration");
  if (auto err = migrate_in_transaction(db, path)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return err;
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto err = fail(db, path, "committing the migration");
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return err;
  }
  return {};
}

}  // namespace griddle::store
