#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "alerts/payload.hpp"
#include "config/config.hpp"
#include "core/amount.hpp"
#include "storage/store.hpp"

namespace givewatch::alerts {

/// A campaign's USD sums after each event a sink is at, exact even for a sink far behind the log:
/// the store's totals now, less what the events after that one changed. Each sink has its own;
/// every event of the log passes through advance() in sequence order, delivered or not.
class UsdTracker {
 public:
  UsdTracker(const config::Config& config, const storage::Store& store) : config_(config), store_(store) {}

  /// Moves to just after `event`.
  void advance(const storage::Event& event);

  /// The USD sums of `campaign` after the last event advanced over.
  core::Result<CampaignUsd> usd(const std::string& campaign);

 private:
  struct Sums {
    core::Amount confirmed = 0;
    core::Amount pending = 0;
  };
  using Key = std::pair<std::uint64_t, core::Address>;  // chain id, token contract
  using Campaign = std::map<Key, Sums>;

  core::Result<Campaign> load(const std::string& campaign);

  const config::Config& config_;
  const storage::Store& store_;
  std::uint64_t seq_ = 0;
  std::map<std::string, Campaign, std::less<>> known_;  ///< sums after seq_
};

}  // namespace givewatch::alerts
