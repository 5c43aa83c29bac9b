// GET /v1/tx/{chain}/{tx_hash}/proof: the receipt proof of a transaction's donations, checked here
// against the store and built by the prover (proof/prover.hpp) from the chain's nodes.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/render.hpp"
#include "chains/transfer_log.hpp"
#include "proof/prover.hpp"

namespace givewatch::api {

namespace json = boost::json;

namespace {

Response proof_error(const proof::ProofError& e, std::string_view chain) {
  switch (e.kind) {
    case proof::ProofErrc::busy: {
      Response r = error(503, "busy", e.message);
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    case proof::ProofErrc::unavailable:
    case proof::ProofErrc::unknown_block: {
      Response r = error(503, "unavailable", e.message);
      r.headers.emplace_back("Retry-After", "5");
      return r;
    }
    case proof::ProofErrc::not_in_block:
    case proof::ProofErrc::mismatch:
      spdlog::warn("{}: a receipt proof was refused: {}", chain, e.message);
      return error(502, "proof_mismatch", e.message);
  }
  return error(500, "internal", e.message);
}

/// The position in the receipt of the log that is donation `d`, when the log is that donation
/// exactly as stored: the token, the Transfer, its from, to and amount.
std::optional<std::size_t> position_of(const proof::EncodedReceipt& receipt, const storage::Donation& d) {
  for (std::size_t i = 0; i < receipt.logs.size(); ++i) {
    const auto& log = receipt.logs[i];
    if (log.log_index != d.log_index) continue;
    auto t = chains::decode_transfer(log.address, log.topics, log.data);
    if (!t || t->token != d.token || t->from != d.from || t->to != d.to || t->amount != d.amount) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

Task<Response> proof_answer(proof::Prover* prover, const config::Config* config, const config::Chain* chain,
                            std::vector<storage::Donation> donations, core::Hash tx) {
  auto built = co_await prover->prove(*chain, donations.front().block_hash, tx);
  if (!built) co_return proof_error(built.error(), chain->name);
  const proof::ReceiptProof& p = **built;
  json::array items;
  for (const auto& d : donations) {
    const auto position = d.block_hash == p.block_hash ? position_of(p.receipt, d) : std::nullopt;
    if (!position) {
      co_return proof_error(proof::ProofError{proof::ProofErrc::mismatch,
                                              "the node's receipt of " + core::to_hex(tx) + " does not hold the donation "
                                              "at log index " + std::to_string(d.log_index) + " as stored"},
                            chain->name);
    }
    const auto* token = render::token_of(*config, d.chain_id, d.token);
    items.push_back(json::object{{"log_index", d.log_index},
                                 {"receipt_log_position", *position},
                                 {"campaign", d.campaign},
                                 {"token", token ? json::value(token->symbol) : json::value(nullptr)},
                                 {"contract", core::to_checksum(d.token)},
                                 {"from", core::to_checksum(d.from)},
                                 {"to", core::to_checksum(d.to)},
                                 {"amount", core::to_string(d.amount)}});
  }
  json::array nodes;
  for (const auto& n : p.nodes) nodes.push_back(json::string(core::to_hex(n)));
  const json::object out{{"chain", chain->name},
                         {"chain_id", chain->chain_id},
                         {"tx_hash", core::to_hex(tx)},
                         {"block_number", p.block_number},
                         {"block_hash", core::to_hex(p.block_hash)},
                         {"header_rlp", core::to_hex(p.header_rlp)},
                         {"receipts_root", core::to_hex(p.receipts_root)},
                         {"tx_index", p.receipt.tx_index},
                         {"receipt", core::to_hex(p.receipt.value)},
                         {"proof", std::move(nodes)},
                         {"donations", std::move(items)}};
  Response r;
  r.body = json::serialize(out);
  r.etag = etag_of(r.body);
  co_return r;
}

}  // namespace

Response Api::proof(std::string_view chain_name, std::string_view hash) {
  const auto* chain = config_.find_chain(chain_name);
  if (!chain) return error(404, "not_found", "chain '" + std::string(chain_name) + "' is not configured");
  auto tx = core::parse_hash(hash);
  if (!tx) return error(400, "bad_request", "bad transaction hash: " + tx.error().message);
  if (!chain->proofs) {
    return error(422, "proofs_unavailable",
                 config::proofs_by_default(chain->chain_id)
                     ? "receipt proofs are off for " + chain->name + " (proofs = false in its [[chains]] entry)"
                     : "no receipt proof is possible on " + chain->name + ": its receiptsRoot is a trie of hashes of "
                       "transaction outputs, and its block hash is not the hash of a header");
  }
  auto found = store_.donations_by_tx(chain->chain_id, *tx);
  if (!found) return error(503, "storage", found.error().message);
  if (found->empty()) {
    return error(404, "not_found",
                 "transaction " + core::to_hex(*tx) + " on " + chain->name + " holds no donation to a campaign");
  }
  if (!prover_) return error(404, "not_available", "receipt proofs are not served by this server");
  Response r;
  r.deferred = [prover = prover_, config = &config_, chain, donations = std::move(*found), tx = *tx] {
    return proof_answer(prover, config, chain, donations, tx);
  };
  return r;
}

}  // namespace givewatch::api
