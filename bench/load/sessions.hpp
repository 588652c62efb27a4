// The signed-in users a load run acts as. Seeded users (griddle-bench seed)
// have ids 1..N, emails `<name>.<id>@example.com` recorded in their
// `user_registered` event, and one password; signing each in costs the
// server one Argon2id hash, so `sign_in` runs a bounded number of logins at
// once and the tokens can be saved (`user_id token` per line) for the next
// run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/load/request_source.hpp"
#include "bench/load/target_url.hpp"

namespace griddle::bench::load {

/// A user to sign in.
struct credentials {
  std::string user_id;
  std::string email;
};

/// The emails of users 1..count from a seeded SQLite event store (opened
/// read-only). Throws std::runtime_error when the file cannot be read or a
/// user is missing.
std::vector<credentials> read_seeded_users(const std::string& db_path, uint64_t count);

/// Signs in every user with `password` (POST /v1/sessions), at most
/// `concurrency` at once; results keep the order of `users`. A progress bar
/// shows on a terminal; a summary line goes to `log` (unless null). Throws
/// std::runtime_error on the first refused or failed login.
std::vector<session> sign_in(const target_url& target, const std::vector<credentials>& users,
                             const std::string& password, size_t concurrency, std::FILE* log);

/// Reads `user_id token` lines (blank lines and # comments skipped); at most
/// `limit` of them (0: all). Throws std::runtime_error on a malformed line.
std::vector<session> read_tokens(const std::string& path, uint64_t limit);

/// Writes `sessions` as `user_id token` lines.
void write_tokens(const std::string& path, const std::vector<session>& sessions);

}  // namespace griddle::bench::load
