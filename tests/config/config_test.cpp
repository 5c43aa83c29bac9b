#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::errors;
using test::load;
using test::only_error;

TEST(Config, MinimalFileTakesEveryDefault) {
  const auto result = load(test::kBsc);
  ASSERT_TRUE(result.config) << only_error(result);
  const Config& config = *result.config;
  EXPECT_EQ(config.source, "test.toml");
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.server.cors_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(config.storage.path, "./data");
  EXPECT_FALSE(config.storage.sync);
  ASSERT_EQ(config.chains.size(), 1u);
  const Chain& chain = config.chains[0];
  EXPECT_EQ(chain.name, "bsc");
  EXPECT_EQ(chain.chain_id, 56u);
  EXPECT_EQ(chain.rpc, std::vector<std::string>{"https://bsc.example"});
  EXPECT_EQ(chain.confirmations, 12u);
  EXPECT_EQ(chain.finality, Finality::confirmations);
  EXPECT_EQ(chain.poll_interval_ms, 1000u);
  EXPECT_EQ(chain.max_block_range, 2000u);
  EXPECT_TRUE(config.tokens.empty());
  EXPECT_TRUE(config.campaigns.empty());
}

TEST(Config, ReadsEveryKey) {
  const auto result = load(R"(
[server]
listen = "[::1]:9000"
cors_origins = ["https://donate.example", "http://localhost:3000"]

[storage]
path = "/var/lib/givewatch"
sync = true

[[chains]]
name = "celo"
chain_id = 42220
rpc = ["https://a.example/v1/key", "http://10.0.0.1:8545"]
confirmations = 60
finality = "safe"
poll_interval_ms = 250
max_block_range = 10000

[[tokens]]
chain = "celo"
symbol = "cUSD"
address = "0x765DE816845861e75A25fCA122bb6898B8B1282a"
decimals = 18
usd = true

[[campaigns]]
id = "memorial"
name = "Political Prisoners. Memorial"
  [[campaigns.addresses]]
  chain = "celo"
  address = "0x1111111111111111111111111111111111111111"
  start_block = 31000000
)");
  ASSERT_TRUE(result.config) << only_error(result);
  const Config& config = *result.config;
  EXPECT_EQ(config.server.host, "::1");
  EXPECT_EQ(config.server.port, 9000);
  EXPECT_EQ(config.server.cors_origins,
            (std::vector<std::string>{"https://donate.example", "http://localhost:3000"}));
  EXPECT_EQ(config.storage.path, "/var/lib/givewatch");
  EXPECT_TRUE(config.storage.sync);
  ASSERT_EQ(config.chains.size(), 1u);
  EXPECT_EQ(config.chains[0].rpc.size(), 2u);
  EXPECT_EQ(config.chains[0].confirmations, 60u);
  EXPECT_EQ(config.chains[0].finality, Finality::safe);
  EXPECT_EQ(config.chains[0].poll_interval_ms, 250u);
  EXPECT_EQ(config.chains[0].max_block_range, 10000u);
  ASSERT_EQ(config.tokens.size(), 1u);
  EXPECT_EQ(config.tokens[0].chain, "celo");
  EXPECT_EQ(config.tokens[0].symbol, "cUSD");
  EXPECT_EQ(core::to_checksum(config.tokens[0].address), "0x765DE816845861e75A25fCA122bb6898B8B1282a");
  EXPECT_EQ(config.tokens[0].decimals, 18u);
  EXPECT_TRUE(config.tokens[0].usd);
  ASSERT_EQ(config.campaigns.size(), 1u);
  EXPECT_EQ(config.campaigns[0].id, "memorial");
  EXPECT_EQ(config.campaigns[0].name, "Political Prisoners. Memorial");
  ASSERT_EQ(config.campaigns[0].addresses.size(), 1u);
  EXPECT_EQ(config.campaigns[0].addresses[0].chain, "celo");
  EXPECT_EQ(config.campaigns[0].addresses[0].start_block, 31000000u);
  EXPECT_TRUE(config.warnings.empty()) << config.warnings.front();
  EXPECT_EQ(config.find_chain("celo"), &config.chains[0]);
  EXPECT_EQ(config.find_chain("bsc"), nullptr);
}

