// The request kinds `griddle-bench load` sends and the weighted mix it draws
// them from. A mix comes from the command line (`feed=70,profile=10`) or a
// file (`name weight` per line, `#` comments); kinds it leaves out have
// weight 0. Parsing throws `usage_error` naming the offending part.
//
// A value type; `pick` needs the caller's generator, so one mix may serve
// many threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bench/seed/zipf.hpp"

namespace griddle::bench::load {

/// What one request does. Reads: feed, profile, messages, visitors, online,
/// healthz. Writes: send, like; profile also writes (a visit, the first one
/// per visitor and day).
enum class request_kind : uint8_t {
  feed,
  profile,
  messages,
  visitors,
  online,
  send,
  like,
  healthz
};

constexpr size_t request_kind_count = 8;

/// The kind's name in a mix: "feed", "profile", ...
const char* to_string(request_kind kind) noexcept;

/// The kind named `name`, if any.
std::optional<request_kind> parse_request_kind(std::string_view name) noexcept;

/// Whether the request carries a session token (all but healthz).
bool needs_session(request_kind kind) noexcept;

/// Whether the request is a durable write (send, like). Profile views are
/// counted as reads, though the first visit per visitor and day writes.
bool is_write(request_kind kind) noexcept;

/// Whether the request names another user (profile, messages, send, like).
bool names_other_user(request_kind kind) noexcept;

class request_mix {
 public:
  /// The default mix: feed=70,profile=10,messages=10,visitors=5,online=5.
  request_mix();

  /// Parses `feed=70,profile=10,...`: non-negative whole weights, each kind at
  /// most once, a positive total.
  static request_mix parse_flags(std::string_view text);

  /// Parses the text of a mix file: one `name weight` per line; blank lines
  /// and `#` comments are skipped. `origin` names the file in errors.
  static request_mix parse_file_text(std::string_view text, const std::string& origin);

  /// Reads and parses the file at `path`.
  static request_mix read_file(const std::string& path);

  uint32_t weight(request_kind kind) const noexcept { return weights_[static_cast<size_t>(kind)]; }

  uint64_t total() const noexcept { return cumulative_.back(); }

  /// A kind drawn with probability weight / total.
  request_kind pick(seeded_random& rng) const noexcept;

  /// Whether some kind with a positive weight needs a session.
  bool needs_sessions() const noexcept;

  /// Whether some kind with a positive weight names another user.
  bool needs_other_users() const noexcept;

  /// The kinds with positive weight as `feed=70,profile=10`, in kind order.
  std::string to_string() const;

 private:
  void set(std::string_view name, std::string_view weight, const std::string& where);
  void finish(const std::string& where);

  std::array<uint32_t, request_kind_count> weights_{};
  std::array<uint64_t, request_kind_count> cumulative_{};
  std::array<bool, request_kind_count> given_{};
};

}  // namespace griddle::bench::load
