// Real blocks (vectors/, README.md there says where each came from): their headers re-encoded must
// hash to their block hashes and their receipts rebuild their receipts roots.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/keccak.hpp"
#include "proof/encode.hpp"
#include "proof/trie.hpp"
#include "tests/proof/vectors.hpp"

namespace givewatch::proof {
namespace {

namespace json = boost::json;

core::Hash header_hash(const json::object& block) {
  auto header = encode_header(block);
  EXPECT_TRUE(header) << (header ? "" : header.error().message);
  return header ? core::keccak256(header->rlp) : core::Hash{};
}

core::Hash receipts_root(const json::array& receipts) {
  std::vector<TrieEntry> entries;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    auto r = encode_receipt(receipts[i]);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (r) entries.push_back(TrieEntry{index_key(i), r->value});
  }
  return build_trie(std::move(entries)).root;
}

core::Hash field(const json::object& block, std::string_view name) {
  return core::parse_hash(block.at(name).as_string()).value();
}

class Vector : public testing::TestWithParam<const char*> {};

TEST_P(Vector, HeaderHashesToTheBlockHashAndReceiptsRebuildTheRoot) {
  const auto v = test::load_vector(GetParam());
  const auto& block = v.at("block").as_object();
  EXPECT_EQ(header_hash(block), field(block, "hash"));
  EXPECT_EQ(receipts_root(v.at("receipts").as_array()), field(block, "receiptsRoot"));
}

INSTANTIATE_TEST_SUITE_P(RealBlocks, Vector,
                         testing::Values("unichain-sepolia-35535698.json", "celo-sepolia-2346037.json",
                                         "bsc-testnet-55474113.json", "bsc-testnet-21533892.json"));

// What the vectors would not catch if the rules were wrong: each change below must break a match.
TEST(VectorMutations, EveryRuleCounts) {
  const auto v = test::load_vector("unichain-sepolia-35535698.json");
  const auto& block = v.at("block").as_object();
  const auto& receipts = v.at("receipts").as_array();
  ASSERT_EQ(receipts[0].at("type").as_string(), "0x7e");
  const core::Hash root = field(block, "receiptsRoot");

  // A deposit's nonce and version are hashed.
  auto no_version = receipts;
  no_version[0].as_object().erase("depositReceiptVersion");
  EXPECT_NE(receipts_root(no_version), root);
  // The type byte is hashed.
  auto retyped = receipts;
  retyped[1].as_object()["type"] = "0x1";
  EXPECT_NE(receipts_root(retyped), root);
  // Every byte of a log is hashed.
  auto changed = receipts;
  test::flip_first_log_bit(changed);
  EXPECT_NE(receipts_root(changed), root);
  // The Prague field is part of the header.
  auto no_requests = block;
  no_requests.erase("requestsHash");
  EXPECT_NE(header_hash(no_requests), field(block, "hash"));
}

TEST(Encode, RefusesWhatItCannotEncode) {
  auto v = test::load_vector("unichain-sepolia-35535698.json");
  auto block = v.at("block").as_object();
  block.erase("withdrawalsRoot");  // present: the Cancun fields after it
  auto header = encode_header(block);
  ASSERT_FALSE(header);
  EXPECT_NE(header.error().message.find("withdrawalsRoot"), std::string::npos) << header.error().message;

  auto receipt = v.at("receipts").as_array()[1].as_object();
  receipt["type"] = "0x5";
  EXPECT_FALSE(encode_receipt(receipt));
  receipt["type"] = "0x2";
  receipt["status"] = "0x2";
  EXPECT_FALSE(encode_receipt(receipt));
  receipt["status"] = 1;  // a number, not a quantity string
  EXPECT_FALSE(encode_receipt(receipt));
  receipt["status"] = "0x1";
  receipt["logsBloom"] = "0x00";
  EXPECT_FALSE(encode_receipt(receipt));
  EXPECT_FALSE(encode_receipt(json::value(nullptr)));
  EXPECT_FALSE(encode_header(json::value("0x")));
}

// Celo's fee-currency receipts (0x7b) carry the base fee after the four common fields (celo-org's
// op-geth, core/types/receipt.go); no public block with one was found to commit as a vector.
TEST(Encode, CeloFeeCurrencyReceiptCarriesItsBaseFee) {
  auto receipt = test::load_vector("unichain-sepolia-35535698.json").at("receipts").as_array()[1].as_object();
  receipt["type"] = "0x7b";
  const auto without = encode_receipt(receipt).value().value;
  receipt["baseFee"] = "0x5d21dba00";
  const auto with = encode_receipt(receipt).value().value;
  ASSERT_EQ(with[0], 0x7b);
  // The same list with one more item at its end: 0x85 followed by the five bytes of the fee.
  const core::Bytes tail{0x85, 0x05, 0xd2, 0x1d, 0xba, 0x00};
  ASSERT_GT(with.size(), tail.size());
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), with.end() - static_cast<long>(tail.size())));
  EXPECT_EQ(with.size(), without.size() + tail.size());
}

}  // namespace
}  // namespace givewatch::proof
