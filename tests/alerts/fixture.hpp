#pragma once

#include <string>

#include "config/config.hpp"
#include "storage/types.hpp"

namespace givewatch::alerts::test {

inline core::Address address(std::string_view hex) {
  return core::parse_address(hex).value();
}
inline core::Hash hash(std::string_view hex) {
  return core::parse_hash(hex).value();
}

/// Two chains (bsc with an explorer, aurora without), a token of 18 and one of 6 decimals, and two
/// campaigns, the second with a name made of every character some chat markup treats specially.
inline config::Config config() {
  config::Config c;
  c.chains.push_back(config::Chain{.name = "bsc", .chain_id = 56, .explorer = "https://bscscan.com/"});
  c.chains.push_back(config::Chain{.name = "aurora", .chain_id = 1313161554});
  c.tokens.push_back(config::Token{.chain = "bsc",
                                   .symbol = "USDT",
                                   .address = address("0x55d398326f99059fF775485246999027B3197955"),
                                   .decimals = 18,
                                   .usd = true});
  c.tokens.push_back(config::Token{.chain = "aurora",
                                   .symbol = "USDC",
                                   .address = address("0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7"),
                                   .decimals = 6,
                                   .usd = true});
  c.campaigns.push_back(config::Campaign{
      .id = "memorial",
      .name = "Political Prisoners. Memorial",
      .addresses = {{.chain = "bsc", .address = address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")}}});
  c.campaigns.push_back(config::Campaign{
      .id = "hostile",
      .name = "<b>&*_`|~>",
      .addresses = {{.chain = "aurora", .address = address("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")}}});
  return c;
}

/// 250.5 USDT from 0x5aAe…eAed to the memorial campaign on bsc, block time 2024-05-01T12:00:00Z.
inline storage::Event event(storage::EventType type = storage::EventType::donation) {
  storage::Event e;
  e.seq = 7;
  e.type = type;
  auto& d = e.donation;
  d.chain_id = 56;
  d.block_number = 123;
  d.block_hash = hash("0x1111111111111111111111111111111111111111111111111111111111111111");
  d.timestamp = 1714564800;
  d.tx_hash = hash("0xabcdef0000000000000000000000000000000000000000000000000000000001");
  d.log_index = 2;
  d.token = address("0x55d398326f99059fF775485246999027B3197955");
  d.from = address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  d.to = address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
  d.amount = core::parse_amount("250500000000000000000").value();
  d.campaign = "memorial";
  d.status = type == storage::EventType::confirmed ? storage::Status::confirmed : storage::Status::pending;
  return e;
}

/// 12.25 USDC on aurora (no explorer) to the campaign with the hostile name.
inline storage::Event hostile_event(storage::EventType type = storage::EventType::donation) {
  storage::Event e = event(type);
  auto& d = e.donation;
  d.chain_id = 1313161554;
  d.token = address("0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7");
  d.to = address("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB");
  d.amount = 12250000;
  d.campaign = "hostile";
  return e;
}

inline config::Alert alert(config::AlertKind kind, std::string lang = "en") {
  config::Alert a;
  a.id = "ops";
  a.kind = kind;
  a.lang = std::move(lang);
  a.chat_id = "-1001234567890";
  return a;
}

}  // namespace givewatch::alerts::test
