#include <algorithm>
#include <filesystem>

#include "config/loader.hpp"
#include "config/values.hpp"

namespace givewatch::config::detail {

void Loader::chain(const toml::table& table) {
  r_.check_keys(table, kChain, kChainKeys);
  Chain chain;
  if (auto name = r_.text(table, "name", kChain, Need::required)) {
    if (!is_slug(name->value, 32)) {
      r_.error(name->where, "invalid chain name " + name->quoted() +
                                "; expected 1 to 32 characters from a-z, 0-9 and '-'");
    }
    if (auto [it, inserted] = chain_names_.try_emplace(name->value, name->where); !inserted) {
      r_.error(name->where, "duplicate chain name " + name->quoted() + ", already used at " +
                                r_.location(it->second) + "; chain names must be unique");
    } else {
      chain_order_.push_back(name->value);
    }
    chain.name = name->value;
  }
  if (auto id = r_.integer(table, "chain_id", kChain, Need::required, Range{1, kMax})) {
    chain.chain_id = static_cast<std::uint64_t>(*id);
    const toml::source_region where = table.get("chain_id")->source();
    if (auto [it, inserted] = chain_ids_.try_emplace(chain.chain_id, Seen{chain.name, where}); !inserted) {
      r_.error(where, "duplicate chain_id " + std::to_string(*id) + ", already used by chain '" +
                          it->second.owner + "' at " + r_.location(it->second.where) +
                          "; each chain needs its own chain_id");
    }
  }
  if (auto rpc = r_.texts(table, "rpc", kChain, Need::required)) {
    if (rpc->array->empty()) {
      r_.error(rpc->array->source(),
               "'rpc' in [[chains]] is empty; expected at least one http:// or https:// URL");
    }
    for (const auto& url : rpc->items) {
      if (auto checked = check_rpc_url(url.value); !checked) {
        r_.error(url.where, "invalid RPC URL " + url.quoted_url() + ": " + checked.error().message);
      } else if (std::find(chain.rpc.begin(), chain.rpc.end(), url.value) != chain.rpc.end()) {
        r_.error(url.where, "duplicate RPC URL " + url.quoted_url() + "; list each endpoint once");
      } else {
        chain.rpc.push_back(url.value);
      }
    }
  }
  if (auto ws = r_.texts(table, "ws", kChain, Need::optional)) {
    for (const auto& url : ws->items) {
      if (auto checked = check_ws_url(url.value); !checked) {
        r_.error(url.where, "invalid WebSocket URL " + url.quoted_url() + ": " + checked.error().message);
      } else if (std::find(chain.ws.begin(), chain.ws.end(), url.value) != chain.ws.end()) {
        r_.error(url.where, "duplicate WebSocket URL " + url.quoted_url() + "; list each endpoint once");
      } else {
        chain.ws.push_back(url.value);
      }
    }
  }
  if (auto value = r_.integer(table, "confirmations", kChain, Need::optional, Range{0, 1'000'000})) {
    chain.confirmations = static_cast<std::uint64_t>(*value);
  }
  if (auto finality = r_.text(table, "finality", kChain, Need::optional)) {
    const auto* match = std::find(std::begin(kFinality), std::end(kFinality), finality->value);
    if (match == std::end(kFinality)) {
      std::string message = "invalid finality " + finality->quoted() + "; ";
      if (auto near = closest(finality->value, kFinality)) {
        message += "did you mean '" + std::string(*near) + "'? ";
      }
      r_.error(finality->where, message + "expected 'confirmations', 'finalized' or 'safe'");
    } else {
      chain.finality = static_cast<Finality>(match - std::begin(kFinality));
    }
  }
  if (auto value = r_.integer(table, "poll_interval_ms", kChain, Need::optional, Range{50, 3'600'000})) {
    chain.poll_interval_ms = static_cast<std::uint32_t>(*value);
  }
  if (auto value = r_.integer(table, "max_block_range", kChain, Need::optional, Range{1, 1'000'000})) {
    chain.max_block_range = static_cast<std::uint64_t>(*value);
  }
  if (auto ca = r_.text(table, "ca_file", kChain, Need::optional)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ca->value, ec)) {
      r_.error(ca->where, "ca_file " + ca->quoted() + " is not a readable file; expected a PEM file of the "
                          "certificate authorities to trust for this chain's https endpoints");
    }
    chain.ca_file = ca->value;
  }
  if (auto explorer = r_.text(table, "explorer", kChain, Need::optional)) {
    if (auto checked = check_http_url(explorer->value, "https://bscscan.com"); !checked) {
      r_.error(explorer->where, "invalid explorer " + explorer->quoted() + ": " + checked.error().message);
    } else {
      chain.explorer = explorer->value;
      while (!chain.explorer.empty() && chain.explorer.back() == '/') chain.explorer.pop_back();
    }
  }
  chain.proofs = proofs_by_default(chain.chain_id);
  if (auto proofs = r_.boolean(table, "proofs", kChain, Need::optional)) chain.proofs = *proofs;
  config_.chains.push_back(std::move(chain));
}

bool Loader::known_chain(const Text& chain, std::string_view what) {
  if (chain_names_.contains(chain.value)) return true;
  std::string list;
  for (const auto& name : chain_order_) list += (list.empty() ? "" : ", ") + name;
  r_.error(chain.where, "unknown chain " + chain.quoted() + " for " + std::string(what) +
                            "; expected one of the configured chains: " + (list.empty() ? "(none)" : list));
  return false;
}

std::optional<core::Address> Loader::address(const Text& text) {
  auto parsed = core::parse_address(text.value);
  if (!parsed) {
    r_.error(text.where, parsed.error().message + text.origin());
    return std::nullopt;
  }
  return *parsed;
}

