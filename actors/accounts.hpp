// The account entities: who owns an email address, the user (account,
// profile, blocks, photos, fans), one login session, and the read model of a
// user's sessions. Events are listed in actors/events.hpp; message types in
// actors/account_types.hpp. Every error is a `griddle::errc`.
//
// email/<normalize_email(address)>: makes registration race-free, since all
// registrations of one address queue in this one entity.
//   (register_atom, registration)        -> std::string user_id
//       validation_failed (field, reason) | conflict (address taken)
//   (login_atom, std::string password)   -> login_result | unauthenticated
//
// user/<id>:
//   (create_atom, account_record)        -> void | conflict   (from email/<address>)
//   (caf::get_atom)                      -> profile | not_found
//   (update_profile_atom, profile_update)-> profile | validation_failed | not_found
//   (block_atom, std::string target)     -> void | validation_failed ("target") | not_found
//   (unblock_atom, std::string target)   -> void | validation_failed ("target") | not_found
//   (blocked_atom)                       -> std::vector<std::string> | not_found
//   (add_photo_atom, std::string url)    -> photo | validation_failed ("url") | not_found
//   (fan_atom, std::string fan, bool)    -> void | not_found   (from activity/<fan>)
//   (login_atom, std::string password)   -> login_result | unauthenticated
//
// session/<token_digest(token)>:
//   (start_session_atom, std::string user_id) -> int64_t expires_ms | conflict
//   (authenticate_atom, std::string token)    -> std::string user_id | unauthenticated
//   (logout_atom, std::string token)          -> void | unauthenticated
//   (revoke_atom, std::string by_user)        -> void | not_found | forbidden
//
// sessions/<user id> (projection of session events):
//   (sessions_atom)                           -> std::vector<session_info>, newest first
//   (revoke_atom, std::string session_id)     -> void | not_found | forbidden
//
// The password hash never leaves user/<id> in a reply; a session token
// appears only in `login_result` (the store keeps its digest).
#pragma once

#include <chrono>
#include <memory>

#include <caf/timespan.hpp>

#include "actors/services.hpp"
#include "runtime/entity/entity_type.hpp"

namespace griddle::actors {

/// How long an account entity waits for another entity's answer.
constexpr caf::timespan account_request_timeout = std::chrono::seconds(5);

/// How long it waits for the password hasher, a queue of slow jobs.
constexpr caf::timespan hasher_timeout = std::chrono::seconds(30);

/// Tagged photo events name at most this many fans, so one photo never
/// fans out without bound; later fans read the photo from the profile.
constexpr size_t max_tagged_fans = 1000;

/// The answer to every failed login, whatever failed, so a caller cannot tell
/// an unknown address from a wrong password.
constexpr const char* login_failed_message = "wrong email or password";

entity::entity_type email_type(std::shared_ptr<const services> svc);
entity::entity_type user_type(std::shared_ptr<const services> svc);
entity::entity_type session_type(std::shared_ptr<const services> svc);
entity::entity_type sessions_type(std::shared_ptr<const services> svc);

}  // namespace griddle::actors
