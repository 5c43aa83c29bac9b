#include <gtest/gtest.h>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::load;
using test::only_error;

TEST(RedactUrl, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(redact_url("https://bsc.example"), "https://bsc.example");
  EXPECT_EQ(redact_url("https://bsc.example/"), "https://bsc.example");
  EXPECT_EQ(redact_url("https://bsc-mainnet.provider.example/v2/0123456789abcdef"),
            "https://bsc-mainnet.provider.example/…");
  EXPECT_EQ(redact_url("https://rpc.example?apikey=secret"), "https://rpc.example?…");
  EXPECT_EQ(redact_url("https://rpc.example/v1?apikey=secret"), "https://rpc.example/…?…");
  EXPECT_EQ(redact_url("http://user:secret@10.0.0.5:8545"), "http://10.0.0.5:8545");
  EXPECT_EQ(redact_url("http://[::1]:8545/rpc"), "http://[::1]:8545/…");
  EXPECT_EQ(redact_url("localhost:8545"), "localhost:8545");
  EXPECT_EQ(redact_url("rpc.example/secret"), "rpc.example/…");
  EXPECT_EQ(redact_url("user:secret@rpc.example/x"), "rpc.example/…");
  EXPECT_EQ(redact_url("https://rpc.example/${KEY}"), "https://rpc.example/…");
  EXPECT_EQ(redact_url("${BSC_RPC_URL}"), "${BSC_RPC_URL}");
}

TEST(Summary, ShowsEverythingOnOneScreen) {
  const auto result = load(R"([server]
listen = "[::1]:9000"

[[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://bsc.provider.example/v1/SECRET", "https://user:pw@backup.example:8443?key=SECRET"]
finality = "finalized"
max_block_range = 5000

[[chains]]
name = "celo"
chain_id = 42220
rpc = ["https://celo.example"]
confirmations = 1

[[chains]]
name = "aurora"
chain_id = 1313161554
rpc = ["https://aurora.example"]

[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
decimals = 18
usd = true

[[tokens]]
chain = "celo"
symbol = "USDC"
address = "0xceba9300f2b948710d2653dd7b07f33a8b32118c"
decimals = 6
usd = true

[[tokens]]
chain = "bsc"
symbol = "WBNB"
address = "0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c"
decimals = 18

[[campaigns]]
id = "memorial"
name = "Political Prisoners. Memorial"
addresses = [
  { chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 31000000 },
  { chain = "celo", address = "0x2222222222222222222222222222222222222222", start_block = 0 },
]
)");
  ASSERT_TRUE(result.config) << only_error(result);
  const std::string text = summary(*result.config);
  EXPECT_EQ(text, R"(config    test.toml
server    [::1]:9000, CORS origins: *
storage   ./data

chains (3)
  bsc     chain_id 56          finality finalized  range 5000  poll 1000 ms  2 endpoints: https://bsc.provider.example/…, https://backup.example:8443?…
  celo    chain_id 42220       1 confirmation      range 2000  poll 1000 ms  1 endpoint: https://celo.example
  aurora  chain_id 1313161554  12 confirmations    range 2000  poll 1000 ms  1 endpoint: https://aurora.example

tokens (3)
  bsc   BUSD  0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56  18 decimals  usd
        WBNB  0xbb4CdB9CBd36B01bD1cBaEBF2De08d9173bc095c  18 decimals  not usd
  celo  USDC  0xcebA9300f2b948710d2653dD7B07f33A8B32118C  6 decimals   usd

campaigns (1)
  memorial  Political Prisoners. Memorial
    bsc   0x1111111111111111111111111111111111111111  from block 31000000
    celo  0x2222222222222222222222222222222222222222  from block 0

warnings (2)
  test.toml:18:8: chain 'aurora' has no [[tokens]], so no donation on it can be seen
  test.toml:18:8: no campaign has an address on chain 'aurora', so nothing on it is indexed
)");
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_EQ(text.find("pw"), std::string::npos);
}

}  // namespace
}  // namespace givewatch::config
