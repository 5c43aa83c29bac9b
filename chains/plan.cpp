#include "chains/plan.hpp"

#include <algorithm>

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
