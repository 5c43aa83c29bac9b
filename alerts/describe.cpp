#include "alerts/describe.hpp"

#include <chrono>
#include <cstdio>

#include "api/render.hpp"

namespace givewatch::alerts {

namespace render = api::render;

std::string short_address(const core::Address& address) {
  const std::string full = core::to_checksum(address);
  return full.substr(0, 6) + "\u2026" + full.substr(full.size() - 4);
}

std::string rfc3339(std::uint64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{static_cast<seconds::rep>(unix_seconds)}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return out;
}

const config::Campaign* campaign_of(const config::Config& config, std::string_view id) {
  for (const auto& c : config.campaigns) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Facts describe(const config::Config& config, const storage::Donation& d) {
  Facts f;
  const auto* campaign = campaign_of(config, d.campaign);
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
