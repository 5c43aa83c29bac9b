#include "proof/prover.hpp"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "chains/plan.hpp"
#include "core/keccak.hpp"
#include "proof/trie.hpp"

namespace givewatch::proof {

namespace asio = boost::asio;
namespace json = boost::json;

struct Prover::ChainState {
  std::string name;
  std::unique_ptr<asio::ssl::context> tls;
  std::unique_ptr<chains::EndpointPool> pool;
  bool busy = false;
  std::deque<std::shared_ptr<asio::steady_timer>> waiting;
  bool block_receipts = true;  ///< until a node says that it does not serve eth_getBlockReceipts
};

namespace {

using ReceiptsResult = boost::system::result<std::vector<EncodedReceipt>, ProofError>;

ProofError fail(ProofErrc kind, std::string message) {
  return ProofError{kind, std::move(message)};
}

/// Hands the chain's slot to the next proof waiting for it, or frees it, however the build ends.
class Slot {
 public:
  Slot(bool& busy, std::deque<std::shared_ptr<asio::steady_timer>>& waiting, const bool& closing)
      : busy_(busy), waiting_(waiting), closing_(closing) {}
  ~Slot() {
    if (closing_) return;  // the Prover is going: its work is being destroyed, not run
    while (!waiting_.empty()) {
      auto next = std::move(waiting_.front());
      waiting_.pop_front();
      if (next->cancel() > 0) return;  // woken: the slot is its own now (a gone waiter wakes nothing)
    }
    busy_ = false;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  bool& busy_;
  std::deque<std::shared_ptr<asio::steady_timer>>& waiting_;
  const bool& closing_;
};

/// The receipts of `answers` (one JSON receipt each), in transaction order.
ReceiptsResult encode_all(const std::vector<const json::value*>& answers, const EncodedHeader& header) {
  std::vector<EncodedReceipt> out;
  out.reserve(answers.size());
  for (const json::value* a : answers) {
    if (a->is_null()) {
      return fail(ProofErrc::unknown_block, "the node has no receipt for a transaction of block " + core::to_hex(header.hash));
    }
    auto r = encode_receipt(*a);
    if (!r) return fail(ProofErrc::mismatch, "a receipt of block " + core::to_hex(header.hash) + " cannot be re-encoded: " +
                                                  r.error().message);
    out.push_back(std::move(*r));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tx_index < b.tx_index; });
  if (out.size() != header.transactions.size()) {
    return fail(ProofErrc::mismatch, "the node gave " + std::to_string(out.size()) + " receipts for the " +
                                         std::to_string(header.transactions.size()) + " transactions of block " +
                                         core::to_hex(header.hash));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].tx_index != i || out[i].tx_hash != header.transactions[i] || out[i].block_hash != header.hash) {
      return fail(ProofErrc::mismatch, "the node's receipt " + std::to_string(i) + " of block " + core::to_hex(header.hash) +
                                           " is not the receipt of its transaction " +
                                           core::to_hex(header.transactions[i]) + " in that block");
    }
  }
  return out;
}

/// JSON-RPC params, built outside the coroutines (GCC 12 cannot keep an initializer list in a
/// coroutine frame).
json::array params(std::string first) {
  json::array a;
  a.emplace_back(std::move(first));
  return a;
}

json::array params(std::string first, bool second) {
  json::array a = params(std::move(first));
  a.emplace_back(second);
  return a;
}

}  // namespace

Prover::Prover(const config::Config& config, ProverOptions options)
    : options_(std::move(options)), work_(io_.get_executor()) {
  for (const auto& chain : config.chains) {
    if (!chain.proofs) continue;
    auto s = std::make_unique<ChainState>();
    s->name = chain.name;
    try {
      s->tls = chains::tls_context(chain);
    } catch (const std::exception& e) {
      spdlog::error("{}: cannot set up TLS for receipt proofs ({}); proofs of this chain are unavailable", chain.name,
                    e.what());
      continue;
    }
    s->pool = std::make_unique<chains::EndpointPool>(io_.get_executor(), chain.name, chain.chain_id, chain.rpc, *s->tls,
                                                     options_.pool);
    chains_.emplace(chain.name, std::move(s));
  }
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "gw-proofs");
    io_.run();
  });
}

Prover::~Prover() {
  asio::post(io_, [this] {
    closing_ = true;
    io_.stop();
  });
  work_.reset();
  thread_.join();
}

Task<ProofResult> Prover::prove(const config::Chain& chain, core::Hash block_hash, core::Hash tx) {
  co_return co_await asio::co_spawn(io_, gated(chain, block_hash, tx), asio::use_awaitable);
}

Task<ProofResult> Prover::gated(const config::Chain& chain, core::Hash block_hash, core::Hash tx) {
  const Key key{chain.chain_id, block_hash};
  if (auto it = cache_.find(key); it != cache_.end()) co_return prove_in(*it->second, tx);
  const auto found = chains_.find(chain.name);
  if (found == chains_.end()) {
    co_return fail(ProofErrc::unavailable, "receipt proofs of " + chain.name + " are not available on this server");
  }
  ChainState& s = *found->second;
  if (s.busy) {
    if (s.waiting.size() >= options_.max_waiting) {
      co_return fail(ProofErrc::busy, std::to_string(s.waiting.size()) + " proofs of " + s.name +
                                          " are waiting already; try again shortly");
    }
    auto turn = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
    s.waiting.push_back(turn);
    co_await turn->async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled by the Slot handing over
  }
  s.busy = true;
  Slot slot(s.busy, s.waiting, closing_);
  if (auto it = cache_.find(key); it != cache_.end()) co_return prove_in(*it->second, tx);  // read meanwhile
  auto block = co_await check_block(s, block_hash);
  if (!block) co_return block.error();
  remember(key, *block);
  co_return prove_in(**block, tx);
}

