#include "api/render.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/multiprecision/cpp_int.hpp>

namespace givewatch::api::render {

namespace json = boost::json;

const config::Token* token_of(const config::Config& config, std::uint64_t chain_id, const core::Address& contract) {
  const auto* chain = chain_of(config, chain_id);
  if (!chain) return nullptr;
  for (const auto& t : config.tokens) {
    if (t.chain == chain->name && t.address == contract) return &t;
  }
  return nullptr;
}

const config::Chain* chain_of(const config::Config& config, std::uint64_t chain_id) {
  for (const auto& c : config.chains) {
    if (c.chain_id == chain_id) return &c;
  }
  return nullptr;
}

std::vector<const config::Chain*> campaign_chains(const config::Config& config, const config::Campaign& campaign) {
  std::vector<const config::Chain*> chains;
  for (const auto& a : campaign.addresses) {
    const auto* chain = config.find_chain(a.chain);
    if (chain && std::find(chains.begin(), chains.end(), chain) == chains.end()) chains.push_back(chain);
  }
  std::sort(chains.begin(), chains.end());  // pointers into config.chains: configuration order
  return chains;
}

const storage::TokenTotals* token_totals(const storage::CampaignTotals& totals, std::uint64_t chain_id,
                                         const core::Address& token) {
  for (const auto& t : totals.tokens) {
    if (t.chain_id == chain_id && t.token == token) return &t;
  }
  return nullptr;
}

std::string add_decimals(const std::vector<std::pair<core::Amount, unsigned>>& amounts) {
  using boost::multiprecision::cpp_int;
  unsigned scale = 0;
  for (const auto& [amount, decimals] : amounts) scale = std::max(scale, decimals);
  cpp_int sum = 0;
  for (const auto& [amount, decimals] : amounts) {
    sum += cpp_int(amount) * boost::multiprecision::pow(cpp_int(10), scale - decimals);
  }
  return core::format_digits(sum.str(), scale);
}

json::object donation(const config::Config& config, const storage::Donation& d) {
  const auto* chain = chain_of(config, d.chain_id);
  const auto* token = token_of(config, d.chain_id, d.token);
  json::object o;
  o["chain"] = chain ? json::value(chain->name) : json::value(nullptr);
  o["chain_id"] = d.chain_id;
  o["token"] = token ? json::value(token->symbol) : json::value(nullptr);
  o["contract"] = core::to_checksum(d.token);
  o["from"] = core::to_checksum(d.from);
  o["to"] = core::to_checksum(d.to);
  o["amount"] = core::to_string(d.amount);
  o["value"] = token ? json::value(core::format_units(d.amount, token->decimals)) : json::value(nullptr);
  o["tx_hash"] = core::to_hex(d.tx_hash);
  o["log_index"] = d.log_index;
  o["block_number"] = d.block_number;
  o["block_hash"] = core::to_hex(d.block_hash);
  o["timestamp"] = d.timestamp;
  o["status"] = d.status == storage::Status::confirmed ? "confirmed" : "pending";
  o["campaign"] = d.campaign;
  return o;
}

core::Result<json::object> campaign(const config::Config& config, const storage::Store& store,
                                    const config::Campaign& c) {
  auto totals = store.totals(c.id);
  if (!totals) return totals.error();

  json::object out;
  out["id"] = c.id;
  out["name"] = c.name;
  json::array addresses;
  for (const auto& a : c.addresses) {
    addresses.push_back(json::object{{"chain", a.chain}, {"address", core::to_checksum(a.address)}});
  }
  const auto chains = campaign_chains(config, c);
  out["addresses"] = std::move(addresses);

  for (const bool confirmed : {true, false}) {
    json::array by_token;
    std::vector<std::pair<core::Amount, unsigned>> usd;
    std::uint64_t count = 0;
    for (const auto* chain : chains) {
      for (const auto& token : config.tokens) {
        if (token.chain != chain->name) continue;
        const auto* t = token_totals(*totals, chain->chain_id, token.address);
        const core::Amount amount = !t ? core::Amount(0) : confirmed ? t->confirmed_amount : t->pending_amount;
        const std::uint64_t n = !t ? 0 : confirmed ? t->confirmed_count : t->pending_count;
        count += n;
        if (token.usd) usd.emplace_back(amount, token.decimals);
        by_token.push_back(json::object{{"chain", chain->name},
                                        {"token", token.symbol},
                                        {"contract", core::to_checksum(token.address)},
                                        {"decimals", token.decimals},
                                        {"usd", token.usd},
                                        {"amount", core::to_string(amount)},
                                        {"value", core::format_units(amount, token.decimals)},
                                        {"donations", n}});
      }
    }
    json::object t;
    t["usd"] = add_decimals(usd);
    t["donations"] = count;
    t["donors"] = confirmed ? totals->confirmed_donors : totals->pending_donors;
    t["by_token"] = std::move(by_token);
    out[confirmed ? "confirmed" : "pending"] = std::move(t);
  }

  auto last = store.donations(storage::DonationQuery{.campaign = c.id, .limit = 1});
  if (!last) return last.error();
  out["last_donation"] = last->donations.empty() ? json::value(nullptr) : json::value(donation(config, last->donations[0]));

  json::array as_of;
  for (const auto* chain : chains) {
    auto cursor = store.chain_cursor(chain->chain_id);
    if (!cursor) return cursor.error();
    json::object a{{"chain", chain->name}, {"chain_id", chain->chain_id}};
    a["indexed_block"] = *cursor ? (*cursor)->indexed_block : 0;
    a["confirmed_block"] = *cursor ? (*cursor)->confirmed_block : 0;
    a["block_hash"] = *cursor && (*cursor)->indexed_hash != core::Hash{} ? json::value(core::to_hex((*cursor)->indexed_hash))
                                                                       : json::value(nullptr);
    as_of.push_back(std::move(a));
  }
  out["as_of"] = std::move(as_of);
  return out;
}

json::array alerts(const std::vector<AlertView>& views) {
  json::array out;
  for (const auto& v : views) {
    json::object attempts;
    for (const auto& [outcome, n] : v.attempts) attempts[outcome] = n;
    out.push_back(json::object{{"id", v.id},
                               {"kind", v.kind},
                               {"target", v.target},
                               {"state", v.state},
                               {"cursor", v.cursor},
                               {"behind", v.behind},
                               {"last_success", v.last_success ? json::value(*v.last_success) : json::value(nullptr)},
                               {"last_error", v.last_error.empty() ? json::value(nullptr) : json::value(v.last_error)},
                               {"failures", v.failures},
                               {"attempts", std::move(attempts)}});
  }
  return out;
}

}  // namespace givewatch::api::render
