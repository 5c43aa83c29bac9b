#include <gtest/gtest.h>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::errors;
using test::load;
using test::only_error;

/// Two chains (lines 1-8) and a BUSD token on bsc (lines 10-14), for tests that add entries.
constexpr std::string_view kChainsAndToken = R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://bsc.example"]
[[chains]]
name = "celo"
chain_id = 42220
rpc = ["https://celo.example"]

[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56"
decimals = 18
)";

LoadResult with(std::string_view more) {
  return load(std::string(kChainsAndToken) + std::string(more));
}

TEST(References, DuplicateChainName) {
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) + "[[chains]]\nname = \"bsc\"\nchain_id = 97\nrpc = "
                                                "[\"https://a.example\"]\n")),
      "test.toml:6:8: duplicate chain name 'bsc', already used at test.toml:2:8; chain names must be unique");
}

TEST(References, DuplicateChainId) {
  EXPECT_EQ(only_error(load(std::string(test::kBsc) + "[[chains]]\nname = \"bnb\"\nchain_id = 56\nrpc = "
                                                      "[\"https://a.example\"]\n")),
            "test.toml:7:12: duplicate chain_id 56, already used by chain 'bsc' at test.toml:3:12; each "
            "chain needs "
            "its own chain_id");
}

TEST(References, TokenOnUnknownChain) {
  EXPECT_EQ(only_error(with(R"(
[[tokens]]
chain = "bnb"
symbol = "USDT"
address = "0x55d398326f99059ff775485246999027b3197955"
decimals = 18
)")),
            "test.toml:17:9: unknown chain 'bnb' for token 'USDT'; expected one of the configured chains: "
            "bsc, celo");
}

TEST(References, CampaignAddressOnUnknownChain) {
  EXPECT_EQ(
      only_error(with(R"(
[[campaigns]]
id = "memorial"
name = "Memorial"
  [[campaigns.addresses]]
  chain = "aurora"
  address = "0x1111111111111111111111111111111111111111"
  start_block = 1
)")),
      "test.toml:20:11: unknown chain 'aurora' for an address of campaign 'memorial'; expected one of the "
      "configured chains: bsc, celo");
}

TEST(References, BadAddressesPassCoreMessagesThrough) {
  const char* bad[] = {
      "0x123",                                         // too short
      "0xe9e7cea3dedca5984780bafc599bd69add087d5600",  // too long
      "0xz9e7cea3dedca5984780bafc599bd69add087d56",    // not hex
      "e9e7cea3dedca5984780bafc599bd69add087d56",      // no 0x
      "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087d56",    // mixed case, wrong checksum
  };
  for (const std::string address : bad) {
    const auto result =
        load(std::string(test::kBsc) + "[[tokens]]\nchain = \"bsc\"\nsymbol = \"BUSD\"\naddress = \"" +
             address + "\"\ndecimals = 18\n");
    const auto core_error = core::parse_address(address);
    ASSERT_FALSE(core_error) << address;
    EXPECT_EQ(only_error(result), "test.toml:8:11: " + core_error.error().message);
  }
}

TEST(References, WrongChecksumNamesTheCorrectForm) {
  const auto result = load(std::string(test::kBsc) +
                           "[[tokens]]\nchain = \"bsc\"\nsymbol = \"BUSD\"\n"
                           "address = \"0xe9e7CEA3DedcA5984780Bafc599bD69ADd087d56\"\ndecimals = 18\n");
  EXPECT_NE(only_error(result).find("0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56"), std::string::npos)
      << only_error(result);
}

TEST(References, AllLowerAndAllUpperAddressesAreAccepted) {
  for (auto address :
       {"0xe9e7cea3dedca5984780bafc599bd69add087d56", "0xE9E7CEA3DEDCA5984780BAFC599BD69ADD087D56"}) {
    const auto result =
        load(std::string(test::kBsc) + "[[tokens]]\nchain = \"bsc\"\nsymbol = \"BUSD\"\naddress = \"" +
             address + "\"\ndecimals = 18\n");
    ASSERT_TRUE(result.config) << only_error(result);
    EXPECT_EQ(core::to_checksum(result.config->tokens[0].address),
              "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56");
  }
}

TEST(References, Decimals) {
  const std::string token = std::string(test::kBsc) +
                            "[[tokens]]\nchain = \"bsc\"\nsymbol = \"T\"\n"
                            "address = \"0x1111111111111111111111111111111111111111\"\n";
  EXPECT_EQ(load(token + "decimals = 0\n").config->tokens[0].decimals, 0u);
  EXPECT_EQ(load(token + "decimals = 77\n").config->tokens[0].decimals, 77u);
  EXPECT_EQ(only_error(load(token + "decimals = 78\n")),
            "test.toml:9:12: 'decimals' in [[tokens]] is 78; expected an integer from 0 to 77");
  EXPECT_EQ(only_error(load(token + "decimals = -6\n")),
            "test.toml:9:12: 'decimals' in [[tokens]] is -6; expected an integer from 0 to 77");
}

TEST(References, DuplicateTokenAddressOnAChain) {
  EXPECT_EQ(only_error(with(R"(
[[tokens]]
chain = "bsc"
symbol = "BUSD2"
address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
decimals = 18
)")),
            "test.toml:19:11: token 'BUSD2' on chain 'bsc' has the same address as token 'BUSD' at "
            "test.toml:13:11; "
            "list each token contract once");
}

TEST(References, DuplicateTokenSymbolOnAChain) {
  EXPECT_EQ(only_error(with(R"(
[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0x55d398326f99059ff775485246999027b3197955"
decimals = 18
)")),
            "test.toml:18:10: duplicate token symbol 'BUSD' on chain 'bsc', already used at test.toml:12:10; "
            "symbols must be unique on a chain");
}

TEST(References, SameTokenOnAnotherChainIsFine) {
  const auto result = with(R"(
[[tokens]]
chain = "celo"
symbol = "BUSD"
address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
decimals = 18
)");
  EXPECT_TRUE(result.config) << only_error(result);
}

TEST(References, TokenSymbol) {
  const std::string token = std::string(test::kBsc) +
                            "[[tokens]]\nchain = \"bsc\"\n"
                            "address = \"0x1111111111111111111111111111111111111111\"\n"
                            "decimals = 6\n";
  EXPECT_TRUE(load(token + "symbol = \"USD₮0\"\n").config);
  EXPECT_EQ(only_error(load(token + "symbol = \"US DT\"\n")),
            "test.toml:9:10: invalid token symbol 'US DT'; expected 1 to 16 characters without spaces");
  EXPECT_EQ(only_error(load(token + "symbol = \"\"\n")),
            "test.toml:9:10: invalid token symbol ''; expected 1 to 16 characters without spaces");
}

TEST(References, CampaignIds) {
  const std::string rest =
      "\"\nname = \"N\"\n[[campaigns.addresses]]\nchain = \"bsc\"\n"
      "address = \"0x1111111111111111111111111111111111111111\"\nstart_block = 0\n";
  const auto good = load(std::string(test::kBsc) + "[[campaigns]]\nid = \"" + std::string(64, 'a') + rest);
  EXPECT_TRUE(good.config) << only_error(good);
  for (const std::string& id :
       std::vector<std::string>{"Memorial", "memorial_2024", "", std::string(65, 'a')}) {
    EXPECT_EQ(
        only_error(load(std::string(test::kBsc) + "[[campaigns]]\nid = \"" + id + rest)),
        "test.toml:6:6: invalid campaign id '" + id + "'; expected 1 to 64 characters from a-z, 0-9 and '-'");
  }
}

TEST(References, DuplicateCampaignId) {
  EXPECT_EQ(errors(with(R"(
[[campaigns]]
id = "memorial"
name = "One"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
[[campaigns]]
id = "memorial"
name = "Two"
addresses = [{ chain = "bsc", address = "0x2222222222222222222222222222222222222222", start_block = 1 }]
)")),
            (std::vector<std::string>{"test.toml:21:6: duplicate campaign id 'memorial', already used at "
                                      "test.toml:17:6; campaign ids must be unique"}));
}

TEST(References, CampaignNeedsANameAndAddresses) {
  EXPECT_EQ(errors(with(R"(
[[campaigns]]
id = "memorial"
name = ""
addresses = []
)")),
            (std::vector<std::string>{
                "test.toml:18:8: 'name' in [[campaigns]] is empty; expected the campaign's display name",
                "test.toml:19:13: campaign 'memorial' has no addresses; expected at least one "
                "[[campaigns.addresses]] table",
            }));
}

TEST(References, AddressInTwoCampaignsOnOneChain) {
  EXPECT_EQ(
      only_error(with(R"(
[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x1111111111111111111111111111111111111111"
  start_block = 1
[[campaigns]]
id = "memorial"
name = "Memorial"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x1111111111111111111111111111111111111111"
  start_block = 1
)")),
      "test.toml:28:13: address 0x1111111111111111111111111111111111111111 on chain 'bsc' is in campaign "
      "'memorial' and also in campaign 'rbb' at test.toml:21:13; an address can belong to one campaign only");
}

TEST(References, AddressTwiceInOneCampaign) {
  EXPECT_EQ(
      only_error(with(R"(
[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
addresses = [
  { chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 },
  { chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 5 },
]
)")),
      "test.toml:21:30: address 0x1111111111111111111111111111111111111111 on chain 'bsc' is listed twice in "
      "campaign 'rbb', also at test.toml:20:30");
}

TEST(References, SameAddressOnTwoChainsIsFine) {
  const auto result = with(R"(
[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
[[campaigns]]
id = "memorial"
name = "Memorial"
addresses = [{ chain = "celo", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
)");
  EXPECT_TRUE(result.config) << only_error(result);
}

TEST(References, CampaignAddressThatIsATokenContract) {
  EXPECT_EQ(
      only_error(with(R"(
[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
  start_block = 1
)")),
      "test.toml:21:13: address 0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56 of campaign 'rbb' on chain 'bsc' "
      "is "
      "the contract of token 'BUSD' at test.toml:13:11; expected the address that receives the donations");
}

TEST(References, StartBlock) {
  EXPECT_EQ(
      only_error(with(R"(
[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = -1 }]
)")),
      "test.toml:19:101: 'start_block' in [[campaigns.addresses]] is -1; expected a non-negative integer");
}

}  // namespace
}  // namespace givewatch::config
