#include "runtime/rollout/reply_diff.hpp"

#include <algorithm>

#include <caf/error.hpp>

namespace griddle::rollout {

namespace {

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

void diff_into(const nlohmann::json& a, const nlohmann::json& b, const std::string& path,
               size_t limit, std::vector<difference>& out) {
  if (out.size() >= limit)
    return;
  if (a.is_object() && b.is_object()) {
    for (auto& [key, value] : a.items()) {
      auto sub = path + "/" + escape_token(key);
      auto j = b.find(key);
      if (j == b.end())
        out.push_back({sub, value, nullptr});
      else
        diff_into(value, *j, sub, limit, out);
      if (out.size() >= limit)
        return;
    }
    for (auto& [key, value] : b.items()) {
      if (!a.contains(key))
        out.push_back({path + "/" + escape_token(key), nullptr, value});
      if (out.size() >= limit)
        return;
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    auto n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n && out.size() < limit; ++i) {
      auto sub = path + "/" + std::to_string(i);
      if (i >= a.size())
        out.push_back({sub, nullptr, b[i]});
      else if (i >= b.size())
        out.push_back({sub, a[i], nullptr});
      else
        diff_into(a[i], b[i], sub, limit, out);
    }
    return;
  }
  if (a != b)
    out.push_back({path, a, b});
}

}  // namespace

nlohmann::json describe_reply(const comparison_rules& rules, const caf::message& msg) {
  if (msg.empty())
    return nullptr;
  if (msg.match_elements<caf::error>()) {
    auto& err = msg.get_as<caf::error>(0);
    return nlohmann::json{{"error", caf::to_string(err)}};
  }
  if (rules.describe) {
    auto doc = rules.describe(msg);
    if (!doc.is_null())
      return doc;
  }
  return caf::to_string(msg);
}

void strip_fields(nlohmann::json& doc, const std::vector<std::string>& names) {
  if (names.empty())
    return;
  if (doc.is_object()) {
    for (auto& name : names)
      doc.erase(name);
    for (auto& [key, value] : doc.items())
      strip_fields(value, names);
  } else if (doc.is_array()) {
    for (auto& value : doc)
      strip_fields(value, names);
  }
}

std::vector<difference> diff(const nlohmann::json& live, const nlohmann::json& other,
                             size_t limit) {
  std::vector<difference> out;
  diff_into(live, other, "", limit, out);
  return out;
}

std::string normalized(const std::string& path, const nlohmann::json& doc) {
  // Walk the path through `doc`: a token is an index only where the
  // document has an array (an object key may well be "3").
  std::string out;
  const nlohmann::json* at = &doc;
  size_t pos = 0;
  while (pos < path.size()) {
    auto next = path.find('/', pos + 1);
    auto token =
        path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    if (at != nullptr && at->is_array()) {
      out += "/*";
      auto index = static_cast<size_t>(std::strtoull(token.c_str(), nullptr, 10));
      at = index < at->size() ? &(*at)[index] : nullptr;
    } else {
      out += "/" + token;
      if (at != nullptr && at->is_object()) {
        std::string key;
        for (size_t i = 0; i < token.size(); ++i) {
          if (token[i] == '~' && i + 1 < token.size()) {
            key += token[i + 1] == '1' ? '/' : '~';
            ++i;
          } else {
            key += token[i];
          }
        }
        auto i = at->find(key);
        at = i != at->end() ? &*i : nullptr;
      } else {
        at = nullptr;
      }
    }
    pos = next == std::string::npos ? path.size() : next;
  }
  return out;
}

std::string to_string(const difference& d) {
  auto render = [](const nlohmann::json& x) {
    auto text = x.is_null() ? std::string{"(absent)"} : x.dump();
    if (text.size() > 120)
      text = text.substr(0, 117) + "...";
    return text;
  };
  return (d.path.empty() ? std::string{"/"} : d.path) + ": " + render(d.live) + " -> " +
         render(d.other);
}

}  // namespace griddle::rollout
