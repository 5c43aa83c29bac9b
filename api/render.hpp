#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "api/model.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"

/// JSON of the public API: donations, totals, campaigns. Amounts are decimal strings in base units
/// (`amount`) plus the exact decimal value (`value`); addresses EIP-55 checksummed.
namespace givewatch::api::render {

/// The configured token a donation is in, if the configuration still has it.
const config::Token* token_of(const config::Config& config, std::uint64_t chain_id, const core::Address& contract);
const config::Chain* chain_of(const config::Config& config, std::uint64_t chain_id);

/// The chains `campaign` has an address on, in configuration order.
std::vector<const config::Chain*> campaign_chains(const config::Config& config, const config::Campaign& campaign);

/// The totals of one token in `totals`, or nullptr when it has none yet.
const storage::TokenTotals* token_totals(const storage::CampaignTotals& totals, std::uint64_t chain_id,
                                         const core::Address& token);

boost::json::object donation(const config::Config& config, const storage::Donation& d);

/// The whole Campaign object: addresses, confirmed and pending totals, last donation, as_of.
core::Result<boost::json::object> campaign(const config::Config& config, const storage::Store& store,
                                           const config::Campaign& c);

/// The /v1/alerts list: each sink's state, cursor, backlog and last outcome; no secret.
boost::json::array alerts(const std::vector<AlertView>& views);

/// Sums exact decimal values of different precisions, e.g. "1.5" + "0.000001" = "1.500001".
std::string add_decimals(const std::vector<std::pair<core::Amount, unsigned>>& amounts);

}  // namespace givewatch::api::render
