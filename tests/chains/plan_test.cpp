#include "chains/plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "chains/transfer_log.hpp"

namespace givewatch::chains {
namespace {

using core::Address;

Address address(std::string_view hex) { return core::parse_address(hex).value(); }

const Address kUsdt = address("0x55d398326f99059ff775485246999027b3197955");
const Address kUsdc = address("0x8ac76a51cc950d9822d68b83fe1ad97b32cd580d");
const Address kOtherToken = address("0xe9e7cea3dedca5984780bafc599bd69add087d56");
const Address kMemorialBsc = address("0x1111111111111111111111111111111111111111");
const Address kMemorialBsc2 = address("0x1212121212121212121212121212121212121212");
const Address kMemorialCelo = address("0x1313131313131313131313131313131313131313");
const Address kShelter = address("0x2222222222222222222222222222222222222222");
const Address kDonor = address("0x8894e0a0c962cb723c1976a4421c95949be2d4e3");

// Two campaigns with addresses on two chains; two tokens on bsc and one on celo.
constexpr std::string_view kConfig = R"(
[[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://bsc.example"]

[[chains]]
name = "celo"
chain_id = 42220
rpc = ["https://celo.example"]

[[tokens]]
chain = "bsc"
symbol = "USDT"
address = "0x55d398326f99059ff775485246999027b3197955"
decimals = 18
usd = true

[[tokens]]
chain = "bsc"
symbol = "USDC"
address = "0x8ac76a51cc950d9822d68b83fe1ad97b32cd580d"
decimals = 18
usd = true

[[tokens]]
chain = "celo"
symbol = "cUSD"
address = "0x765de816845861e75a25fca122bb6898b8b1282a"
decimals = 18
usd = true

[[campaigns]]
id = "memorial"
name = "Memorial"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x1111111111111111111111111111111111111111"
  start_block = 100
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x1212121212121212121212121212121212121212"
  start_block = 0
  [[campaigns.addresses]]
  chain = "celo"
  address = "0x1313131313131313131313131313131313131313"
  start_block = 5

[[campaigns]]
id = "shelter"
name = "Shelter"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x2222222222222222222222222222222222222222"
  start_block = 200
)";

config::Config load() {
  auto result = config::load_string(kConfig, "plan_test.toml");
  if (!result.config) {
    for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
    throw std::runtime_error("the test configuration does not load");
  }
  return *result.config;
}

class Plan : public ::testing::Test {
 protected:
  config::Config config = load();
  ChainPlan plan = make_plan(config, *config.find_chain("bsc"));
};

/// A Transfer of `amount` from `from` to `to` emitted by `token`, as eth_getLogs returns it.
eth::Log transfer(const Address& token, const Address& from, const Address& to, core::Amount amount,
                  std::uint64_t block = 1000) {
  eth::Log log;
  log.address = token;
  log.topics = {kTransferTopic, eth::address_topic(from), eth::address_topic(to)};
  const auto word = core::amount_to_word(amount);
  log.data.assign(word.begin(), word.end());
  log.block_number = block;
  log.block_hash = core::parse_hash("0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315").value();
  log.block_timestamp = 1727111859;
  log.tx_hash = core::parse_hash("0x5c33fff8b0ab4d18f1894e2c2705c05c49fd2a87564b9e1e6a60049a8b00b824").value();
  log.log_index = 7;
  return log;
}

Skip skip_of(const std::variant<storage::Donation, Skip>& v) {
  if (const auto* s = std::get_if<Skip>(&v)) return *s;
  ADD_FAILURE() << "classified as a donation";
  return Skip::removed;
}

TEST_F(Plan, HoldsTheChainsTokensAndTargetsOnly) {
  EXPECT_EQ(plan.chain.name, "bsc");
  EXPECT_EQ(plan.chain.chain_id, 56u);
  ASSERT_EQ(plan.tokens.size(), 2u);
  EXPECT_EQ(plan.tokens[0].symbol, "USDT");
  EXPECT_EQ(plan.tokens[1].symbol, "USDC");
  ASSERT_EQ(plan.targets.size(), 3u);
  EXPECT_EQ(plan.targets[0].address, kMemorialBsc);
  EXPECT_EQ(plan.targets[0].campaign, "memorial");
  EXPECT_EQ(plan.targets[0].start_block, 100u);
  EXPECT_EQ(plan.targets[1].address, kMemorialBsc2);
  EXPECT_EQ(plan.targets[1].start_block, 0u);
  EXPECT_EQ(plan.targets[2].address, kShelter);
  EXPECT_EQ(plan.targets[2].campaign, "shelter");
  EXPECT_EQ(plan.targets[2].start_block, 200u);
  // A campaign's own addresses include those on other chains.
  EXPECT_EQ(plan.campaign_addresses.at("memorial"), (std::vector{kMemorialBsc, kMemorialBsc2, kMemorialCelo}));
  EXPECT_EQ(plan.campaign_addresses.at("shelter"), std::vector{kShelter});
  EXPECT_TRUE(plan.is_token(kUsdc));
  EXPECT_FALSE(plan.is_token(address("0x765de816845861e75a25fca122bb6898b8b1282a")));  // cUSD is on celo
  EXPECT_EQ(plan.target(kMemorialCelo), nullptr);
  ASSERT_NE(plan.target(kShelter), nullptr);
  EXPECT_EQ(plan.target(kShelter)->campaign, "shelter");

  const ChainPlan celo = make_plan(config, *config.find_chain("celo"));
  ASSERT_EQ(celo.tokens.size(), 1u);
  EXPECT_EQ(celo.tokens[0].symbol, "cUSD");
  ASSERT_EQ(celo.targets.size(), 1u);
  EXPECT_EQ(celo.targets[0].address, kMemorialCelo);
  EXPECT_EQ(celo.targets[0].start_block, 5u);
}

TEST_F(Plan, ADonationCarriesEveryField) {
  const eth::Log log = transfer(kUsdc, kDonor, kShelter, core::Amount("100000000000000000000"), 1234);
  const auto v = classify(plan, log, 1000);
  ASSERT_TRUE(std::holds_alternative<storage::Donation>(v));
  const auto& d = std::get<storage::Donation>(v);
  EXPECT_EQ(d.chain_id, 56u);
  EXPECT_EQ(d.block_number, 1234u);
  EXPECT_EQ(d.block_hash, log.block_hash);
  EXPECT_EQ(d.timestamp, 1727111859u);
  EXPECT_EQ(d.tx_hash, log.tx_hash);
  EXPECT_EQ(d.log_index, 7u);
  EXPECT_EQ(d.token, kUsdc);
  EXPECT_EQ(d.from, kDonor);
  EXPECT_EQ(d.to, kShelter);
  EXPECT_EQ(d.amount, core::Amount("100000000000000000000"));
  EXPECT_EQ(d.campaign, "shelter");
  EXPECT_EQ(d.status, storage::Status::pending);
}

TEST_F(Plan, ATimestampTheNodeLeftOutIsZero) {
  eth::Log log = transfer(kUsdt, kDonor, kMemorialBsc, 5);
  log.block_timestamp.reset();
  const auto v = classify(plan, log, 0);
  ASSERT_TRUE(std::holds_alternative<storage::Donation>(v));
  EXPECT_EQ(std::get<storage::Donation>(v).timestamp, 0u);
  EXPECT_EQ(std::get<storage::Donation>(v).campaign, "memorial");
}

TEST_F(Plan, EachSkipReason) {
  eth::Log removed = transfer(kUsdt, kDonor, kShelter, 5);
  removed.removed = true;
  EXPECT_EQ(skip_of(classify(plan, removed, 0)), Skip::removed);

  EXPECT_EQ(skip_of(classify(plan, transfer(kOtherToken, kDonor, kShelter, 5), 0)), Skip::not_a_token);
  // cUSD is a token of celo only.
  EXPECT_EQ(skip_of(classify(plan, transfer(address("0x765de816845861e75a25fca122bb6898b8b1282a"), kDonor, kShelter, 5), 0)),
            Skip::not_a_token);

  eth::Log approval = transfer(kUsdt, kDonor, kShelter, 5);
  approval.topics[0] = core::parse_hash("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925").value();
  EXPECT_EQ(skip_of(classify(plan, approval, 0)), Skip::not_a_transfer);
  eth::Log nft = transfer(kUsdt, kDonor, kShelter, 5);
  nft.topics.push_back(nft.topics[2]);
  nft.data.clear();
  EXPECT_EQ(skip_of(classify(plan, nft, 0)), Skip::not_a_transfer);

  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kDonor, kDonor, 5), 0)), Skip::not_a_target);
  // An address of the campaign on another chain is not watched here.
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kDonor, kMemorialCelo, 5), 0)), Skip::not_a_target);

  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, Address{}, kShelter, 5), 0)), Skip::mint);

  // The campaign moving its own money, between its addresses on this chain or from its address on
  // another chain (same address bytes, e.g. a Safe deployed on both).
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kMemorialBsc2, kMemorialBsc, 5), 0)), Skip::own_transfer);
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kMemorialCelo, kMemorialBsc, 5), 0)), Skip::own_transfer);
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kMemorialBsc, kMemorialBsc, 5), 0)), Skip::own_transfer);

  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kDonor, kShelter, 5, 999), 1000)), Skip::before_start);
}

