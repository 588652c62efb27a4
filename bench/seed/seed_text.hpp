// The made-up text of a seeded dataset: names, cities, bios and chat
// messages, put together from small built-in word lists. Every result is
// valid for the application's checks (actors/account_validation.hpp,
// actors/chat_text.hpp): ASCII, non-empty, within the length limits.
// Pure functions of the generator's state.
#pragma once

#include <string>

#include "bench/seed/zipf.hpp"

namespace griddle::bench {

/// A first name, e.g. "Maja".
std::string seed_name(seeded_random& rng);

/// A city, e.g. "Gothenburg".
std::string seed_city(seeded_random& rng);

/// "men", "women" or "everyone".
std::string seed_looking_for(seeded_random& rng);

/// One to three sentences about oneself.
std::string seed_bio(seeded_random& rng);

/// A chat message of a few words; `first` when it opens the conversation.
std::string seed_message(seeded_random& rng, bool first);

}  // namespace griddle::bench