TEST(Config, WarnsAboutChainsThatIndexNothing) {
  const auto result = load(std::string(test::kBsc) + R"(
[[chains]]
name = "celo"
chain_id = 42220
rpc = ["https://celo.example"]

[[tokens]]
chain = "celo"
symbol = "cUSD"
address = "0x765de816845861e75a25fca122bb6898b8b1282a"
decimals = 18
)");
  ASSERT_TRUE(result.config) << only_error(result);
  EXPECT_EQ(result.config->warnings,
            (std::vector<std::string>{
                "test.toml:2:8: chain 'bsc' has no [[tokens]], so no donation on it can be seen",
                "test.toml:2:8: no campaign has an address on chain 'bsc', so nothing on it is indexed",
                "test.toml:7:8: no campaign has an address on chain 'celo', so nothing on it is indexed",
            }));
}

TEST(Config, TokenDefaultsToNotUsd) {
  const auto result = load(std::string(test::kBsc) + R"(
[[tokens]]
chain = "bsc"
symbol = "WBNB"
address = "0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c"
decimals = 18
)");
  ASSERT_TRUE(result.config) << only_error(result);
  EXPECT_FALSE(result.config->tokens[0].usd);
}

TEST(Config, ExpandsEnvironmentVariablesInEveryString) {
  const Environment env{{"RPC", "https://bsc.example/v1/secret"}, {"HOST", "0.0.0.0"}, {"CHAIN", "bsc"}};
  const auto result = load(R"(
[server]
listen = "${HOST}:8080"
[storage]
path = "/data/${CHAIN}-$${CHAIN}-$HOME-$"
[[chains]]
name = "${CHAIN}"
chain_id = 56
rpc = ["${RPC}", "https://${CHAIN}.example/${CHAIN}"]
)",
                           env);
  ASSERT_TRUE(result.config) << only_error(result);
  EXPECT_EQ(result.config->server.host, "0.0.0.0");
  EXPECT_EQ(result.config->storage.path, "/data/bsc-${CHAIN}-$HOME-$");
  EXPECT_EQ(result.config->chains[0].name, "bsc");
  EXPECT_EQ(result.config->chains[0].rpc,
            (std::vector<std::string>{"https://bsc.example/v1/secret", "https://bsc.example/bsc"}));
}

TEST(Config, UnsetVariableIsAnErrorAtItsValue) {
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://bsc.example", "${BSC_RPC_URL}"]
)");
  EXPECT_EQ(
      only_error(result),
      "test.toml:4:31: environment variable 'BSC_RPC_URL' is not set; set it, or replace ${BSC_RPC_URL} with "
      "a value");
}

TEST(Config, MalformedVariableReferences) {
  const auto result = load(R"([[chains]]
name = "${1BAD}"
chain_id = 56
rpc = ["${RPC"]
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:2:8: invalid variable '${1BAD}'; expected ${NAME} with NAME made of letters, digits and "
          "'_', not starting with a digit",
          "test.toml:4:8: unterminated '${' in '${RPC'; expected ${NAME}, or $${ for a literal '${'",
      }));
}

TEST(Config, ExpandedValuesNameTheirVariableInErrors) {
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["${RPC}"]
)",
                           {{"RPC", "wss://bsc.example/v1/secret"}});
  EXPECT_EQ(
      only_error(result),
      "test.toml:4:8: invalid RPC URL 'wss://bsc.example/…' (from '${RPC}'): expected an http:// or https:// "
      "URL, e.g. 'https://rpc.example/KEY'");
}

TEST(Config, ErrorsNeverPrintTheSecretPartOfAnRpcUrl) {
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["wss://bsc.example/${KEY}", "${RPC}", "${RPC}"]
)",
                           {{"KEY", "secret"}, {"RPC", "https://bsc.example/v1/secret"}});
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:4:8: invalid RPC URL 'wss://bsc.example/…' (from 'wss://bsc.example/…'): expected an "
          "http:// or https:// URL, e.g. 'https://rpc.example/KEY'",
          "test.toml:4:46: duplicate RPC URL 'https://bsc.example/…' (from '${RPC}'); list each endpoint "
          "once",
      }));
}

