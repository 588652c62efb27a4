#include "actors/utf8_text.hpp"

namespace griddle::actors {

namespace {

bool is_continuation(unsigned char c) noexcept {
  return (c & 0xC0) == 0x80;
}

}  // namespace

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_ascii_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::optional<size_t> utf8_code_points(std::string_view text) noexcept {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return std::nullopt;  // a stray continuation byte, or a lead byte that is never valid
    }
    if (text.size() - i < len)
      return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if (!is_continuation(next))
        return std::nullopt;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    // Overlong three- and four-byte forms, UTF-16 surrogates, past U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp > 0x10FFFF)
      return std::nullopt;
    i += len;
    ++count;
  }
  return count;
}

std::string utf8_prefix(std::string_view text, size_t n) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(text[i])))
      continue;
    if (seen == n)
      break;
    ++seen;
  }
  return std::string{text.substr(0, i)};
}

}  // namespace griddle::actors
