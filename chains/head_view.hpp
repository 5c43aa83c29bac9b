#pragma once

#include <cstdint>
#include <optional>

namespace givewatch::chains {

/// Rule 3 of docs/watchers.md, "one endpoint's head claim is not the truth". A head an endpoint
/// reports counts only when it is within reach of the head believed at the previous poll; a claim
/// further above it (or any claim before a head is believed) must first be proven by the block
/// itself: the endpoint must return a header with that number. A claim that is not proven is an
/// outlier: it picks no range, confirms nothing and prunes no block hash. A head below the believed
/// one counts as it is (rule 4: the watcher pauses on it; it never rolls back on it).
class HeadView {
 public:
  /// `max_jump`: how far above the believed head a claim may be without proof. It must stay below
  /// the depth at which ranges are fetched without headers, so that an unproven claim can never make
  /// a block the node lacks look deep.
  explicit HeadView(std::uint64_t max_jump) : max_jump_(max_jump) {}

  /// Whether `claim` must be proven by its block before it counts.
  bool needs_proof(std::uint64_t claim) const noexcept {
    return !believed_ || claim > *believed_ + max_jump_;
  }

  /// The head that counts this poll: the highest claim that needed no proof or was proven.
  void believe(std::uint64_t head) noexcept { believed_ = head; }

  std::optional<std::uint64_t> believed() const noexcept { return believed_; }

 private:
  std::uint64_t max_jump_;
  std::optional<std::uint64_t> believed_;
};

}  // namespace givewatch::chains
