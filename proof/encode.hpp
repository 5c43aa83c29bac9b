#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

/// Blocks and receipts as JSON-RPC gives them, re-encoded the way the chain hashed them: the header
/// as the RLP whose keccak-256 is the block hash, a receipt as the value of the receipts trie. Every
/// field is read strictly (its JSON type, hex, its length); a field that a rule below needs and the
/// answer lacks is an error that names it, never a guess.
namespace givewatch::proof {

/// A block header re-encoded, with what a proof needs of the block.
struct EncodedHeader {
  core::Bytes rlp;
  core::Hash hash;  ///< the block's `hash` as the node gave it; keccak256(rlp) must equal it
  std::uint64_t number = 0;
  core::Hash receipts_root;
  std::vector<core::Hash> transactions;  ///< the hashes, in block order (hashes or full objects accepted)
};

/// The header of a block object (eth_getBlockByHash / eth_getBlockByNumber): the 15 fields of the
/// original header, then those the forks added, in order, as far as the block has them: London's
/// baseFeePerGas, Shanghai's withdrawalsRoot, Cancun's blobGasUsed, excessBlobGas and
/// parentBeaconBlockRoot, Prague's requestsHash. A fork field present after one that is missing is
/// an error (no chain encodes such a header).
core::Result<EncodedHeader> encode_header(const boost::json::value& block);

/// A log of a receipt, with its index in the block.
struct ReceiptLog {
  std::uint32_t log_index = 0;
  core::Address address;
  std::vector<core::Hash> topics;
  core::Bytes data;
};

/// A receipt re-encoded as the receipts trie holds it.
struct EncodedReceipt {
  core::Bytes value;  ///< EIP-2718: rlp([...]) for a legacy receipt, else type || rlp([...])
  std::uint8_t type = 0;
  std::uint64_t tx_index = 0;
  core::Hash tx_hash;
  core::Hash block_hash;
  std::vector<ReceiptLog> logs;  ///< in receipt order: position i is logs[i]
};

/// A receipt object (eth_getTransactionReceipt, eth_getBlockReceipts) as
/// [status or pre-Byzantium state root, cumulativeGasUsed, logsBloom, logs] plus the fields of its
/// type: none for 0x0-0x4, Celo's fee-currency receipts (0x7b) a baseFee (when the receipt has
/// one), OP-stack deposit receipts (0x7e) a depositNonce and a depositReceiptVersion (when the
/// receipt has a version). Another type is an error: givewatch does not know what its receipts hold.
core::Result<EncodedReceipt> encode_receipt(const boost::json::value& receipt);

}  // namespace givewatch::proof
