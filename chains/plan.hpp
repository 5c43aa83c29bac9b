#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <vector>

#include "chains/eth.hpp"
#include "config/config.hpp"
#include "storage/types.hpp"

namespace givewatch::chains {

/// A campaign address watched on one chain.
struct Target {
  core::Address address;
  std::string campaign;
  std::uint64_t start_block = 0;
};

/// Everything one chain's watcher needs from the configuration, looked up once.
struct ChainPlan {
  config::Chain chain;
  std::vector<config::Token> tokens;
  std::vector<Target> targets;
  /// Every address of each campaign, on any chain: a transfer from one of them to the same
  /// campaign is the campaign moving its own money, not a donation.
  std::map<std::string, std::vector<core::Address>, std::less<>> campaign_addresses;

  const Target* target(const core::Address& to) const;
  bool is_token(const core::Address& a) const;
};

ChainPlan make_plan(const config::Config& config, const config::Chain& chain);

/// The eth_getLogs filter (without the block range) for Transfers of the plan's tokens to the
/// addresses `to`: the watcher's and the audit's, so that both see the same logs.
boost::json::object transfers_filter(const ChainPlan& plan, const std::vector<core::Address>& to);

/// The TLS settings for the chain's https endpoints: the system store, and its ca_file when set.
std::unique_ptr<boost::asio::ssl::context> tls_context(const config::Chain& chain);

/// Why a log is not a donation (counted, and logged at debug level).
enum class Skip { not_a_token, not_a_transfer, not_a_target, mint, own_transfer, before_start, removed };

/// Why, in words: "a mint", "not to a campaign address", ...
std::string_view to_string(Skip skip) noexcept;

/// Turns one eth_getLogs entry into a donation, or says why it is not one. `next_block` is the
/// first block the receiving address is indexed from (logs below it belong to another step).
std::variant<storage::Donation, Skip> classify(const ChainPlan& plan, const eth::Log& log, std::uint64_t next_block);

}  // namespace givewatch::chains
