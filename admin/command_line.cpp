// Word splitting, option sorting and checked numbers for the command parsers.
#include "admin/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "admin/usage_error.hpp"

namespace griddle::admin {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    if (is_blank(line[i])) {
      ++i;
      continue;
    }
    std::string word;
    while (i < line.size() && !is_blank(line[i])) {
      if (line[i] != '"') {
        word += line[i++];
        continue;
      }
      ++i;  // the opening quote; the closing one ends the quoted part
      bool closed = false;
      while (i < line.size() && !closed) {
        char c = line[i++];
        if (c == '"')
          closed = true;
        else if (c == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\'))
          word += line[i++];
        else
          word += c;
      }
      if (!closed)
        throw usage_error("unclosed double quote");
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::vector<std::string> split_list(const std::string& text, const char* what,
                                    const std::string& usage) {
  std::vector<std::string> items;
  std::istringstream in{text};
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty())
      throw usage_error(std::string{"empty item in "} + what + " '" + text + "'", usage);
    items.push_back(std::move(item));
  }
  if (items.empty() || text.back() == ',')
    throw usage_error(std::string{"empty item in "} + what + " '" + text + "'", usage);
  return items;
}

argument_list::argument_list(std::vector<std::string> words, std::vector<std::string> valued,
                             std::vector<std::string> switches, std::string usage)
    : usage_(std::move(usage)) {
  for (size_t i = 0; i < words.size(); ++i) {
    const auto& word = words[i];
    if (word == "--") {
      positionals_.insert(positionals_.end(), words.begin() + static_cast<ptrdiff_t>(i) + 1,
                          words.end());
      break;
    }
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
      positionals_.push_back(word);
      continue;
    }
    auto eq = word.find('=');
    auto name = word.substr(0, eq);
    if (options_.count(name) != 0)
      fail(name + " given twice");
    if (contains(switches, name)) {
      if (eq != std::string::npos)
        fail(name + " takes no value");
      options_[name];
    } else if (contains(valued, name)) {
      if (eq != std::string::npos)
        options_[name] = word.substr(eq + 1);
      else if (i + 1 < words.size())
        options_[name] = words[++i];
      else
        fail(name + " needs a value");
    } else {
      fail("unknown option " + name);
    }
  }
}

const std::string& argument_list::required(size_t i, const char* name) const {
  if (i >= positionals_.size())
    fail(std::string{"missing "} + name);
  return positionals_[i];
}

void argument_list::at_most(size_t n) const {
  if (positionals_.size() > n)
    fail("unexpected argument '" + positionals_[n] + "'");
}

std::optional<std::string> argument_list::value(const std::string& option) const {
  if (auto i = options_.find(option); i != options_.end())
    return i->second;
  return std::nullopt;
}

std::optional<bool> argument_list::either(const std::string& first,
                                          const std::string& second) const {
  if (has(first) && has(second))
    fail(first + " and " + second + " exclude each other");
  if (has(first))
    return true;
  if (has(second))
    return false;
  return std::nullopt;
}

double argument_list::number(const std::string& text, const char* what, double min,
                             double max) const {
  std::ostringstream range;
  range << what << " '" << text << "': expected a number from " << min << " to " << max;
  if (text.empty() || is_blank(text.front()))
    fail("bad " + range.str());
  char* end = nullptr;
  double result = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(result) || result < min || result > max)
    fail("bad " + range.str());
  return result;
}

uint64_t argument_list::integer(const std::string& text, const char* what, uint64_t min,
                                uint64_t max) const {
  uint64_t result = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || result < min ||
      result > max)
    fail("bad " + std::string{what} + " '" + text + "': expected a whole number from " +
         std::to_string(min) + " to " + std::to_string(max));
  return result;
}

void argument_list::fail(const std::string& message) const {
  throw usage_error(message, usage_);
}

}  // namespace griddle::admin