TEST(Config, SyntaxErrorIsReportedAloneWithItsLocation) {
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56 56
confirmation = 1
)");
  EXPECT_EQ(
      only_error(result),
      "test.toml:3:15: TOML syntax error while parsing key-value pair: expected a comment or whitespace, saw "
      "'5'");
}

TEST(Config, DuplicateKeyIsASyntaxError) {
  const auto result = load(R"([[chains]]
name = "bsc"
name = "celo"
)");
  EXPECT_EQ(only_error(result),
            "test.toml:3:8: TOML syntax error while parsing key-value pair: cannot redefine existing string "
            "'name'");
}

TEST(Config, EveryErrorInTheFileIsReportedInFileOrder) {
  const auto result = load(R"([server]
listen = "localhost"

[[chains]]
name = "bsc"
chain_id = 0
rpc = []
confirmation = 3

[[tokens]]
chain = "bnb"
symbol = "BUSD"
address = "0x123"
decimals = 78

[[campaigns]]
id = "Memorial"
name = "Memorial"
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:2:10: invalid listen address 'localhost': expected host:port, e.g. '127.0.0.1:8080', "
          "'localhost:8080' or '[::1]:8080'",
          "test.toml:6:12: 'chain_id' in [[chains]] is 0; expected a positive integer",
          "test.toml:7:7: 'rpc' in [[chains]] is empty; expected at least one http:// or https:// URL",
          "test.toml:8:1: unknown key 'confirmation' in [[chains]]; did you mean 'confirmations'? valid "
          "keys: "
          "name, chain_id, rpc, confirmations, finality, poll_interval_ms, max_block_range, ca_file, explorer, proofs, ws",
          "test.toml:11:9: unknown chain 'bnb' for token 'BUSD'; expected one of the configured chains: bsc",
          "test.toml:13:11: address '0x123' has 3 hex digits, expected 40",
          "test.toml:14:12: 'decimals' in [[tokens]] is 78; expected an integer from 0 to 77",
          "test.toml:16:1: missing required key 'addresses' in [[campaigns]]; expected an array of tables, "
          "written [[campaigns.addresses]]",
          "test.toml:17:6: invalid campaign id 'Memorial'; expected 1 to 64 characters from a-z, 0-9 and '-'",
      }));
}

TEST(Config, DiagnosticFormats) {
  EXPECT_EQ((Diagnostic{"a.toml", 3, 7, "wrong"}.to_string()), "a.toml:3:7: wrong");
  EXPECT_EQ((Diagnostic{"a.toml", 0, 0, "unreadable"}.to_string()), "a.toml: unreadable");
}

TEST(Config, FinalityNames) {
  EXPECT_EQ(to_string(Finality::confirmations), "confirmations");
  EXPECT_EQ(to_string(Finality::finalized), "finalized");
  EXPECT_EQ(to_string(Finality::safe), "safe");
}

TEST(Config, LoadFileReadsTheFileAndNamesItInErrors) {
  const auto path = std::filesystem::temp_directory_path() / "givewatch-config-test.toml";
  {
    std::ofstream out(path);
    out << test::kBsc << "chain_ids = 1\n";
  }
  const auto bad = load_file(path);
  EXPECT_EQ(only_error(bad),
            path.string() +
                ":5:1: unknown key 'chain_ids' in [[chains]]; did you mean 'chain_id'? valid keys: "
                "name, chain_id, rpc, confirmations, finality, poll_interval_ms, max_block_range, ca_file, explorer, proofs, ws");
  {
    std::ofstream out(path);
    out << test::kBsc;
  }
  const auto good = load_file(path);
  ASSERT_TRUE(good.config) << only_error(good);
  EXPECT_EQ(good.config->source, path);
  std::filesystem::remove(path);
}

TEST(Config, LoadFileReportsADirectory) {
  const auto directory = std::filesystem::temp_directory_path();
  EXPECT_EQ(only_error(load_file(directory)),
            directory.string() +
                ": cannot read the configuration file: it is a directory; expected a readable TOML "
                "file");
}

TEST(Config, LoadFileReportsAMissingFile) {
  const auto result = load_file("/nonexistent/givewatch.toml");
  EXPECT_EQ(only_error(result),
            "/nonexistent/givewatch.toml: cannot read the configuration file: No such file or directory; "
            "expected a "
            "readable TOML file");
}

}  // namespace
}  // namespace givewatch::config