void Loader::token(const toml::table& table) {
  r_.check_keys(table, kToken, kTokenKeys);
  Token token;
  auto chain = r_.text(table, "chain", kToken, Need::required);
  if (chain) token.chain = chain->value;
  auto symbol = r_.text(table, "symbol", kToken, Need::required);
  if (symbol) {
    const auto& value = symbol->value;
    const auto characters = std::count_if(
        value.begin(), value.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
    const bool ok =
        characters >= 1 && characters <= 16 && std::all_of(value.begin(), value.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte > 0x20 && byte != 0x7f;
        });
    if (!ok) {
      r_.error(symbol->where,
               "invalid token symbol " + symbol->quoted() + "; expected 1 to 16 characters without spaces");
    }
    token.symbol = symbol->value;
  }
  const std::string label = symbol ? "token '" + symbol->value + "'" : "this token";
  const bool chain_ok = chain && known_chain(*chain, label);

  if (auto text = r_.text(table, "address", kToken, Need::required)) {
    auto address = this->address(*text);
    if (address) token.address = *address;
    if (address && chain_ok) {
      auto [it, inserted] =
          token_addresses_.try_emplace({chain->value, *address}, Seen{token.symbol, text->where});
      if (!inserted) {
        r_.error(text->where, label + " on chain '" + chain->value + "' has the same address as token '" +
                                  it->second.owner + "' at " + r_.location(it->second.where) +
                                  "; list each token contract once");
      }
    }
  }
  if (symbol && chain_ok) {
    auto [it, inserted] = token_symbols_.try_emplace({chain->value, symbol->value}, symbol->where);
    if (!inserted) {
      r_.error(symbol->where, "duplicate token symbol " + symbol->quoted() + " on chain '" + chain->value +
                                  "', already used at " + r_.location(it->second) +
                                  "; symbols must be unique on a chain");
    }
  }
  if (auto decimals = r_.integer(table, "decimals", kToken, Need::required, Range{0, 77})) {
    token.decimals = static_cast<unsigned>(*decimals);
  }
  if (auto usd = r_.boolean(table, "usd", kToken, Need::optional)) token.usd = *usd;
  config_.tokens.push_back(std::move(token));
}

void Loader::campaign(const toml::table& table) {
  r_.check_keys(table, kCampaign, kCampaignKeys);
  Campaign campaign;
  auto id = r_.text(table, "id", kCampaign, Need::required);
  if (id) {
    if (!is_slug(id->value, 64)) {
      r_.error(id->where,
               "invalid campaign id " + id->quoted() + "; expected 1 to 64 characters from a-z, 0-9 and '-'");
    }
    if (auto [it, inserted] = campaign_ids_.try_emplace(id->value, id->where); !inserted) {
      r_.error(id->where, "duplicate campaign id " + id->quoted() + ", already used at " +
                              r_.location(it->second) + "; campaign ids must be unique");
    }
    campaign.id = id->value;
  }
  const std::string label = id ? "campaign '" + id->value + "'" : "this campaign";
  if (auto name = r_.text(table, "name", kCampaign, Need::required)) {
    if (name->value.empty()) {
      r_.error(name->where, "'name' in [[campaigns]] is empty; expected the campaign's display name");
    }
    campaign.name = name->value;
  }
  if (auto addresses = r_.tables(table, "addresses", kCampaign, Need::required, kAddress)) {
    if (table.get("addresses")->as_array()->empty()) {
      r_.error(table.get("addresses")->source(),
               label + " has no addresses; expected at least one [[campaigns.addresses]] table");
    }
    for (const auto* entry : *addresses) campaign_address(*entry, campaign, label);
  }
  config_.campaigns.push_back(std::move(campaign));
}

void Loader::campaign_address(const toml::table& table, Campaign& campaign, std::string_view label) {
  r_.check_keys(table, kAddress, kAddressKeys);
  CampaignAddress entry;
  auto chain = r_.text(table, "chain", kAddress, Need::required);
  const bool chain_ok = chain && known_chain(*chain, "an address of " + std::string(label));
  if (chain) entry.chain = chain->value;
  if (auto text = r_.text(table, "address", kAddress, Need::required)) {
    auto address = this->address(*text);
    if (address) entry.address = *address;
    if (address && chain_ok) {
      const ChainAddress key{chain->value, *address};
      const std::string shown = core::to_checksum(*address) + text->origin();
      if (auto token = token_addresses_.find(key); token != token_addresses_.end()) {
        r_.error(text->where, "address " + shown + " of " + std::string(label) + " on chain '" +
                                  chain->value + "' is the contract of token '" + token->second.owner +
                                  "' at " + r_.location(token->second.where) +
                                  "; expected the address that receives the donations");
      } else if (auto [it, inserted] = campaign_addresses_.try_emplace(
                     key, Seen{campaign.id, text->where, config_.campaigns.size()});
                 !inserted) {
        const bool same = it->second.entry == config_.campaigns.size();
        r_.error(
            text->where,
            "address " + shown + " on chain '" + chain->value + "' is " +
                (same ? "listed twice in " + std::string(label) + ", also at " + r_.location(it->second.where)
                      : "in " + std::string(label) + " and also in campaign '" + it->second.owner + "' at " +
                            r_.location(it->second.where) + "; an address can belong to one campaign only"));
      }
    }
  }
  if (auto start = r_.integer(table, "start_block", kAddress, Need::required, Range{0, kMax})) {
    entry.start_block = static_cast<std::uint64_t>(*start);
  }
  campaign.addresses.push_back(std::move(entry));
}

}  // namespace givewatch::config::detail
