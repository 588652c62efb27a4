#include "bench/seed/seed_text.hpp"

#include <cstddef>
#include <iterator>

namespace griddle::bench {

namespace {

constexpr const char* names[] = {
    "Alice",  "Anna",  "Astrid", "Ben",    "Carl",   "Clara", "David", "Ebba",   "Elias",  "Elin",
    "Emil",   "Emma",  "Erik",   "Felix",  "Frida",  "Hanna", "Hugo",  "Ida",    "Isak",   "Jonas",
    "Julia",  "Karin", "Lars",   "Leo",    "Linnea", "Lisa",  "Lucas", "Maja",   "Marcus", "Maria",
    "Mika",   "Nils",  "Noah",   "Nora",   "Olivia", "Oscar", "Sara",  "Sofia",  "Theo",   "Tove",
    "Viktor", "Wilma", "Yusuf",  "Zara",   "Amir",   "Chen",  "Diego", "Fatima", "Hiro",   "Ingrid",
    "Jamal",  "Kofi",  "Layla",  "Mateo",  "Nadia",  "Omar",  "Priya", "Rafael", "Selma",  "Tariq",
    "Uma",    "Vera",  "Wei",    "Ximena",
};

constexpr const char* cities[] = {
    "Stockholm",   "Gothenburg",  "Malmo",      "Uppsala",  "Vasteras", "Orebro",   "Linkoping",
    "Helsingborg", "Jonkoping",   "Norrkoping", "Lund",     "Umea",     "Gavle",    "Boras",
    "Eskilstuna",  "Sodertalje",  "Karlstad",   "Taby",     "Vaxjo",    "Halmstad", "Sundsvall",
    "Lulea",       "Trollhattan", "Ostersund",  "Borlange", "Falun",    "Kalmar",   "Kristianstad",
    "Oslo",        "Copenhagen",  "Helsinki",   "Berlin",   "London",   "Paris",    "Madrid",
    "Amsterdam",   "Vienna",      "Prague",     "Dublin",   "Lisbon",
};

constexpr const char* hobbies[] = {
    "hiking",   "cooking",    "jazz",       "running",  "board games", "photography",
    "climbing", "old films",  "gardening",  "sailing",  "yoga",        "baking",
    "cycling",  "live music", "travelling", "painting", "chess",       "swimming",
    "skiing",   "reading",    "coffee",     "dancing",  "football",    "museums",
};

constexpr const char* bio_openers[] = {
    "I love {h} and {h}.",   "Happiest when I am {h} or {h}.",
    "Weekends are for {h}.", "Big fan of {h}, bigger fan of {h}.",
    "Ask me about {h}.",
};

constexpr const char* bio_closers[] = {
    "Looking for someone to share a laugh with.",
    "Looking for someone kind and curious.",
    "Let's grab a coffee and see.",
    "Not here for long: say hi!",
    "I make a great pancake breakfast.",
    "Dog person, but cats are welcome.",
};

constexpr const char* openers[] = {
    "Hi! How are you?",
    "Hey there, nice profile!",
    "Hello! I see you like {h} too.",
    "Hi, what are you up to this weekend?",
    "Hey! Have you tried {h}?",
    "Good evening! How was your day?",
};

constexpr const char* replies[] = {
    "Haha, same here.",
    "That sounds great!",
    "I'm good, thanks. You?",
    "Not much, mostly {h}.",
    "We should try {h} together sometime.",
    "What do you like most about {h}?",
    "Ha, true.",
    "Sure, when are you free?",
    "I'd love that.",
    "Tell me more!",
    "Long day at work, but fine.",
    "Do you know a good place for {h}?",
    "Saturday works for me.",
    "Sounds like a plan.",
    "Sorry, busy week. How about next week?",
    ":)",
};

template <class T, size_t N>
const char* pick(seeded_random& rng, T (&list)[N]) {
  return list[rng.below(N)];
}

/// `pattern` with each "{h}" replaced by a random hobby.
std::string fill(seeded_random& rng, const std::string& pattern) {
  std::string out;
  size_t from = 0;
  for (auto at = pattern.find("{h}"); at != std::string::npos; at = pattern.find("{h}", from)) {
    out.append(pattern, from, at - from);
    out += pick(rng, hobbies);
    from = at + 3;
  }
  out.append(pattern, from, std::string::npos);
  return out;
}

}  // namespace

std::string seed_name(seeded_random& rng) {
  return pick(rng, names);
}

std::string seed_city(seeded_random& rng) {
  return pick(rng, cities);
}

std::string seed_looking_for(seeded_random& rng) {
  auto roll = rng.below(100);
  return roll < 45 ? "men" : roll < 90 ? "women" : "everyone";
}

std::string seed_bio(seeded_random& rng) {
  auto bio = fill(rng, pick(rng, bio_openers));
  if (rng.chance(0.7))
    bio += " " + fill(rng, pick(rng, bio_closers));
  if (rng.chance(0.3))
    bio += " " + fill(rng, pick(rng, bio_openers));
  return bio;
}

std::string seed_message(seeded_random& rng, bool first) {
  auto text = fill(rng, first ? pick(rng, openers) : pick(rng, replies));
  if (!first && rng.chance(0.25))
    text += " " + fill(rng, pick(rng, replies));
  return text;
}

}  // namespace griddle::bench
