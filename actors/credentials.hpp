// credentials: the primitives behind the user and session entities' secrets,
// built on libsodium. Passwords are stored only as Argon2id hash strings;
// session tokens are random and stored only as BLAKE2b digests, so a leaked
// store reveals neither.
//
// Every function is thread-safe and initialises libsodium on first use.
// `hash_password` and `verify_password` are slow by design (tens of
// milliseconds and `memlimit` bytes each): never call them on a CAF scheduler
// thread, go through `spawn_password_hasher` (actors/password_hasher.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace griddle::actors {

/// The Argon2id cost parameters of a password hash.
struct password_strength {
  /// Number of passes over memory.
  unsigned long long opslimit;
  /// Bytes of memory a single hash or verification allocates.
  size_t memlimit;

  /// libsodium's interactive limits: what a login should cost.
  static password_strength interactive();

  /// libsodium's minimum limits: fast and weak, for tests only.
  static password_strength minimum();
};

/// Returns an Argon2id hash string ("$argon2id$...") of `password` with a fresh
/// random salt and the cost parameters embedded. Throws `std::runtime_error`
/// when hashing fails (e.g. out of memory).
std::string hash_password(std::string_view password, password_strength strength);

/// True when `password` matches `stored_hash`, a result of `hash_password`.
/// False for a wrong password, a malformed hash, or when memory runs out.
bool verify_password(std::string_view stored_hash, std::string_view password);

/// Returns a new session token: 32 random bytes in URL-safe base64 without
/// padding (43 characters of [A-Za-z0-9_-]).
std::string new_session_token();

/// Returns the lowercase hex (64 characters) of the 32-byte BLAKE2b digest of
/// `token`; only digests are ever stored.
std::string token_digest(std::string_view token);

/// Compares two digests in time independent of their content (not of their
/// lengths); false when the lengths differ.
bool digests_equal(std::string_view a, std::string_view b);

}  // namespace griddle::actors
