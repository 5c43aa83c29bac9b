#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/bytes.hpp"

/// Merkle-Patricia tries (the Ethereum Yellow Paper, appendix D), built whole in memory from their
/// entries: the root of a block's receipts and the proof of one receipt.
namespace givewatch::proof {

/// One key and its value; keys are distinct.
struct TrieEntry {
  core::Bytes key;
  core::Bytes value;
};

/// A trie's root, and the proof of one key as eth_getProof gives it: the nodes on the key's path,
/// root first, each the RLP that a parent's hash reference (or the root hash) names. A node shorter
/// than 32 bytes sits inside its parent and is not listed on its own.
struct TrieProof {
  core::Hash root;
  std::vector<core::Bytes> nodes;
};

/// The trie of `entries`, with the proof of `key` (a key of the trie) when one is given. No
/// entries: the empty trie's root, keccak256(rlp("")).
TrieProof build_trie(std::vector<TrieEntry> entries, std::optional<core::ByteView> key = std::nullopt);

/// rlp(i): the key of item i in a block's transactions and receipts tries.
core::Bytes index_key(std::uint64_t i);

/// The trie of an ordered list (transactions, receipts: item i under index_key(i)), proving item
/// `index` (which must be below values.size()).
TrieProof prove_index(std::span<const core::Bytes> values, std::size_t index);

}  // namespace givewatch::proof
