#include "api/attestation.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

#include <boost/json.hpp>

#include "api/filter.hpp"
#include "api/handlers.hpp"
#include "api/render.hpp"
#include "attest/signer.hpp"
#include "givewatch/version.hpp"

namespace givewatch::api {

namespace json = boost::json;

namespace {

constexpr int kConsistentReadTries = 8;

/// The message from one reading of the store.
core::Result<std::string> read_message(const config::Config& config, const storage::Store& store,
                                       const config::Campaign& campaign, std::int64_t unix_seconds) {
  auto totals = store.totals(campaign.id);
  if (!totals) return totals.error();
  std::ostringstream out;
  out << "givewatch attestation of campaign totals\n"
      << "campaign: " << campaign.id << '\n'
      << "name: " << campaign.name << '\n'
      << "time: " << iso8601(static_cast<std::uint64_t>(std::max<std::int64_t>(0, unix_seconds))) << '\n';
  std::vector<std::pair<core::Amount, unsigned>> usd;
  for (const auto* chain : render::campaign_chains(config, campaign)) {
    auto cursor = store.chain_cursor(chain->chain_id);
    if (!cursor) return cursor.error();
    const std::uint64_t confirmed = *cursor ? (*cursor)->confirmed_block : 0;
    out << "chain: " << chain->name << " (chain id " << chain->chain_id << "), confirmed up to block " << confirmed;
    auto blocks = store.blocks(chain->chain_id, confirmed, 1);
    if (!blocks) return blocks.error();
    if (!*cursor) {
      out << " (nothing indexed yet)\n";
    } else if (!blocks->empty() && blocks->front().number == confirmed) {
      out << " (hash " << core::to_hex(blocks->front().hash) << ")\n";
    } else {
      out << " (hash not stored)\n";
    }
    for (const auto& token : config.tokens) {
      if (token.chain != chain->name) continue;
      const auto* t = render::token_totals(*totals, chain->chain_id, token.address);
      const core::Amount amount = t ? t->confirmed_amount : core::Amount(0);
      const std::uint64_t count = t ? t->confirmed_count : 0;
      if (token.usd) usd.emplace_back(amount, token.decimals);
      out << "  " << token.symbol << ' ' << core::to_checksum(token.address) << ": "
          << core::format_units(amount, token.decimals) << " confirmed (" << core::to_string(amount)
          << " base units) in " << count << (count == 1 ? " donation\n" : " donations\n");
    }
  }
  out << "confirmed USD: " << render::add_decimals(usd) << '\n';
  return out.str();
}

}  // namespace

core::Result<std::string> attestation_message(const config::Config& config, const storage::Store& store,
                                              const config::Campaign& campaign, std::int64_t unix_seconds) {
  for (int attempt = 1;; ++attempt) {
    const std::uint64_t before = store.version();
    auto message = read_message(config, store, campaign, unix_seconds);
    if (!message || store.version() == before || attempt == kConsistentReadTries) {
      if (message && store.version() != before) {
        return core::Error{core::Errc::storage, "steps kept landing while the totals were read; try again"};
      }
      return message;
    }
  }
}

Response Api::attestation(const config::Campaign& c) {
  if (!signer_) {
    return error(404, "not_found", "this givewatch signs no attestations: its configuration has no [attestation] "
                                   "key_file (see docs/auditing.md)");
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto message = attestation_message(config_, store_, c, now);
  if (!message) return error(503, "storage", message.error().message);
  const attest::Signature signature = signer_->sign_personal(*message);
  Response r;
  r.body = json::serialize(json::value{{"message", *message},
                                       {"signature", core::to_hex(core::ByteView(signature.data(), signature.size()))},
                                       {"signer", core::to_checksum(signer_->address())}});
  r.cache_control = "no-store";  // each answer is signed at its own time
  return r;
}

Response Api::info() {
  Response r;
  r.body = json::serialize(json::value{
      {"name", "givewatch"},
      {"version", kVersion},
      {"attestation_signer", signer_ ? json::value(core::to_checksum(signer_->address())) : json::value(nullptr)}});
  r.etag = etag_of(r.body);
  return r;
}

}  // namespace givewatch::api
