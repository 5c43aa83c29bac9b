#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chains/endpoint_pool.hpp"
#include "config/config.hpp"
#include "core/task.hpp"
#include "proof/encode.hpp"

namespace givewatch::proof {

/// Everything an outsider needs to check one receipt against a block hash alone.
struct ReceiptProof {
  std::uint64_t block_number = 0;
  core::Hash block_hash;
  core::Bytes header_rlp;  ///< keccak256(header_rlp) == block_hash
  core::Hash receipts_root;
  EncodedReceipt receipt;          ///< under key rlp(receipt.tx_index) in the receipts trie
  std::vector<core::Bytes> nodes;  ///< the trie nodes of that key's path, root first
};

/// Why a proof could not be given.
enum class ProofErrc {
  unavailable,    ///< the chain's nodes did not answer (all endpoints failing): try again later
  busy,           ///< too many proofs wait for this chain already: try again shortly
  unknown_block,  ///< the node does not have the block (replaced by a reorg, or not reached yet)
  not_in_block,   ///< the block does not hold the transaction
  mismatch,       ///< the node's header or receipts do not hash to what the block commits to
};

struct ProofError {
  ProofErrc kind = ProofErrc::unavailable;
  std::string message;
};

using ProofResult = boost::system::result<std::shared_ptr<const ReceiptProof>, ProofError>;

/// A block whose header and receipts were checked against its hash: what every proof of one of its
/// transactions is cut from.
struct CheckedBlock {
  std::uint64_t number = 0;
  core::Hash hash;
  core::Bytes header_rlp;
  core::Hash receipts_root;
  std::vector<core::Hash> transactions;
  std::vector<EncodedReceipt> receipts;  ///< receipts[i] is the receipt of transactions[i]
};

/// The proof of transaction `tx` from a checked block; not_in_block when the block lacks it.
boost::system::result<std::shared_ptr<const ReceiptProof>, ProofError> prove_in(const CheckedBlock& block,
                                                                                  const core::Hash& tx);

struct ProverOptions {
  std::size_t cache_blocks = 8;           ///< checked blocks kept (a block's receipts do not change)
  std::size_t max_waiting = 16;           ///< per chain, beyond the one being built: more are busy
  std::size_t receipts_per_batch = 100;   ///< eth_getTransactionReceipt calls in one batch
  chains::PoolOptions pool = [] {
    chains::PoolOptions o;
    o.call_budget = std::chrono::seconds(10);  // an API client is waiting
    o.attempt_timeout = std::chrono::seconds(10);
    return o;
  }();
};

/// Builds receipt proofs from the configured nodes of each chain, on connections of its own (the
/// watchers' are not slowed): the header by block hash, every receipt of the block
/// (eth_getBlockReceipts, or eth_getTransactionReceipt in batches where a node lacks it), the
/// receipts trie rebuilt. A proof is given only when the header hashes to the block hash and the
/// rebuilt trie's root is the header's receiptsRoot: the node's answers are never passed on
/// unchecked. One block is read per chain at a time; the last checked blocks are kept, so the
/// other donations of a block cost no call.
/// All of its work runs on a thread of its own, so that reading a block's receipts never holds up
/// the API's other answers.
class Prover {
 public:
  /// Connections only for the chains whose `proofs` is on; the others are unavailable.
  explicit Prover(const config::Config& config, ProverOptions options = {});
  ~Prover();
  Prover(const Prover&) = delete;
  Prover& operator=(const Prover&) = delete;

  /// The proof of transaction `tx` in block `block_hash` of `chain` (a chain of the config),
  /// awaited from any executor.
  Task<ProofResult> prove(const config::Chain& chain, core::Hash block_hash, core::Hash tx);

 private:
  struct ChainState;
  using Key = std::pair<std::uint64_t, core::Hash>;  // chain id, block hash
  using BlockResult = boost::system::result<std::shared_ptr<const CheckedBlock>, ProofError>;

  Task<ProofResult> gated(const config::Chain& chain, core::Hash block_hash, core::Hash tx);
  /// Reads block `block_hash` and all its receipts and checks them against the hash.
  Task<BlockResult> check_block(ChainState& s, core::Hash block_hash);
  Task<boost::system::result<std::vector<EncodedReceipt>, ProofError>> receipts(ChainState& s,
                                                                                const EncodedHeader& header);
  void remember(const Key& key, std::shared_ptr<const CheckedBlock> block);

  // Destroyed in reverse order, once the thread has ended: first the chains' connections (I/O
  // objects must go before their io_context; closing them cancels what waits on them), then the
  // io_context with the work suspended in it, whose destructors touch nothing but `closing_`.
  ProverOptions options_;
  bool closing_ = false;  ///< set before the io_context stops: waiting work no longer hands over
  std::map<Key, std::shared_ptr<const CheckedBlock>> cache_;
  std::deque<Key> cache_order_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::map<std::string, std::unique_ptr<ChainState>> chains_;
  std::thread thread_;
};

}  // namespace givewatch::proof
