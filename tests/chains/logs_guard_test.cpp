// Rule 7 of docs/watchers.md, the missing-log guard: the logs bloom rule against a real block's bloom
// and one computed with ethers, and which blocks the guard asks again for.

#include "chains/logs_guard.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "chains/transfer_log.hpp"

namespace givewatch::chains {
namespace {

namespace json = boost::json;
using core::Address;

Address address(std::string_view hex) { return core::parse_address(hex).value(); }
core::Hash hash(std::string_view hex) { return core::parse_hash(hex).value(); }

eth::Bloom bloom(std::string_view hex) {
  const auto bytes = core::from_hex(hex).value();
  eth::Bloom out{};
  EXPECT_EQ(bytes.size(), out.size());
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
  return out;
}

const Address kUsdt = address("0x55d398326f99059ff775485246999027b3197955");
const Address kDonor = address("0x1111111111111111111111111111111111111111");
const Address kCampaign = address("0x2222222222222222222222222222222222222222");
const Address kOther = address("0x3333333333333333333333333333333333333333");

// The bloom of one log: Transfer of kUsdt from kDonor to kCampaign. Computed with ethers' keccak256
// by the rule as the yellow paper states it, by a script that reproduces the logsBloom of
// tests/proof/vectors/unichain-sepolia-35535698.json from its receipts' logs.
constexpr std::string_view kTransferBloom =
    "0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000800"
    "00000000000000000020000000000000000000000001000008000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000001000020000000000000000000000800000000000000000000000000000000000"
    "00000000002400000000000000000000000000000000000000000000000000000000000000000000020000000000000000000000"
    "00200000000000000000000000000000000000000000000000000000000000000000000800000000000000000000000000";

ChainPlan plan_with(const Address& token) {
  ChainPlan plan;
  plan.tokens.push_back(config::Token{"bsc", "USDT", token, 18, true});
  return plan;
}

TEST(LogsBloom, AReadBlockHoldsItsLogsAddressAndTopicAndNothingElse) {
  std::ifstream in(PROOF_VECTORS_DIR "/unichain-sepolia-35535698.json");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  const json::value vector = json::parse(text.str());
  auto header = eth::parse_header(vector.at("block"));
  ASSERT_TRUE(header) << header.error().message;
  ASSERT_TRUE(*header && (*header)->logs_bloom);
  const eth::Bloom& b = *(*header)->logs_bloom;
  // Its four logs: contract 0xf878…7495, one topic each, 0xfaddd0…64ca.
  EXPECT_TRUE(eth::bloom_may_contain(b, address("0xf878f0340bf132c28f3211e8b46c569edf817495").bytes));
  EXPECT_TRUE(eth::bloom_may_contain(b, hash("0xfaddd0b06e793a583e92393ad3f98637e560462ee98db1f2888f141124ee64ca").bytes));
  EXPECT_FALSE(eth::bloom_may_contain(b, kTransferTopic.bytes));
  EXPECT_FALSE(eth::bloom_may_contain(b, kUsdt.bytes));
  EXPECT_FALSE(eth::bloom_may_contain(eth::Bloom{}, kTransferTopic.bytes));
}

TEST(LogsBloom, HeadersWithoutABloomStillParseAndABadOneFails) {
  json::object block{{"number", "0x10"},
                     {"hash", core::to_hex(hash("0x" + std::string(64, 'a')))},
                     {"parentHash", core::to_hex(hash("0x" + std::string(64, 'b')))},
                     {"timestamp", "0x5"}};
  auto h = eth::parse_header(block);
  ASSERT_TRUE(h && *h);
  EXPECT_FALSE((*h)->logs_bloom);
  block["logsBloom"] = nullptr;
  h = eth::parse_header(block);
  ASSERT_TRUE(h && *h);
  EXPECT_FALSE((*h)->logs_bloom);
  block["logsBloom"] = std::string(kTransferBloom);
  h = eth::parse_header(block);
  ASSERT_TRUE(h && *h);
  EXPECT_EQ((*h)->logs_bloom, bloom(kTransferBloom));
  const std::pair<json::value, std::string> bad[] = {
      {"0x00", "'logsBloom' is not 0x and 512 hex digits"},
      {json::value(std::string(kTransferBloom) + "00"), "'logsBloom' is not 0x and 512 hex digits"},
      {7, "'logsBloom' is not 0x and 512 hex digits"},
      {json::value("0x" + std::string(511, '0') + "g"), "'logsBloom' has a character that is not hex"}};
  for (const auto& [value, message] : bad) {
    block["logsBloom"] = value;
    h = eth::parse_header(block);
    ASSERT_FALSE(h) << json::serialize(value);
    EXPECT_EQ(h.error().message, message);
  }
}

TEST(MissingLogGuard, ABlockMayHoldADonationOnlyWithTransferATokenAndAReceiver) {
  const eth::Bloom b = bloom(kTransferBloom);
  EXPECT_TRUE(eth::bloom_may_contain(b, kTransferTopic.bytes));
  EXPECT_TRUE(eth::bloom_may_contain(b, eth::address_topic(kDonor).bytes));
  EXPECT_TRUE(MissingLogGuard(plan_with(kUsdt), {kCampaign}).may_hold_donation(b));
  EXPECT_TRUE(MissingLogGuard(plan_with(kUsdt), {kOther, kCampaign}).may_hold_donation(b));
  EXPECT_FALSE(MissingLogGuard(plan_with(kUsdt), {kOther}).may_hold_donation(b)) << "no receiver";
  EXPECT_FALSE(MissingLogGuard(plan_with(kOther), {kCampaign}).may_hold_donation(b)) << "no token";
  // The receiver as a 20-byte address (a log's emitter) is not the receiver as a topic.
  EXPECT_FALSE(eth::bloom_may_contain(b, kCampaign.bytes));
  EXPECT_FALSE(MissingLogGuard(plan_with(kUsdt), {kCampaign}).may_hold_donation(eth::Bloom{}));
}

TEST(MissingLogGuard, SuspectsAreBloomedBlocksWithoutALogInTheAnswer) {
  const MissingLogGuard guard(plan_with(kUsdt), {kCampaign});
  std::vector<eth::Header> headers(5);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    headers[i].number = 100 + i;
    headers[i].logs_bloom = bloom(kTransferBloom);
  }
  headers[2].logs_bloom.reset();        // no bloom in the answer: never suspect
  headers[3].logs_bloom = eth::Bloom{};  // nothing in the block
  std::vector<eth::Log> logs(1);
  logs[0].block_number = 101;
  EXPECT_EQ(guard.suspects(headers, logs), (std::vector<std::uint64_t>{100, 104}));
  logs.resize(3);
  logs[1].block_number = 100;
  logs[2].block_number = 104;
  EXPECT_TRUE(guard.suspects(headers, logs).empty());
}

}  // namespace
}  // namespace givewatch::chains
