#pragma once

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "storage/types.hpp"

namespace givewatch::alerts {

/// What an alert says about a donation, in plain text (not yet escaped for any target), taken from
/// the configuration as it is now: a chain, token or campaign removed from it since is named by id.
struct Facts {
  std::string campaign_name;  ///< the campaign's name; its id when the campaign is no longer configured
  std::string value;          ///< exact decimal value, e.g. "250.5"; base units when the token is unknown
  std::string symbol;         ///< e.g. "USDT"; "base units of 0x1234…abcd" when the token is unknown
  std::string chain;          ///< the chain's name, or "chain 56"
  std::string sender;         ///< short_address of the sender
  std::string tx_url;         ///< "<explorer>/tx/<hash>"; empty when the chain has no explorer
};

Facts describe(const config::Config& config, const storage::Donation& d);

/// "0x1234…abcd" of the EIP-55 form: enough to recognise an address, short enough for a chat line.
std::string short_address(const core::Address& address);

}  // namespace givewatch::alerts
