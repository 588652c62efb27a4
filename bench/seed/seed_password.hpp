// The password hash every seeded user shares. Computed once per run, not per
// user: one Argon2id hash at the interactive cost the application uses
// (actors/credentials.hpp) takes tens of milliseconds.
//
// Its salt comes from the seed instead of from a random source, so the same
// seed gives byte-identical datasets; the result is a standard
// "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string that
// `actors::verify_password` accepts like any other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace griddle::bench {

/// The Argon2id hash string of `password` with a salt derived from `seed`
/// and libsodium's interactive limits. Throws `std::runtime_error` when
/// hashing fails.
std::string seed_password_hash(std::string_view password, uint64_t seed);

}  // namespace griddle::bench
