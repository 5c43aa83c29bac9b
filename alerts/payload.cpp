#include "alerts/payload.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "alerts/describe.hpp"
#include "api/filter.hpp"
#include "api/render.hpp"
#include "core/keccak.hpp"

namespace givewatch::alerts {
namespace {

std::string_view type_name(storage::EventType type) noexcept {
  switch (type) {
    case storage::EventType::confirmed:
      return "donation.confirmed";
    case storage::EventType::removed:
      return "donation.removed";
    case storage::EventType::donation:
      break;
  }
  return "donation.created";
}

/// Recognisable as made up in any explorer: the hash of a label, an address of its first bytes.
core::Hash sample_hash(std::string_view label) {
  return core::keccak256(label);
}

core::Address sample_address(std::string_view label) {
  core::Address a;
  const auto h = sample_hash(label);
  std::copy_n(h.bytes.begin(), a.bytes.size(), a.bytes.begin());
  return a;
}

}  // namespace

std::string webhook_body(const config::Config& config, const storage::Event& event, const CampaignUsd& usd) {
  namespace json = boost::json;
  json::object data = api::render::donation(config, event.donation);
  const auto* campaign = config.find_campaign(event.donation.campaign);
  data["campaign_name"] = campaign ? json::value(campaign->name) : json::value(nullptr);
  data["usd"] = json::object{{"confirmed", usd.confirmed}, {"pending", usd.pending}};
  json::object body;
  body["type"] = type_name(event.type);
  body["timestamp"] = api::iso8601(event.donation.timestamp);
  body["data"] = std::move(data);
  return json::serialize(body);
}

storage::Event sample_event(const config::Config& config) {
  storage::Event event;
  event.seq = 0;
  event.type = storage::EventType::donation;
  auto& d = event.donation;
  d.block_number = 1;
  d.block_hash = sample_hash("givewatch alerts test: block");
  d.tx_hash = sample_hash("givewatch alerts test: transaction");
  d.from = sample_address("givewatch alerts test: sender");
  d.timestamp = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  d.status = storage::Status::pending;
  if (config.campaigns.empty()) return event;
  const auto& campaign = config.campaigns.front();
  d.campaign = campaign.id;
  if (campaign.addresses.empty()) return event;
  const auto& address = campaign.addresses.front();
  d.to = address.address;
  if (const auto* chain = config.find_chain(address.chain)) d.chain_id = chain->chain_id;
  for (const auto& token : config.tokens) {
    if (token.chain != address.chain) continue;
    d.token = token.address;
    d.amount = boost::multiprecision::pow(core::Amount(10), token.decimals);
    break;
  }
  return event;
}

}  // namespace givewatch::alerts
