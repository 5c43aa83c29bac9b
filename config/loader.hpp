#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/reader.hpp"

namespace givewatch::config::detail {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

constexpr std::string_view kTopLevel[] = {"server", "storage", "chains", "tokens", "campaigns", "alerts", "attestation"};
constexpr std::string_view kTopLevelHeaders[] = {"[server]",      "[storage]",  "[[chains]]",   "[[tokens]]",
                                                 "[[campaigns]]", "[[alerts]]", "[attestation]"};
constexpr std::string_view kServerKeys[] = {"listen", "cors_origins"};
constexpr std::string_view kStorageKeys[] = {"path", "sync"};
constexpr std::string_view kAttestationKeys[] = {"key_file"};
constexpr std::string_view kChainKeys[] = {
    "name", "chain_id", "rpc", "confirmations", "finality", "poll_interval_ms", "max_block_range", "ca_file", "explorer", "proofs", "ws"};
constexpr std::string_view kTokenKeys[] = {"chain", "symbol", "address", "decimals", "usd"};
constexpr std::string_view kCampaignKeys[] = {"id", "name", "addresses"};
constexpr std::string_view kAddressKeys[] = {"chain", "address", "start_block"};
constexpr std::string_view kFinality[] = {"confirmations", "finalized", "safe"};
constexpr std::string_view kAlertKeys[] = {"id", "kind", "url", "secret", "events",
                                           "campaigns", "min_value", "lang", "from", "bot_token",
                                           "chat_id", "api_base", "ca_file", "retry_base_ms", "timeout_ms"};
/// In the order of AlertKind, AlertEvent and AlertFrom.
constexpr std::string_view kAlertKinds[] = {"webhook", "slack", "discord", "telegram"};
constexpr std::string_view kAlertEvents[] = {"donation", "confirmed", "removed"};
constexpr std::string_view kAlertFrom[] = {"end", "start"};
constexpr std::string_view kAlertLangs[] = {"en", "ru"};

constexpr std::string_view kChain = "[[chains]]";
constexpr std::string_view kToken = "[[tokens]]";
constexpr std::string_view kCampaign = "[[campaigns]]";
constexpr std::string_view kAddress = "[[campaigns.addresses]]";
constexpr std::string_view kAlert = "[[alerts]]";

using ChainAddress = std::pair<std::string, core::Address>;

/// Where a value was first seen and what it belonged to, for "already used at" messages.
struct Seen {
  std::string owner;
  toml::source_region where;
  std::size_t entry = 0;  ///< index of the owning [[campaigns]] entry, for campaign addresses
};

/// Walks the document table by table; cross-references (chain names, token contracts, campaign
/// addresses) are kept beside the Config so that every later entry can be checked against them.
class Loader {
 public:
  explicit Loader(Reader& reader) : r_(reader) {}

  Config load(const toml::table& root);

 private:
  void top_level(const toml::table& root);
  void server(const toml::table& table);
  void storage(const toml::table& table);
  void attestation(const toml::table& table);
  void chain(const toml::table& table);
  void token(const toml::table& table);
  void campaign(const toml::table& table);
  void campaign_address(const toml::table& table, Campaign& campaign, std::string_view label);
  void warnings();
  /// An [[alerts]] table; read after every [[campaigns]] table, which it may name.
  void alert(const toml::table& table);
  /// Reports the keys of `table` that `kind` does not use, and the ones it needs but lacks.
  void alert_kind_keys(const toml::table& table, AlertKind kind, std::string_view label);
  void alert_filters(const toml::table& table, Alert& alert, std::string_view label);
  void alert_telegram(const toml::table& table, Alert& alert, std::string_view label);
  /// The index of `text` in `choices`, or nullopt after reporting it with the nearest choice.
  std::optional<std::size_t> choice(const Text& text, std::string_view what, std::string_view label,
                                    std::span<const std::string_view> choices);

  /// True when `chain` names a [[chains]] entry; reports it otherwise, `what` naming the user.
  bool known_chain(const Text& chain, std::string_view what);
  std::optional<core::Address> address(const Text& text);

  Reader& r_;
  Config config_;
  std::vector<std::string> chain_order_;
  std::map<std::string, toml::source_region, std::less<>> chain_names_;
  std::map<std::uint64_t, Seen> chain_ids_;
  std::map<ChainAddress, Seen> token_addresses_;
  std::map<std::pair<std::string, std::string>, toml::source_region> token_symbols_;
  std::map<std::string, toml::source_region, std::less<>> campaign_ids_;
  std::map<ChainAddress, Seen> campaign_addresses_;
  std::map<std::string, toml::source_region, std::less<>> alert_ids_;
};

}  // namespace givewatch::config::detail
