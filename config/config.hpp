#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/amount.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"

namespace givewatch::config {

/// How a chain decides that a block is final enough to confirm the donations in it.
enum class Finality { confirmations, finalized, safe };

struct Server {
  std::string host = "127.0.0.1";  ///< from `listen`, brackets of an IPv6 literal removed
  std::uint16_t port = 8080;
  std::vector<std::string> cors_origins{"*"};
};

struct Storage {
  std::filesystem::path path = "./data";  ///< relative paths are taken from the working directory
  bool sync = false;  ///< fsync the write-ahead log on every indexing step (survives power loss)
};

struct Chain {
  std::string name;                  ///< short id used in the API, [a-z0-9-]
  std::uint64_t chain_id = 0;        ///< must equal every endpoint's eth_chainId
  std::vector<std::string> rpc;      ///< http(s) URLs, ${VAR} already expanded
  std::vector<std::string> ws;       ///< ws(s) URLs for pushed new heads (eth_subscribe); empty: polling only
  std::uint64_t confirmations = 12;  ///< depth below the head at which a donation is confirmed
  Finality finality = Finality::confirmations;
  std::uint32_t poll_interval_ms = 1000;
  std::uint64_t max_block_range = 2000;  ///< widest eth_getLogs span ever asked
  std::filesystem::path ca_file;         ///< extra CA certificates (PEM) for https endpoints; empty: system store
  std::string explorer;                  ///< block explorer base URL (…/tx/HASH, …/address/ADDR); empty: none
  bool proofs = true;                    ///< receipt proofs served (default: proofs_by_default(chain_id))
};

/// Whether a chain's headers can carry a receipt proof, unless its `proofs` key says otherwise. Not on
/// Aurora (1313161554): its receiptsRoot is a trie of hashes of transaction outputs, and its block
/// hash is not the hash of a header.
bool proofs_by_default(std::uint64_t chain_id) noexcept;

struct Token {
  std::string chain;  ///< a Chain::name
  std::string symbol;
  core::Address address;
  unsigned decimals = 0;  ///< 0..77
  bool usd = false;       ///< a USD stablecoin, counted in a campaign's USD sum
};

struct CampaignAddress {
  std::string chain;  ///< a Chain::name
  core::Address address;
  std::uint64_t start_block = 0;  ///< first block indexed for this address
};

struct Campaign {
  std::string id;  ///< [a-z0-9-], unique
  std::string name;
  std::vector<CampaignAddress> addresses;
};

/// What an alert sink is: a Standard Webhooks receiver or a chat.
enum class AlertKind { webhook, slack, discord, telegram };

/// The events of the store's log an alert sink can be told about.
enum class AlertEvent { donation, confirmed, removed };

/// Where a sink seen for the first time starts on the event log.
enum class AlertFrom { end, start };

/// A donation's exact decimal value threshold: `units` / 10^`scale`, e.g. "10.5" is 105 / 10^1.
struct DecimalValue {
  core::Amount units = 0;
  unsigned scale = 0;
  std::string text = "0";  ///< as written, normalised (no leading zeros)
  friend bool operator==(const DecimalValue&, const DecimalValue&) = default;
};

/// One [[alerts]] table: where to deliver which events of the log. Secrets and tokens are never
/// printed: not in diagnostics, `check`, logs, metrics or the API.
struct Alert {
  std::string id;  ///< 1..64 of a-z 0-9 -, unique
  AlertKind kind = AlertKind::webhook;
  std::string url;  ///< webhook, slack, discord: where to POST; telegram: empty (see api_base)
  std::string secret;  ///< webhook only: "whsec_" + base64 of 24..64 bytes
  std::vector<std::uint8_t> key;  ///< webhook only: the decoded secret, the HMAC-SHA256 key
  std::vector<AlertEvent> events{AlertEvent::donation, AlertEvent::confirmed, AlertEvent::removed};
  std::vector<std::string> campaigns;  ///< campaign ids; empty: every campaign
  DecimalValue min_value;              ///< only donations whose exact decimal value is at least this
  std::string lang = "en";             ///< chat only: "en" | "ru"
  AlertFrom from = AlertFrom::end;
  std::string bot_token;  ///< telegram only
  std::string chat_id;    ///< telegram only
  std::string api_base = "https://api.telegram.org";  ///< telegram only, no trailing '/'
  std::filesystem::path ca_file;  ///< extra CA certificates (PEM) for https; empty: system store
  std::uint32_t retry_base_ms = 5000;  ///< first retry delay; later ones are 6, 24, 120, 360, 720 times it
  std::uint32_t timeout_ms = 15000;    ///< per delivery attempt: connect, send, answer

  bool wants(AlertEvent event) const noexcept;
  bool wants_campaign(std::string_view campaign) const noexcept;
  /// Where this sink's POSTs go, secrets included: never log it (use redact_url).
  std::string target_url() const;
};

std::string_view to_string(AlertKind kind) noexcept;
std::string_view to_string(AlertEvent event) noexcept;

/// [attestation]: the key that signs attestations of campaign totals.
struct Attestation {
  std::filesystem::path key_file;  ///< 64 hex digits, readable by its owner only (checked when loaded)
  core::Address signer;            ///< the key's address, for `check`; the key itself is not kept here
};

/// The whole configuration, parsed and validated once; components receive the parts they need.
struct Config {
  std::filesystem::path source;  ///< the file it was read from
  Server server;
  Storage storage;
  std::vector<Chain> chains;
  std::vector<Token> tokens;
  std::vector<Campaign> campaigns;
  std::vector<Alert> alerts;
  std::optional<Attestation> attestation;  ///< none: attestations are not offered
  std::vector<std::string> warnings;  ///< legal but probably unintended settings, e.g. a chain with no tokens

  const Chain* find_chain(std::string_view name) const noexcept;
  const Campaign* find_campaign(std::string_view id) const noexcept;
};

/// One problem found in a configuration file, located at file:line:column.
struct Diagnostic {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;  ///< what is wrong and what is expected

  /// "file:line:column: message"; "file: message" when the file itself could not be read (line 0).
  std::string to_string() const;
};

/// Either a valid Config or every problem found in the file (never just the first).
struct LoadResult {
  std::optional<Config> config;
  std::vector<Diagnostic> errors;
};

/// Environment lookup used for ${VAR}; the default reads the process environment.
using Environment = std::map<std::string, std::string, std::less<>>;

/// The spelling used in the file: "confirmations", "finalized" or "safe".
std::string_view to_string(Finality finality) noexcept;

/// An RPC URL safe to print or log: scheme://host[:port], then "/…" if it had a path and "?…" if
/// it had a query; credentials are dropped. Providers put API keys in the path or the query.
std::string redact_url(std::string_view url);

/// The one-screen overview `givewatch check` prints: server, storage, chains, tokens per chain,
/// campaigns with their addresses, alerts, warnings. URLs are redacted with redact_url; secrets and
/// tokens are never shown.
std::string summary(const Config& config);

/// Reads and validates the TOML file at `path`, expanding ${VAR} from the process environment.
LoadResult load_file(const std::filesystem::path& path);

/// Parses and validates TOML text; `source_name` is used in diagnostics. `env` replaces the
/// process environment for ${VAR} when given (tests).
LoadResult load_string(std::string_view toml, std::string_view source_name, const Environment* env = nullptr);

}  // namespace givewatch::config
