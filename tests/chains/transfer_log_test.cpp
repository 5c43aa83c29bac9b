#include "chains/transfer_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/keccak.hpp"

namespace givewatch::chains {
namespace {

using core::Address;
using core::Errc;
using core::Hash;

const Address kUsdc = core::parse_address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48").value();
const Address kAlice = core::parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value();
const Address kBob = core::parse_address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359").value();

Hash address_topic(const Address& a) {
  Hash h;
  std::copy(a.bytes.begin(), a.bytes.end(), h.bytes.begin() + 12);
  return h;
}

core::Bytes amount_data(const core::Amount& amount) {
  const auto word = core::amount_to_word(amount);
  return core::Bytes(word.begin(), word.end());
}

struct Log {
  std::vector<Hash> topics{kTransferTopic, address_topic(kAlice), address_topic(kBob)};
  core::Bytes data = amount_data(1234500);

  core::Result<Transfer> decode() const { return decode_transfer(kUsdc, topics, data); }
};

void expect_rejected(const Log& log, const std::string& message) {
  const auto r = log.decode();
  ASSERT_FALSE(r) << "expected rejection: " << message;
  EXPECT_EQ(r.error().code, Errc::not_a_transfer);
  EXPECT_EQ(r.error().message, message);
}

TEST(TransferLog, TopicIsTheEventSignatureHash) {
  EXPECT_EQ(kTransferTopic, core::keccak256(std::string_view("Transfer(address,address,uint256)")));
  EXPECT_EQ(core::to_hex(kTransferTopic),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(TransferLog, DecodesAValidLog) {
  const auto r = Log{}.decode();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->token, kUsdc);
  EXPECT_EQ(r->from, kAlice);
  EXPECT_EQ(r->to, kBob);
  EXPECT_EQ(r->amount, 1234500);
}

TEST(TransferLog, DecodesAMainnetLog) {
  // A USDC transfer as eth_getLogs returns it.
  Log log;
  log.topics = {
      core::parse_hash("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef").value(),
      core::parse_hash("0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed").value(),
      core::parse_hash("0x000000000000000000000000fb6916095ca1df60bb79ce92ce3ea74c37c5d359").value(),
  };
  log.data = core::from_hex("0x00000000000000000000000000000000000000000000000000000000ee6b2800").value();
  const auto r = log.decode();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->from, kAlice);
  EXPECT_EQ(r->to, kBob);
  EXPECT_EQ(core::format_units(r->amount, 6), "4000");
}

TEST(TransferLog, DecodesTheLargestAmount) {
  Log log;
  log.data = amount_data(core::kMaxAmount);
  EXPECT_EQ(log.decode().value().amount, core::kMaxAmount);
}

TEST(TransferLog, RejectsAnotherEvent) {
  Log log;
  // Approval(address,address,uint256)
  log.topics[0] = core::keccak256(std::string_view("Approval(address,address,uint256)"));
  expect_rejected(log,
                  "topic0 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925 is not "
                  "Transfer(address,address,uint256) "
                  "(0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef)");
}

TEST(TransferLog, RejectsNoTopics) {
  Log log;
  log.topics.clear();
  expect_rejected(log, "no topics (an anonymous event); an ERC-20 Transfer has 3");
}

TEST(TransferLog, RejectsTheErc721Shape) {
  Log log;
  log.topics.push_back(Hash{});
  log.data.clear();
  expect_rejected(log, "4 topics (an ERC-721 Transfer has the token id indexed); an ERC-20 Transfer has 3");
}

TEST(TransferLog, RejectsTwoTopics) {
  Log log;
  log.topics.pop_back();
  expect_rejected(log, "2 topics; an ERC-20 Transfer has 3 (topic0, from, to)");
  log.topics.pop_back();
  expect_rejected(log, "1 topic; an ERC-20 Transfer has 3 (topic0, from, to)");
}

TEST(TransferLog, RejectsDataThatIsNotOneWord) {
  for (const std::size_t size : {0u, 31u, 33u, 64u}) {
    Log log;
    log.data.assign(size, 0);
    expect_rejected(log, "data is " + std::to_string(size) +
                             " bytes; an ERC-20 Transfer has exactly 32 (the uint256 amount)");
  }
}

TEST(TransferLog, RejectsAFromTopicThatIsNotAnAddress) {
  Log log;
  log.topics[1].bytes[0] = 0x01;
  expect_rejected(
      log,
      "topic1 (from) 0x0100000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed is not an "
      "address: the first 12 bytes of an indexed address must be zero");
}

TEST(TransferLog, RejectsAToTopicThatIsNotAnAddress) {
  Log log;
  log.topics[2].bytes[11] = 0xff;
  expect_rejected(log,
                  "topic2 (to) 0x0000000000000000000000fffb6916095ca1df60bb79ce92ce3ea74c37c5d359 is not an "
                  "address: the first 12 bytes of an indexed address must be zero");
}

}  // namespace
}  // namespace givewatch::chains
