// Message structs of the account entities (email, user, session, sessions).
// Plain values with `inspect()` overloads; their type IDs live in
// actors/account_types.hpp, so they can cross nodes.
//
// Note: `registration` carries a clear-text password (it must reach the
// hasher); it is never stored, only its Argon2id hash is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

namespace griddle::actors {

/// What a new member submits; sent to email/<normalized email>.
struct registration {
  std::string email;
  std::string password;
  std::string name;
  int32_t birth_year = 0;
  std::string city;
  std::string bio;
  /// "men", "women" or "everyone".
  std::string looking_for;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration& x) {
  return f(caf::meta::type_name("registration"), x.email, x.password, x.name, x.birth_year, x.city,
           x.bio, x.looking_for);
}

/// What email/<address> hands to user/<id> to create the account: the
/// validated registration with the password replaced by its hash.
struct account_record {
  std::string email;
  std::string password_hash;
  std::string name;
  int32_t birth_year = 0;
  std::string city;
  std::string bio;
  std::string looking_for;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_record& x) {
  return f(caf::meta::type_name("account_record"), x.email, x.password_hash, x.name, x.birth_year,
           x.city, x.bio, x.looking_for);
}

/// One photo of a profile.
struct photo {
  std::string photo_id;
  std::string url;
};

inline bool operator==(const photo& x, const photo& y) {
  return x.photo_id == y.photo_id && x.url == y.url;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, photo& x) {
  return f(caf::meta::type_name("photo"), x.photo_id, x.url);
}

/// The public view of a user: never holds the email or the password hash.
struct profile {
  std::string id;
  std::string name;
  int32_t birth_year = 0;
  std::string city;
  std::string bio;
  std::string looking_for;
  /// Oldest first.
  std::vector<photo> photos;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile& x) {
  return f(caf::meta::type_name("profile"), x.id, x.name, x.birth_year, x.city, x.bio,
           x.looking_for, x.photos);
}

/// A profile change: only the fields that are set are changed.
struct profile_update {
  caf::optional<std::string> name;
  caf::optional<int32_t> birth_year;
  caf::optional<std::string> city;
  caf::optional<std::string> bio;
  caf::optional<std::string> looking_for;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_update& x) {
  return f(caf::meta::type_name("profile_update"), x.name, x.birth_year, x.city, x.bio,
           x.looking_for);
}

/// The answer to a successful login. `token` is the only copy of the secret:
/// the store keeps its digest.
struct login_result {
  std::string user_id;
  std::string token;
  int64_t expires_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_result& x) {
  return f(caf::meta::type_name("login_result"), x.user_id, x.token, x.expires_ms);
}

/// One live session as the owner sees it in "my sessions".
struct session_info {
  /// The first 16 hex characters of the token digest: names the session
  /// without revealing anything that authenticates.
  std::string session_id;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  /// When the session was last renewed (used); at most `session_renew_every`
  /// old while the session is in use.
  int64_t last_seen_ms = 0;
};

inline bool operator==(const session_info& x, const session_info& y) {
  return x.session_id == y.session_id && x.created_ms == y.created_ms &&
         x.expires_ms == y.expires_ms && x.last_seen_ms == y.last_seen_ms;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.session_id, x.created_ms, x.expires_ms,
           x.last_seen_ms);
}

}  // namespace griddle::actors