ProofResult prove_in(const CheckedBlock& block, const core::Hash& tx) {
  const auto at = std::find(block.transactions.begin(), block.transactions.end(), tx);
  if (at == block.transactions.end()) {
    return fail(ProofErrc::not_in_block, "block " + core::to_hex(block.hash) + " does not hold transaction " + core::to_hex(tx));
  }
  const auto index = static_cast<std::size_t>(at - block.transactions.begin());
  std::vector<core::Bytes> values;
  values.reserve(block.receipts.size());
  for (const auto& r : block.receipts) values.push_back(r.value);
  TrieProof trie = prove_index(values, index);
  auto proof = std::make_shared<ReceiptProof>();
  proof->block_number = block.number;
  proof->block_hash = block.hash;
  proof->header_rlp = block.header_rlp;
  proof->receipts_root = trie.root;  // equal to the header's: check_block made sure
  proof->receipt = block.receipts[index];
  proof->nodes = std::move(trie.nodes);
  return std::shared_ptr<const ReceiptProof>(std::move(proof));
}

Task<Prover::BlockResult> Prover::check_block(ChainState& s, core::Hash block_hash) {
  const std::string block_name = core::to_hex(block_hash);
  auto block = co_await s.pool->call("eth_getBlockByHash", params(block_name, false), {});
  if (!block) co_return fail(ProofErrc::unavailable, block.error().message);
  if (block->is_null()) {
    co_return fail(ProofErrc::unknown_block, "the nodes of " + s.name + " do not have block " + block_name +
                                                 " (replaced by a reorg, or not reached yet)");
  }
  auto header = encode_header(*block);
  if (!header) co_return fail(ProofErrc::mismatch, "block " + block_name + " cannot be re-encoded: " + header.error().message);
  if (header->hash != block_hash) {
    co_return fail(ProofErrc::mismatch, "asked for block " + block_name + ", the node gave " + core::to_hex(header->hash));
  }
  if (const auto rebuilt = core::keccak256(header->rlp); rebuilt != block_hash) {
    co_return fail(ProofErrc::mismatch, "the header of block " + block_name + " re-encoded hashes to " + core::to_hex(rebuilt) +
                                            ": the chain's headers hold fields givewatch does not know (set "
                                            "proofs = false for " + s.name + ")");
  }
  auto all = co_await receipts(s, *header);
  if (!all) co_return all.error();
  std::vector<TrieEntry> entries;
  entries.reserve(all->size());
  for (std::size_t i = 0; i < all->size(); ++i) entries.push_back(TrieEntry{index_key(i), (*all)[i].value});
  if (const auto root = build_trie(std::move(entries)).root; root != header->receipts_root) {
    co_return fail(ProofErrc::mismatch, "the receipts of block " + block_name + " rebuild a trie with root " +
                                            core::to_hex(root) + ", not the header's receiptsRoot " +
                                            core::to_hex(header->receipts_root));
  }
  auto checked = std::make_shared<CheckedBlock>();
  checked->number = header->number;
  checked->hash = block_hash;
  checked->header_rlp = std::move(header->rlp);
  checked->receipts_root = header->receipts_root;
  checked->transactions = std::move(header->transactions);
  checked->receipts = std::move(*all);
  co_return std::shared_ptr<const CheckedBlock>(std::move(checked));
}

Task<ReceiptsResult> Prover::receipts(ChainState& s, const EncodedHeader& header) {
  const std::string block_name = core::to_hex(header.hash);
  if (s.block_receipts) {
    auto answer = co_await s.pool->call("eth_getBlockReceipts", params(block_name), {});
    if (answer && answer->is_array()) {
      std::vector<const json::value*> each;
      for (const auto& r : answer->get_array()) each.push_back(&r);
      co_return encode_all(each, header);
    }
    if (answer && answer->is_null()) {
      co_return fail(ProofErrc::unknown_block, "the nodes of " + s.name + " have no receipts of block " + block_name);
    }
    if (answer) co_return fail(ProofErrc::mismatch, "eth_getBlockReceipts answered something other than a list");
    if (answer.error().retryable()) co_return fail(ProofErrc::unavailable, answer.error().message);
    spdlog::info("{}: the node does not serve eth_getBlockReceipts ({}); receipt proofs ask each transaction's receipt",
                 s.name, answer.error().message);
    s.block_receipts = false;
  }
  std::vector<json::value> answers;
  answers.reserve(header.transactions.size());
  for (std::size_t from = 0; from < header.transactions.size(); from += options_.receipts_per_batch) {
    std::vector<chains::RpcRequest> requests;
    const std::size_t to = std::min(header.transactions.size(), from + options_.receipts_per_batch);
    for (std::size_t i = from; i < to; ++i) {
      requests.push_back(chains::RpcRequest{"eth_getTransactionReceipt", params(core::to_hex(header.transactions[i]))});
    }
    auto batch = co_await s.pool->batch(std::move(requests), {});
    if (!batch) co_return fail(ProofErrc::unavailable, batch.error().message);
    for (auto& a : *batch) {
      if (!a) co_return fail(ProofErrc::unavailable, a.error().message);
      answers.push_back(std::move(*a));
    }
  }
  std::vector<const json::value*> each;
  for (const auto& a : answers) each.push_back(&a);
  co_return encode_all(each, header);
}

void Prover::remember(const Key& key, std::shared_ptr<const CheckedBlock> block) {
  if (options_.cache_blocks == 0) return;
  if (cache_.emplace(key, std::move(block)).second) cache_order_.push_back(key);
  while (cache_order_.size() > options_.cache_blocks) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

}  // namespace givewatch::proof
