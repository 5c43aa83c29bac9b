#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::only_error;

const std::string kPath = GIVEWATCH_SOURCE_DIR "/config/mainnet.toml";

std::string mainnet_text() {
  std::ifstream in(kPath);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every variable config/mainnet.toml uses.
Environment mainnet_env() {
  return {
      {"BSC_RPC_URL", "https://bsc.provider.example/v1/KEY"},
      {"AURORA_RPC_URL", "https://aurora.provider.example"},
      {"CELO_RPC_URL", "https://celo.provider.example/KEY"},
      {"RBB_BSC_ADDRESS", "0x1111111111111111111111111111111111111111"},
      {"RBB_CELO_ADDRESS", "0x2222222222222222222222222222222222222222"},
      {"MEMORIAL_BSC_ADDRESS", "0x3333333333333333333333333333333333333333"},
      {"MEMORIAL_AURORA_ADDRESS", "0x4444444444444444444444444444444444444444"},
      {"MHG_CELO_ADDRESS", "0x5555555555555555555555555555555555555555"},
  };
}

struct ExpectedToken {
  std::string chain;
  std::string symbol;
  std::string address;
  unsigned decimals;
};

TEST(Mainnet, IsValidWithItsVariablesSet) {
  const Environment env = mainnet_env();
  const auto result = load_string(mainnet_text(), kPath, &env);
  ASSERT_TRUE(result.config) << only_error(result);
  const Config& config = *result.config;
  EXPECT_TRUE(config.warnings.empty()) << config.warnings.front();

  ASSERT_EQ(config.chains.size(), 3u);
  const Chain& bsc = config.chains[0];
  EXPECT_EQ(bsc.name, "bsc");
  EXPECT_EQ(bsc.chain_id, 56u);
  EXPECT_EQ(bsc.rpc, std::vector<std::string>{"https://bsc.provider.example/v1/KEY"});
  EXPECT_EQ(bsc.finality, Finality::finalized);
  const Chain& aurora = config.chains[1];
  EXPECT_EQ(aurora.name, "aurora");
  EXPECT_EQ(aurora.chain_id, 1313161554u);
  EXPECT_EQ(aurora.max_block_range, 2000u);
  const Chain& celo = config.chains[2];
  EXPECT_EQ(celo.name, "celo");
  EXPECT_EQ(celo.chain_id, 42220u);

  const std::vector<ExpectedToken> expected{
      {"bsc", "BUSD", "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56", 18},
      {"bsc", "USDT", "0x55d398326f99059fF775485246999027B3197955", 18},
      {"bsc", "USDC", "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 18},
      {"aurora", "USDC.e", "0xB12BFcA5A55806AaF64E99521918A4bf0fC40802", 6},
      {"aurora", "USDC", "0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7", 6},
      {"celo", "cUSD", "0x765DE816845861e75A25fCA122bb6898B8B1282a", 18},
      {"celo", "USDC", "0xcebA9300f2b948710d2653dD7B07f33A8B32118C", 6},
      {"celo", "USDT", "0x48065fbBE25f71C9282ddf5e1cD6D6A887483D5e", 6},
  };
  ASSERT_EQ(config.tokens.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].chain + " " + expected[i].symbol);
    EXPECT_EQ(config.tokens[i].chain, expected[i].chain);
    EXPECT_EQ(config.tokens[i].symbol, expected[i].symbol);
    EXPECT_EQ(core::to_checksum(config.tokens[i].address), expected[i].address);
    EXPECT_EQ(config.tokens[i].decimals, expected[i].decimals);
    EXPECT_TRUE(config.tokens[i].usd);
  }

  ASSERT_EQ(config.campaigns.size(), 3u);
  EXPECT_EQ(config.campaigns[0].name, "Russia Behind Bars");
  EXPECT_EQ(config.campaigns[1].name, "Political Prisoners. Memorial");
  EXPECT_EQ(config.campaigns[2].name, "Moscow Helsinki Group");
  EXPECT_EQ(core::to_checksum(config.campaigns[0].addresses[0].address),
            "0x1111111111111111111111111111111111111111");
}

TEST(Mainnet, EachUnsetVariableIsNamed) {
  for (const auto& [name, value] : mainnet_env()) {
    Environment env = mainnet_env();
    env.erase(name);
    const auto result = load_string(mainnet_text(), kPath, &env);
    ASSERT_EQ(result.errors.size(), 1u) << name << ": " << only_error(result);
    EXPECT_EQ(result.errors[0].file, kPath);
    EXPECT_GT(result.errors[0].line, 1u);
    EXPECT_EQ(result.errors[0].message, "environment variable '" + name +
                                            "' is not set; set it, or replace ${" + name + "} with a value");
  }
}

TEST(Mainnet, BscRpcVariableIsReportedWhereItIsUsed) {
  Environment env = mainnet_env();
  env.erase("BSC_RPC_URL");
  const auto result = load_string(mainnet_text(), kPath, &env);
  ASSERT_EQ(result.errors.size(), 1u) << only_error(result);
  std::istringstream lines(mainnet_text());
  std::string line;
  for (std::uint32_t i = 0; i < result.errors[0].line; ++i) std::getline(lines, line);
  EXPECT_EQ(line, "rpc = [\"${BSC_RPC_URL}\"]");
  EXPECT_EQ(result.errors[0].column, 8u);
}

}  // namespace
}  // namespace givewatch::config
