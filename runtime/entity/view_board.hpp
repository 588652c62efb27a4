// Published views: how a reader on another thread (the HTTP gateway's I/O
// threads) reads an active entity's state without sending it a message.
//
// An entity that opts in publishes an immutable view of its state (a
// `std::shared_ptr<const T>`) on its node's board, keyed by its entity ref.
// Only the entity's own activation publishes and withdraws, from inside its
// handlers, so the board holds at most one view per entity and that view is
// a state the entity had after some message it handled. The entity withdraws
// the view *before* it changes the state the view shows (and when its
// activation ends, passivates or crashes), so a reader that finds a view
// reads the entity's current state, and a reader that finds none asks the
// entity with a message as usual. There is no expiry and no time-to-live:
// the board is never behind the entity.
//
// A view is read-only for everyone: readers keep the `shared_ptr` as long
// as they need it; the entity never modifies a published object.
//
// Thread safety: every member may be called concurrently. Lookups take one
// shard's mutex for a hash-map find and a reference-count increment.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>

#include "runtime/entity/entity_ref.hpp"

namespace griddle::entity {

class view_board {
 public:
  view_board() = default;
  view_board(const view_board&) = delete;
  view_board& operator=(const view_board&) = delete;

  /// Publishes `view` for `ref` on behalf of `owner` (the publishing
  /// activation), replacing any view `ref` had.
  template <class T>
  void publish(const entity_ref& ref, const void* owner, std::shared_ptr<const T> view) {
    put(ref, entry{std::move(view), typeid(T), owner, {}, {}});
  }

  /// Removes the view of `ref` if `owner` published it (a later activation's
  /// view stays).
  void withdraw(const entity_ref& ref, const void* owner);

  /// The view of `ref`, if one of type `T` is published.
  template <class T>
  std::shared_ptr<const T> read(const entity_ref& ref) const {
    return read<T>(ref.type, ref.key);
  }

  /// The view of entity `type`/`key`, if one of type `T` is published;
  /// allocates nothing.
  template <class T>
  std::shared_ptr<const T> read(std::string_view type, std::string_view key) const {
    auto found = get(type, key);
    if (found.view == nullptr || found.type != typeid(T))
      return nullptr;
    return std::static_pointer_cast<const T>(found.view);
  }

  /// Views published.
  size_t size() const;

 private:
  struct entry {
    std::shared_ptr<const void> view;
    std::type_index type = typeid(void);
    const void* owner = nullptr;
    /// The ref, to tell entries with the same hash apart.
    std::string ref_type;
    std::string ref_key;
  };

  struct shard {
    mutable std::mutex mtx;
    /// By hash of the ref, so a lookup allocates nothing.
    std::unordered_multimap<uint64_t, entry> views;
  };

  static constexpr size_t shard_count = 64;

  static uint64_t hash_of(std::string_view type, std::string_view key) noexcept;

  shard& shard_of(uint64_t hash) const { return shards_[hash % shard_count]; }

  /// The entry of `ref` in `s` (locked), or `s.views.end()`.
  static std::unordered_multimap<uint64_t, entry>::iterator find(shard& s, uint64_t hash,
                                                                 std::string_view type,
                                                                 std::string_view key);

  void put(const entity_ref& ref, entry e);
  entry get(std::string_view type, std::string_view key) const;

  mutable std::array<shard, shard_count> shards_;
};

/// An activation's slot on a board: publishes and withdraws on behalf of one
/// activation and withdraws when destroyed, so an activation that ends for
/// any reason leaves no view behind.
class view_slot {
 public:
  view_slot() = default;
  view_slot(const view_slot&) = delete;
  view_slot& operator=(const view_slot&) = delete;
  ~view_slot() { withdraw(); }

  /// Binds the slot to `ref` on `board` (once, when the activation starts).
  void bind(view_board& board, entity_ref ref) {
    board_ = &board;
    ref_ = std::move(ref);
  }

  bool bound() const noexcept { return board_ != nullptr; }

  /// Whether a view of this activation is on the board.
  bool published() const noexcept { return published_; }

  template <class T>
  void publish(std::shared_ptr<const T> view) {
    if (board_ == nullptr)
      return;
    board_->publish(ref_, this, std::move(view));
    published_ = true;
  }

  void withdraw() {
    if (published_) {
      board_->withdraw(ref_, this);
      published_ = false;
    }
  }

 private:
  view_board* board_ = nullptr;
  entity_ref ref_;
  bool published_ = false;
};

}  // namespace griddle::entity
