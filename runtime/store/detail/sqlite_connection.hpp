// The SQLite plumbing behind `sqlite_event_store`: owning handles for
// connections and statements, the write and read sides with their prepared
// statements, and small binding helpers. Not for callers outside
// runtime/store.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "runtime/store/event_store.hpp"
#include "runtime/store/sqlite_event_store.hpp"

namespace griddle::store::detail {

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

struct stmt_finalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

using db_ptr = std::unique_ptr<sqlite3, db_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

// The write connection and its statements; only the writer thread uses them
// once the store is open. The connection is declared first so that the
// statements are finalized before it closes.
struct sqlite_write_side {
  std::string path;
  db_ptr db;
  stmt_ptr begin;
  stmt_ptr commit;
  stmt_ptr rollback;
  stmt_ptr find_event_id;
  stmt_ptr original_extent;
  stmt_ptr current_version;
  stmt_ptr insert_event;
  stmt_ptr insert_tag;
  stmt_ptr upsert_stream;
  stmt_ptr save_snapshot;
};

// The read connection and its statements, guarded by the store's read mutex.
struct sqlite_read_side {
  std::string path;
  db_ptr db;
  stmt_ptr read_stream;
  stmt_ptr read_all;
  stmt_ptr read_tagged;
  stmt_ptr stream_version;
  stmt_ptr load_snapshot;
};

/// The columns every event query selects from `events e`, in
/// `collect_events` order.
constexpr const char* event_columns =
    "e.position, e.stream, e.version, e.type, e.schema_version, e.timestamp_ms, e.payload,"
    " e.event_id, e.tags";

// Resets a statement and drops its bindings when a use of it ends, so the
// next use starts clean whatever path this one took.
class stmt_use {
 public:
  explicit stmt_use(const stmt_ptr& stmt) : stmt_(stmt.get()) {}
  ~stmt_use() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  stmt_use(const stmt_use&) = delete;
  stmt_use& operator=(const stmt_use&) = delete;
  sqlite3_stmt* get() const noexcept { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

// Binds text without copying: the string outlives the statement's use.
inline void bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

inline void bind_u64(sqlite3_stmt* stmt, int index, uint64_t value) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  sqlite3_bind_int64(stmt, index, static_cast<int64_t>(std::min(value, max)));
}

inline std::string column_string(sqlite3_stmt* stmt, int index) {
  auto data = sqlite3_column_blob(stmt, index);
  auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, index));
  return data ? std::string{static_cast<const char*>(data), size} : std::string{};
}

inline uint64_t column_u64(sqlite3_stmt* stmt, int index) {
  return static_cast<uint64_t>(sqlite3_column_int64(stmt, index));
}

/// A `store_failure` error naming the file, the step and SQLite's message.
caf::error fail(sqlite3* db, const std::string& path, const std::string& what);

/// Prepares `sql` for repeated use into `out`.
caf::error prepare(sqlite3* db, const std::string& path, stmt_ptr& out, const char* sql);

/// Steps a statement that returns no rows.
caf::error run(sqlite3* db, const std::string& path, const stmt_ptr& stmt, const char* what);

/// Opens the write connection (WAL, synchronous mode, schema migrated) and
/// prepares its statements.
caf::expected<std::unique_ptr<sqlite_write_side>> open_write_side(const sqlite_options& options);

/// Opens the read-only connection and prepares its statements.
caf::expected<std::unique_ptr<sqlite_read_side>> open_read_side(const sqlite_options& options);

/// Steps an event query to its end.
caf::expected<std::vector<recorded_event>> collect_events(const sqlite_read_side& side,
                                                          sqlite3_stmt* stmt);

}  // namespace griddle::store::detail
