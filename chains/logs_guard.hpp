#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "chains/eth.hpp"
#include "chains/plan.hpp"

namespace givewatch::chains {

/// How long the missing-log guard waits before asking for a block's logs again.
inline constexpr std::chrono::milliseconds kLogsRecheckDelay{300};

/// Rule 7 of docs/watchers.md, the missing-log guard: "an empty eth_getLogs answer is not believed
/// over the block's logs bloom". A provider whose log index lags its head answers eth_getLogs for a
/// fresh block with nothing although the block has matching logs. Near the head, a block whose bloom
/// says a donation may be there — it holds the Transfer topic, at least one of the plan's tokens and
/// at least one of the receiving addresses as a topic — but for which the answer holds no log is
/// asked again (Watcher::guard_logs, another endpoint when there is one, after kLogsRecheckDelay)
/// before the tip moves past it. Blooms have false positives (a FAKE token sent to a campaign beside
/// a real token's transfer elsewhere in the block), so a second empty answer is believed, and counted.
class MissingLogGuard {
 public:
  /// Looks for donations of the plan's tokens to the addresses `to` (those the answer was asked for).
  MissingLogGuard(const ChainPlan& plan, const std::vector<core::Address>& to);

  /// Whether a block with this bloom may hold a donation: the Transfer topic, a token and a receiver.
  bool may_hold_donation(const eth::Bloom& bloom) const;

  /// The blocks of `headers`, in order, whose bloom says a donation may be there but for which
  /// `logs` (the eth_getLogs answer for them) hold no log. Headers without a bloom are never suspect.
  std::vector<std::uint64_t> suspects(const std::vector<eth::Header>& headers, const std::vector<eth::Log>& logs) const;

 private:
  std::vector<core::Address> tokens_;
  std::vector<core::Hash> receivers_;  ///< `to` as 32-byte topics
};

}  // namespace givewatch::chains
