#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/keccak.hpp"
#include "proof/trie.hpp"

namespace givewatch::proof {
namespace {

core::Bytes bytes(std::string_view s) {
  return core::Bytes(s.begin(), s.end());
}

std::vector<TrieEntry> entries(std::vector<std::pair<std::string, std::string>> kv) {
  std::vector<TrieEntry> out;
  for (auto& [k, v] : kv) out.push_back(TrieEntry{bytes(k), bytes(v)});
  return out;
}

/// The first 8 bytes of each node's keccak-256, as hex: how the expected proofs below name nodes.
std::vector<std::string> names(const std::vector<core::Bytes>& nodes) {
  std::vector<std::string> out;
  for (const auto& n : nodes) out.push_back(core::to_hex(core::keccak256(n)).substr(2, 16));
  return out;
}

// Roots of the tries of ethereum/tests' trieanyorder.json, each recomputed with @ethereumjs/mpt 10.1.3.
TEST(Trie, RootsOfPublishedTries) {
  EXPECT_EQ(core::to_hex(build_trie({}).root), "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"doe", "reindeer"}, {"dog", "puppy"}, {"dogglesworth", "cat"}})).root),
            "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"do", "verb"}, {"horse", "stallion"}, {"doge", "coin"}, {"dog", "puppy"}})).root),
            "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"foo", "bar"}, {"food", "bass"}})).root),
            "0x17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"be", "e"}, {"dog", "puppy"}, {"bed", "d"}})).root),
            "0x3f67c7a47520f79faa29255d2d3c084a7a6df0453116ed7232ff10277a8be68b");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"test", "test"}, {"te", "testy"}})).root),
            "0x8452568af70d8d140f58d941338542f645fcca50094b20f3c3d8c3df49337928");
  EXPECT_EQ(core::to_hex(build_trie(entries({{"A", std::string(97, 'a')}})).root),
            "0xb9d992d0f5356ffcc2975b472912de1313009d57b09ced89e215129ad909135b");
}

// Proofs as @ethereumjs/mpt's createMerkleProof gives them, less the nodes shorter than 32 bytes
// that sit inside their parents (eth_getProof does not list them either).
TEST(Trie, ProofsMatchAnIndependentTrie) {
  const auto dogs = entries({{"doe", "reindeer"}, {"dog", "puppy"}, {"dogglesworth", "cat"}});
  EXPECT_EQ(names(build_trie(dogs, core::ByteView(bytes("doe"))).nodes),
            (std::vector<std::string>{"8aad789dff2f538b", "db6ae1fda66890f6"}));
  EXPECT_EQ(names(build_trie(dogs, core::ByteView(bytes("dog"))).nodes),
            (std::vector<std::string>{"8aad789dff2f538b", "db6ae1fda66890f6", "37efd11993cb04a5"}));
  EXPECT_EQ(names(build_trie(dogs, core::ByteView(bytes("dogglesworth"))).nodes),
            (std::vector<std::string>{"8aad789dff2f538b", "db6ae1fda66890f6", "37efd11993cb04a5"}));
}

// A block-sized ordered trie: keys rlp(0) = 0x80, rlp(1..127) = one byte, rlp(128..) = 0x81xx.
TEST(Trie, OrderedListAcrossEveryKeyLength) {
  std::vector<core::Bytes> values;
  for (int i = 0; i < 200; ++i) {
    std::string v;
    for (int r = 0; r < 1 + i % 4; ++r) v += "receipt " + std::to_string(i) + " ";
    values.push_back(bytes(v));
  }
  const std::vector<std::pair<std::size_t, std::vector<std::string>>> expected = {
      {0, {"f3b0fc90dd8d8c50", "57a0942ba7ef3dbf"}},
      {1, {"f3b0fc90dd8d8c50", "9c2e5b09c4ca721d"}},
      {127, {"f3b0fc90dd8d8c50", "0d6d964f526d210a", "92d2d1da66f28e88"}},
      {128, {"f3b0fc90dd8d8c50", "57a0942ba7ef3dbf", "d31822182cad3b9a", "589afa603848dc78"}},
      {199, {"f3b0fc90dd8d8c50", "57a0942ba7ef3dbf", "d31822182cad3b9a", "9763dcbd6b472fb9", "29b11bec6f0731ef"}},
  };
  for (const auto& [index, nodes] : expected) {
    const auto proof = prove_index(values, index);
    EXPECT_EQ(core::to_hex(proof.root), "0xf3b0fc90dd8d8c501fda57b8ca96a055b19f685db9e2eec4d6c111fb86838575");
    EXPECT_EQ(names(proof.nodes), nodes) << "index " << index;
  }
  // One changed value changes the root: the trie commits to every item.
  values[150].back() ^= 1;
  EXPECT_NE(core::to_hex(prove_index(values, 0).root),
            "0xf3b0fc90dd8d8c501fda57b8ca96a055b19f685db9e2eec4d6c111fb86838575");
}

TEST(Trie, IndexKeys) {
  EXPECT_EQ(core::to_hex(index_key(0)), "0x80");
  EXPECT_EQ(core::to_hex(index_key(1)), "0x01");
  EXPECT_EQ(core::to_hex(index_key(127)), "0x7f");
  EXPECT_EQ(core::to_hex(index_key(128)), "0x8180");
  EXPECT_EQ(core::to_hex(index_key(300)), "0x82012c");
}

}  // namespace
}  // namespace givewatch::proof