TEST_F(Plan, TransfersBetweenCampaignsAreDonations) {
  const auto v = classify(plan, transfer(kUsdt, kShelter, kMemorialBsc, 5), 0);
  ASSERT_TRUE(std::holds_alternative<storage::Donation>(v));
  EXPECT_EQ(std::get<storage::Donation>(v).campaign, "memorial");
  EXPECT_EQ(std::get<storage::Donation>(v).from, kShelter);
}

TEST_F(Plan, NextBlockItselfIsIndexed) {
  EXPECT_TRUE(std::holds_alternative<storage::Donation>(classify(plan, transfer(kUsdt, kDonor, kShelter, 5, 1000), 1000)));
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kDonor, kShelter, 5, 0), 1)), Skip::before_start);
}

TEST_F(Plan, ChecksRunInOrder) {
  // A removed log of an unknown token is reported as removed; a mint of an unknown token as not a
  // token; a mint below next_block as a mint.
  eth::Log log = transfer(kOtherToken, Address{}, kShelter, 5, 1);
  EXPECT_EQ(skip_of(classify(plan, log, 1000)), Skip::not_a_token);
  log.removed = true;
  EXPECT_EQ(skip_of(classify(plan, log, 1000)), Skip::removed);
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, Address{}, kShelter, 5, 1), 1000)), Skip::mint);
  EXPECT_EQ(skip_of(classify(plan, transfer(kUsdt, kMemorialBsc, kMemorialBsc2, 5, 1), 1000)), Skip::own_transfer);
}

}  // namespace
}  // namespace givewatch::chains
