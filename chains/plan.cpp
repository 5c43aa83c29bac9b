#include "chains/plan.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "chains/transfer_log.hpp"

namespace givewatch::chains {

const Target* ChainPlan::target(const core::Address& to) const {
  for (const auto& t : targets) {
    if (t.address == to) return &t;
  }
  return nullptr;
}

bool ChainPlan::is_token(const core::Address& a) const {
  return std::any_of(tokens.begin(), tokens.end(), [&](const auto& t) { return t.address == a; });
}

boost::json::object transfers_filter(const ChainPlan& plan, const std::vector<core::Address>& to) {
  boost::json::object filter;
  boost::json::array tokens;
  for (const auto& t : plan.tokens) tokens.emplace_back(core::to_hex(t.address));
  filter["address"] = std::move(tokens);
  boost::json::array receivers;
  for (const auto& a : to) receivers.emplace_back(core::to_hex(eth::address_topic(a)));
  boost::json::array topics;
  topics.emplace_back(core::to_hex(kTransferTopic));
  topics.emplace_back(nullptr);
  topics.emplace_back(std::move(receivers));
  filter["topics"] = std::move(topics);
  return filter;
}

std::unique_ptr<boost::asio::ssl::context> tls_context(const config::Chain& chain) {
  namespace ssl = boost::asio::ssl;
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_client);
  tls->set_default_verify_paths();
  tls->set_verify_mode(ssl::verify_peer);
  if (!chain.ca_file.empty()) tls->load_verify_file(chain.ca_file.string());
  return tls;
}

ChainPlan make_plan(const config::Config& config, const config::Chain& chain) {
  ChainPlan plan;
  plan.chain = chain;
  for (const auto& t : config.tokens) {
    if (t.chain == chain.name) plan.tokens.push_back(t);
  }
  for (const auto& c : config.campaigns) {
    auto& own = plan.campaign_addresses[c.id];
    for (const auto& a : c.addresses) {
      own.push_back(a.address);
      if (a.chain == chain.name) plan.targets.push_back(Target{a.address, c.id, a.start_block});
    }
  }
  return plan;
}

std::string_view to_string(Skip skip) noexcept {
  switch (skip) {
    case Skip::not_a_token: return "not from a configured token";
    case Skip::not_a_transfer: return "not an ERC-20 Transfer";
    case Skip::not_a_target: return "not to a campaign address";
    case Skip::mint: return "a mint";
    case Skip::own_transfer: return "the campaign moving its own money";
    case Skip::before_start: return "before the address's start block";
    case Skip::removed: return "removed by the node";
  }
  return "not a donation";
}

std::variant<storage::Donation, Skip> classify(const ChainPlan& plan, const eth::Log& log, std::uint64_t next_block) {
  if (log.removed) return Skip::removed;
  if (!plan.is_token(log.address)) return Skip::not_a_token;
  auto transfer = decode_transfer(log.address, log.topics, log.data);
  if (!transfer) return Skip::not_a_transfer;
  const Target* target = plan.target(transfer->to);
  if (!target) return Skip::not_a_target;
  if (transfer->from == core::Address{}) return Skip::mint;
  const auto& own = plan.campaign_addresses.find(target->campaign)->second;
  if (std::find(own.begin(), own.end(), transfer->from) != own.end()) return Skip::own_transfer;
  if (log.block_number < next_block) return Skip::before_start;

  storage::Donation d;
  d.chain_id = plan.chain.chain_id;
  d.block_number = log.block_number;
  d.block_hash = log.block_hash;
  d.timestamp = log.block_timestamp.value_or(0);
  d.tx_hash = log.tx_hash;
  d.log_index = log.log_index;
  d.token = transfer->token;
  d.from = transfer->from;
  d.to = transfer->to;
  d.amount = transfer->amount;
  d.campaign = target->campaign;
  return d;
}

}  // namespace givewatch::chains
