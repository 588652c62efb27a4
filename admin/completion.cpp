// Completion reads the line as far as the cursor with the command table's
// shapes (commands.hpp) and the REPL's built-ins, finds which slot the last
// word fills, and offers what fits that slot.
#include "admin/completion.hpp"

#include <algorithm>
#include <type_traits>

#include "admin/commands.hpp"
#include "admin/detail/command_parsers.hpp"
#include "admin/repl.hpp"

namespace griddle::admin {

namespace {

/// The slot the partial word fills.
struct slot {
  enum kind_t { nothing, words, types, keys, versions, toggles, experiments };
  kind_t kind = nothing;
  /// For `words`: the candidates.
  std::vector<std::string> offered;
  /// For `keys` and `versions`: the type named earlier on the line.
  std::string type;
};

struct split_line {
  std::vector<std::string> done;
  std::string partial;
};

/// Blanks separate words; double quotes group and are dropped. Unlike
/// split_words, an unclosed quote is no error: the word is being typed.
split_line split_loosely(std::string_view line) {
  split_line result;
  bool quoted = false;
  bool in_word = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (in_word)
        result.done.push_back(std::move(result.partial));
      result.partial.clear();
      in_word = false;
    } else {
      result.partial += c;
      in_word = true;
    }
  }
  return result;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> choices_in(const std::string& placeholder) {
  std::vector<std::string> result;
  if (placeholder.find('|') == std::string::npos)
    return result;
  std::string item;
  for (char c : placeholder + "|") {
    if (c != '|') {
      item += c;
    } else if (!item.empty()) {
      result.push_back(std::move(item));
      item.clear();
    }
  }
  return result;
}

const std::vector<command_shape>& builtin_shapes() {
  static const std::vector<command_shape> shapes = [] {
    std::vector<command_shape> result;
    for (const auto& b : repl_builtins())
      result.push_back(shape_of_usage(b.usage, 1));
    return result;
  }();
  return shapes;
}

slot offer(std::vector<std::string> words) {
  slot result;
  result.kind = slot::words;
  result.offered = std::move(words);
  return result;
}

/// The slot after a command's name words; `args` are the words after them.
slot argument_slot(const command_shape& shape, const std::vector<std::string>& args,
                   const std::string& partial) {
  std::vector<std::string> positionals;
  std::vector<std::string> used;
  const std::vector<std::string>* value_of = nullptr;
  bool verbatim = false;
  for (const auto& arg : args) {
    if (value_of != nullptr) {
      value_of = nullptr;
    } else if (!verbatim && arg == "--") {
      verbatim = true;
    } else if (!verbatim && starts_with(arg, "--")) {
      auto name = arg.substr(0, arg.find('='));
      used.push_back(name);
      auto valued = shape.valued.find(name);
      if (valued != shape.valued.end() && arg.find('=') == std::string::npos)
        value_of = &valued->second;
    } else {
      positionals.push_back(arg);
    }
  }
  if (value_of != nullptr)
    return offer(*value_of);
  if (!verbatim && starts_with(partial, "-")) {
    std::vector<std::string> options = shape.switches;
    for (const auto& [name, values] : shape.valued)
      options.push_back(name);
    options.erase(std::remove_if(options.begin(), options.end(),
                                 [&](const std::string& o) {
                                   return std::count(used.begin(), used.end(), o) != 0;
                                 }),
                  options.end());
    return offer(std::move(options));
  }
  if (shape.positionals.empty())
    return {};
  auto index = positionals.size();
  if (index >= shape.positionals.size()) {
    if (!shape.repeats_last)
      return {};
    index = shape.positionals.size() - 1;
  }
  const auto& placeholder = shape.positionals[index];
  auto type_at = std::find(shape.positionals.begin(), shape.positionals.end(), "TYPE");
  auto type_index = static_cast<size_t>(type_at - shape.positionals.begin());
  slot result;
  if (type_index < positionals.size())
    result.type = positionals[type_index];
  if (placeholder == "TYPE")
    result.kind = slot::types;
  else if (placeholder == "KEY" && !result.type.empty())
    result.kind = slot::keys;
  else if (placeholder == "VERSION" && !result.type.empty())
    result.kind = slot::versions;
  else if (placeholder == "NAME" && shape.group == "toggle")
    result.kind = slot::toggles;
  else if (placeholder == "NAME" && shape.group == "experiment")
    result.kind = slot::experiments;
  else if (auto listed = choices_in(placeholder); !listed.empty())
    return offer(std::move(listed));
  return result;
}

/// The slot of `partial` after the words `done`; `watched`: inside `watch`,
/// where only read-only commands may follow.
slot analyse(const std::vector<std::string>& done, const std::string& partial, bool watched) {
  const auto& commands = command_shapes();
  if (done.empty()) {
    std::vector<std::string> names;
    for (const auto& shape : commands)
      if (!watched || shape.watchable)
        names.push_back(shape.group);
    if (!watched)
      for (const auto& shape : builtin_shapes())
        names.push_back(shape.group);
    return offer(std::move(names));
  }
  const auto& head = done[0];
  if (head == "watch" && !watched) {
    // Its own options may stand anywhere; the rest is the watched command.
    std::vector<std::string> rest;
    for (size_t i = 1; i < done.size(); ++i) {
      const auto& word = done[i];
      if (word == "--interval" || word == "--count") {
        if (++i == done.size())
          return {};  // the partial word is the option's value
      } else if (!starts_with(word, "--interval=") && !starts_with(word, "--count=")) {
        rest.push_back(word);
      }
    }
    auto inner = analyse(rest, partial, true);
    if (starts_with(partial, "-")) {
      inner.kind = slot::words;
      inner.offered.push_back("--interval");
      inner.offered.push_back("--count");
    }
    return inner;
  }
  if (!watched)
    for (const auto& shape : builtin_shapes())
      if (shape.group == head)
        return argument_slot(shape, {done.begin() + 1, done.end()}, partial);
  std::vector<const command_shape*> matches;
  for (const auto& shape : commands)
    if (shape.group == head && (!watched || shape.watchable))
      matches.push_back(&shape);
  if (matches.empty())
    return {};
  if (matches.front()->verb.empty())
    return argument_slot(*matches.front(), {done.begin() + 1, done.end()}, partial);
  if (done.size() == 1) {
    std::vector<std::string> verbs;
    for (const auto* shape : matches)
      verbs.push_back(shape->verb);
    return offer(std::move(verbs));
  }
  for (const auto* shape : matches)
    if (shape->verb == done[1])
      return argument_slot(*shape, {done.begin() + 2, done.end()}, partial);
  return {};
}

std::vector<std::string> versions_of(const catalogue& known, const std::string& type) {
  if (!known.types)
    return {};
  auto i = known.types->find(type);
  return i == known.types->end() ? std::vector<std::string>{} : i->second;
}

template <class Items>
std::vector<std::string> names_of(const Items& items) {
  std::vector<std::string> result;
  for (const auto& item : items) {
    if constexpr (std::is_same_v<typename Items::value_type, std::string>)
      result.push_back(item);
    else
      result.push_back(item.first);
  }
  return result;
}

std::string name_in(const nlohmann::json& item, const char* key) {
  if (!item.is_object())
    return {};
  auto i = item.find(key);
  return i != item.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

/// The non-empty `key` strings of the objects in doc[list].
std::vector<std::string> names_in(const nlohmann::json& doc, const char* list, const char* key) {
  std::vector<std::string> result;
  if (!doc.is_object() || !doc.contains(list) || !doc[list].is_array())
    return result;
  for (const auto& item : doc[list])
    if (auto name = name_in(item, key); !name.empty())
      result.push_back(std::move(name));
  return result;
}

}  // namespace

std::vector<std::string> complete(std::string_view line_before_cursor, const catalogue& known) {
  auto line = split_loosely(line_before_cursor);
  auto where = analyse(line.done, line.partial, false);
  std::vector<std::string> candidates;
  switch (where.kind) {
    case slot::nothing:
      break;
    case slot::words:
      candidates = std::move(where.offered);
      break;
    case slot::types:
      if (known.types)
        candidates = names_of(*known.types);
      break;
    case slot::keys:
      if (auto i = known.keys.find(where.type); i != known.keys.end())
        candidates = i->second;
      break;
    case slot::versions:
      candidates = versions_of(known, where.type);
      break;
    case slot::toggles:
      candidates = known.toggles.value_or(std::vector<std::string>{});
      break;
    case slot::experiments:
      candidates = known.experiments.value_or(std::vector<std::string>{});
      break;
  }
  candidates.erase(
      std::remove_if(candidates.begin(), candidates.end(),
                     [&](const std::string& c) { return !starts_with(c, line.partial); }),
      candidates.end());
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

completion_need needed_for(std::string_view line_before_cursor, const catalogue& known) {
  auto line = split_loosely(line_before_cursor);
  auto where = analyse(line.done, line.partial, false);
  completion_need need;
  switch (where.kind) {
    case slot::types:
    case slot::versions:
      need.types = !known.types;
      break;
    case slot::keys:
      if (known.keys.count(where.type) == 0)
        need.keys_of = where.type;
      break;
    case slot::toggles:
    case slot::experiments:
      need.flags = !known.toggles || !known.experiments;
      break;
    default:
      break;
  }
  return need;
}

http_request types_request() {
  return {"GET", "/admin/v1/types", std::nullopt};
}

http_request keys_request(const std::string& type) {
  return {"GET", "/admin/v1/types/" + detail::path_segment(type) + "/actors?limit=200",
          std::nullopt};
}

http_request flags_request() {
  return {"GET", "/admin/v1/flags", std::nullopt};
}

void read_types(const nlohmann::json& doc, catalogue& known) {
  known.types.emplace();
  if (!doc.is_object() || !doc.contains("types") || !doc["types"].is_array())
    return;
  for (const auto& type : doc["types"]) {
    auto name = name_in(type, "name");
    if (name.empty())
      continue;
    auto& versions = (*known.types)[name];
    if (type.contains("versions") && type["versions"].is_array())
      for (const auto& v : type["versions"])
        if (v.is_string())
          versions.push_back(v.get<std::string>());
  }
}

void read_keys(const std::string& type, const nlohmann::json& doc, catalogue& known) {
  known.keys[type] = names_in(doc, "actors", "key");
}

void read_flags(const nlohmann::json& doc, catalogue& known) {
  known.toggles = names_in(doc, "toggles", "name");
  known.experiments = names_in(doc, "experiments", "name");
}

}  // namespace griddle::admin
