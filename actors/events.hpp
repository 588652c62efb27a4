// The reference application's event catalogue: every event type it writes,
// with its payload (JSON) and tags. Streams are named `type/key` after the
// entity that writes them. Tags name the users (plain user ids) or shards
// ("online:N") whose projections read the event. Payload fields only ever
// get added; a change of meaning gets a new schema version.
#pragma once

namespace griddle::actors::events {

// -- email/<normalized email>: who owns an address --------------------------
// The key is the address trimmed, ASCII lower-cased (normalize_email in
// actors/account_validation.hpp). Written once, when a registration succeeds.
/// {"user_id": "42"}                                    tags: -
constexpr const char* email_claimed = "email_claimed";

// -- user/<id>: account, profile, blocks, photos, fans ----------------------
// <id> is a random positive 63-bit number in decimal.
/// {"email" (normalized), "password_hash" (Argon2id string), "name",
///  "birth_year", "city", "bio", "looking_for", "registered_ms"}  tags: [id]
constexpr const char* user_registered = "user_registered";
/// {"name"?, "birth_year"?, "city"?, "bio"?, "looking_for"?} (changed fields,
/// at least one; an update that changes nothing writes no event) tags: [id]
constexpr const char* profile_updated = "profile_updated";
/// {"target": "43"}  only when not blocked already      tags: [id, target]
constexpr const char* user_blocked = "user_blocked";
/// {"target": "43"}  only when blocked                  tags: [id, target]
constexpr const char* user_unblocked = "user_unblocked";
/// {"photo_id" ("1", "2", ... per user), "url"}
///     tags: [id, fans...] naming at most 1000 fans (`max_tagged_fans`, the
///     smallest ids as strings), so one photo's fan-out stays bounded
constexpr const char* photo_added = "photo_added";
/// {"fan": "43"}  someone made this user a favourite; only on change  tags: -
constexpr const char* fan_added = "fan_added";
/// {"fan": "43"}  only on change                        tags: -
constexpr const char* fan_removed = "fan_removed";

// -- session/<token digest>: one login ---------------------------------------
// The key is token_digest(token) (64 hex characters; the token itself is
// never stored). "session_id" is the first 16 of them; times are Unix ms.
/// {"user_id", "session_id", "created_ms", "expires_ms"} tags: [user_id, online:N]
constexpr const char* session_started = "session_started";
/// {"user_id", "session_id", "seen_ms", "expires_ms"}  written when the session
/// is used at least `session_renew_every` after the last renewal
///                                                      tags: [user_id, online:N]
constexpr const char* session_renewed = "session_renewed";
/// {"user_id", "session_id", "reason": "logout"|"revoked", "ended_ms"}
/// (expiry writes no event: a session is over once now >= expires_ms)
///                                                      tags: [user_id, online:N]
constexpr const char* session_ended = "session_ended";

// -- activity/<id>: what a user does to others -------------------------------
/// {"by": "42", "target": "43", "at_ms"}                tags: [by, target]
constexpr const char* liked = "liked";
/// {"by", "target", "at_ms"}                            tags: [by, target]
constexpr const char* unliked = "unliked";
/// {"by", "target", "at_ms"}                            tags: [by, target]
constexpr const char* favourited = "favourited";
/// {"by", "target", "at_ms"}                            tags: [by, target]
constexpr const char* unfavourited = "unfavourited";
/// {"by", "target", "day": "2026-11-26", "at_ms"}  once per visitor, owner, day
/// (`day`: the UTC day of `at_ms`)                      tags: [target]
constexpr const char* profile_visited = "profile_visited";
/// {"by", "kind": "likes"|"visitors"|"messages", "at_ms"}  tags: [by]
constexpr const char* alerts_seen = "alerts_seen";

// -- conversation/<a>~<b> (a < b as strings): one chat ---------------------
// The stream is the conversation's full history (conversation_entity.hpp).
/// {"from", "to", "seq", "text", "at_ms"}               tags: [from, to]
/// seq: 1, 2, 3... per conversation; text: trimmed, 1-2,000 code points.
constexpr const char* message_sent = "message_sent";
/// {"by", "up_to_seq", "at_ms"}                         tags: [by]
/// Only when `by`'s mark moves forward; up_to_seq <= the newest seq.
constexpr const char* messages_read = "messages_read";
/// {"by", "blocked": true|false}  only when by's flag changes   tags: -
constexpr const char* conversation_blocked = "conversation_blocked";

}  // namespace griddle::actors::events
