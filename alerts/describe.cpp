#include "alerts/describe.hpp"

#include "api/render.hpp"

namespace givewatch::alerts {

namespace render = api::render;

std::string short_address(const core::Address& address) {
  const std::string full = core::to_checksum(address);
  return full.substr(0, 6) + "\u2026" + full.substr(full.size() - 4);
}

Facts describe(const config::Config& config, const storage::Donation& d) {
  Facts f;
  const auto* campaign = config.find_campaign(d.campaign);
  f.campaign_name = campaign ? campaign->name : d.campaign;
  if (const auto* token = render::token_of(config, d.chain_id, d.token)) {
    f.value = core::format_units(d.amount, token->decimals);
    f.symbol = token->symbol;
  } else {
    f.value = core::to_string(d.amount);
    f.symbol = "base units of " + short_address(d.token);
  }
  const auto* chain = render::chain_of(config, d.chain_id);
  f.chain = chain ? chain->name : "chain " + std::to_string(d.chain_id);
  f.sender = short_address(d.from);
  if (chain && !chain->explorer.empty()) {
    std::string base = chain->explorer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    f.tx_url = base + "/tx/" + core::to_hex(d.tx_hash);
  }
  return f;
}

}  // namespace givewatch::alerts
