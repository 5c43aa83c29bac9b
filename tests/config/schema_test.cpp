#include <gtest/gtest.h>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::errors;
using test::load;
using test::only_error;

constexpr std::string_view kChainKeys =
    "valid keys: name, chain_id, rpc, confirmations, finality, poll_interval_ms, max_block_range, ca_file, explorer, proofs, ws";
constexpr std::string_view kTables =
    "valid top-level tables: [server], [storage], [[chains]], [[tokens]], [[campaigns]], [[alerts]], [attestation]";

/// A chain whose line 5 is `line`, for checks of a single chain key.
LoadResult chain_with(std::string_view line) {
  return load(std::string(test::kBsc) + std::string(line) + "\n");
}

TEST(Schema, UnknownKeySuggestsTheNearestOne) {
  EXPECT_EQ(only_error(chain_with("confirmation = 15")),
            "test.toml:5:1: unknown key 'confirmation' in [[chains]]; did you mean 'confirmations'? " +
                std::string(kChainKeys));
  EXPECT_EQ(only_error(chain_with("pol_interval = 15")),
            "test.toml:5:1: unknown key 'pol_interval' in [[chains]]; did you mean 'poll_interval_ms'? " +
                std::string(kChainKeys));
}

TEST(Schema, UnknownKeyFarFromEveryKeyListsThem) {
  EXPECT_EQ(only_error(chain_with("colour = \"red\"")),
            "test.toml:5:1: unknown key 'colour' in [[chains]]; " + std::string(kChainKeys));
}

TEST(Schema, UnknownKeysInEveryTable) {
  const auto result = load(std::string(test::kBsc) + R"(
[server]
port = 8080
[storage]
dir = "x"
[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
decimals = 18
usd_ = true
[[campaigns]]
id = "a"
name = "A"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x1111111111111111111111111111111111111111"
  start = 1
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:7:1: unknown key 'port' in [server]; valid keys: listen, cors_origins",
          "test.toml:9:1: unknown key 'dir' in [storage]; valid keys: path, sync",
          "test.toml:15:1: unknown key 'usd_' in [[tokens]]; did you mean 'usd'? valid keys: chain, symbol, "
          "address, decimals, usd",
          "test.toml:19:3: missing required key 'start_block' in [[campaigns.addresses]]; expected a "
          "non-negative integer",
          "test.toml:22:3: unknown key 'start' in [[campaigns.addresses]]; did you mean 'start_block'? valid "
          "keys: chain, address, start_block",
      }));
}

TEST(Schema, UnknownTopLevelTable) {
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) + "[chian]\nname = \"x\"\n")),
      "test.toml:5:2: unknown top-level table [chian]; did you mean [[chains]]? " + std::string(kTables));
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) + "[[token]]\nchain = \"bsc\"\n")),
      "test.toml:5:3: unknown top-level table [[token]]; did you mean [[tokens]]? " + std::string(kTables));
  EXPECT_EQ(only_error(load(std::string(test::kBsc) + "[metrics]\nport = 9100\n")),
            "test.toml:5:2: unknown top-level table [metrics]; " + std::string(kTables));
  EXPECT_EQ(only_error(load("verbose = true\n" + std::string(test::kBsc))),
            "test.toml:1:1: unknown top-level key 'verbose'; " + std::string(kTables));
}

TEST(Schema, AtLeastOneChain) {
  EXPECT_EQ(only_error(load("[server]\nlisten = \"127.0.0.1:8080\"\n")),
            "test.toml:1:1: no chains; expected at least one [[chains]] table with name, chain_id and rpc");
  EXPECT_EQ(only_error(load("chains = []\n")),
            "test.toml:1:10: no chains; expected at least one [[chains]] table with name, chain_id and rpc");
  EXPECT_EQ(only_error(load("[chains]\nname = \"bsc\"\n")),
            "test.toml:1:1: wrong type for 'chains': expected an array of tables, written [[chains]], found "
            "a table");
}

TEST(Schema, MissingRequiredKeysPointAtTheTable) {
  const auto result = load(R"([[chains]]
confirmations = 3

[[tokens]]

[[campaigns]]
  [[campaigns.addresses]]
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:1:1: missing required key 'name' in [[chains]]; expected a string",
          "test.toml:1:1: missing required key 'chain_id' in [[chains]]; expected a positive integer",
          "test.toml:1:1: missing required key 'rpc' in [[chains]]; expected an array of strings",
          "test.toml:4:1: missing required key 'chain' in [[tokens]]; expected a string",
          "test.toml:4:1: missing required key 'symbol' in [[tokens]]; expected a string",
          "test.toml:4:1: missing required key 'address' in [[tokens]]; expected a string",
          "test.toml:4:1: missing required key 'decimals' in [[tokens]]; expected an integer from 0 to 77",
          "test.toml:6:1: missing required key 'id' in [[campaigns]]; expected a string",
          "test.toml:6:1: missing required key 'name' in [[campaigns]]; expected a string",
          "test.toml:7:3: missing required key 'chain' in [[campaigns.addresses]]; expected a string",
          "test.toml:7:3: missing required key 'address' in [[campaigns.addresses]]; expected a string",
          "test.toml:7:3: missing required key 'start_block' in [[campaigns.addresses]]; expected a "
          "non-negative integer",
      }));
}

TEST(Schema, WrongTypesSayWhatWasExpectedAndFound) {
  const auto result = load(R"([server]
listen = 8080
cors_origins = "*"
[[chains]]
name = "bsc"
chain_id = "56"
rpc = "https://bsc.example"
finality = true
[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7cea3dedca5984780bafc599bd69add087d56"
decimals = 18.0
usd = "yes"
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:2:10: wrong type for 'listen' in [server]: expected a string, found an integer",
          "test.toml:3:16: wrong type for 'cors_origins' in [server]: expected an array of strings, found a "
          "string",
          "test.toml:6:12: wrong type for 'chain_id' in [[chains]]: expected a positive integer, found a "
          "string",
          "test.toml:7:7: wrong type for 'rpc' in [[chains]]: expected an array of strings, found a string",
          "test.toml:8:12: wrong type for 'finality' in [[chains]]: expected a string, found a boolean",
          "test.toml:13:12: wrong type for 'decimals' in [[tokens]]: expected an integer from 0 to 77, found "
          "a "
          "float",
          "test.toml:14:7: wrong type for 'usd' in [[tokens]]: expected a boolean (true or false), found a "
          "string",
      }));
}

TEST(Schema, WrongTypeOfAnArrayElementPointsAtTheElement) {
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56
rpc = ["https://a.example",
       42]
)");
  EXPECT_EQ(only_error(result),
            "test.toml:5:8: wrong type for 'rpc[1]' in [[chains]]: expected a string, found an integer");
}

TEST(Schema, WrongTypeOfATopLevelTable) {
  EXPECT_EQ(only_error(load("server = \"127.0.0.1:8080\"\n" + std::string(test::kBsc))),
            "test.toml:1:10: wrong type for 'server': expected a table, written [server], found a string");
  EXPECT_EQ(only_error(load("tokens = [1]\n" + std::string(test::kBsc))),
            "test.toml:1:11: wrong type for 'tokens[0]': expected a table, found an integer");
}

TEST(Schema, IntegersOutOfRange) {
  EXPECT_EQ(only_error(load("[[chains]]\nname = \"bsc\"\nchain_id = 0\nrpc = [\"https://a.example\"]\n")),
            "test.toml:3:12: 'chain_id' in [[chains]] is 0; expected a positive integer");
  EXPECT_EQ(only_error(load("[[chains]]\nname = \"bsc\"\nchain_id = -56\nrpc = [\"https://a.example\"]\n")),
            "test.toml:3:12: 'chain_id' in [[chains]] is -56; expected a positive integer");
  EXPECT_EQ(only_error(chain_with("poll_interval_ms = 10")),
            "test.toml:5:20: 'poll_interval_ms' in [[chains]] is 10; expected an integer from 50 to 3600000");
  EXPECT_EQ(
      only_error(chain_with("poll_interval_ms = 3600001")),
      "test.toml:5:20: 'poll_interval_ms' in [[chains]] is 3600001; expected an integer from 50 to 3600000");
  EXPECT_EQ(only_error(chain_with("max_block_range = 0")),
            "test.toml:5:19: 'max_block_range' in [[chains]] is 0; expected an integer from 1 to 1000000");
  EXPECT_EQ(
      only_error(chain_with("max_block_range = 1000001")),
      "test.toml:5:19: 'max_block_range' in [[chains]] is 1000001; expected an integer from 1 to 1000000");
  EXPECT_EQ(only_error(chain_with("confirmations = -1")),
            "test.toml:5:17: 'confirmations' in [[chains]] is -1; expected an integer from 0 to 1000000");
}

TEST(Schema, IntegerBoundsAreAccepted) {
  for (auto line : {"poll_interval_ms = 50", "poll_interval_ms = 3600000", "max_block_range = 1",
                    "max_block_range = 1000000", "confirmations = 0"}) {
    const auto result = chain_with(line);
    EXPECT_TRUE(result.config) << line << ": " << only_error(result);
  }
}

TEST(Schema, Finality) {
  EXPECT_EQ(chain_with("finality = \"finalized\"").config->chains[0].finality, Finality::finalized);
  EXPECT_EQ(chain_with("finality = \"safe\"").config->chains[0].finality, Finality::safe);
  EXPECT_EQ(chain_with("finality = \"confirmations\"").config->chains[0].finality, Finality::confirmations);
  EXPECT_EQ(
      only_error(chain_with("finality = \"finalised\"")),
      "test.toml:5:12: invalid finality 'finalised'; did you mean 'finalized'? expected 'confirmations', "
      "'finalized' or 'safe'");
  EXPECT_EQ(only_error(chain_with("finality = \"latest\"")),
            "test.toml:5:12: invalid finality 'latest'; expected 'confirmations', 'finalized' or 'safe'");
}

TEST(Schema, RpcMustListHttpUrls) {
  EXPECT_EQ(only_error(load("[[chains]]\nname = \"bsc\"\nchain_id = 56\nrpc = []\n")),
            "test.toml:4:7: 'rpc' in [[chains]] is empty; expected at least one http:// or https:// URL");
  const auto result = load(R"([[chains]]
name = "bsc"
chain_id = 56
rpc = [
  "ws://bsc.example/ws/KEY",
  "ftp://user:pass@bsc.example",
  "localhost:8545",
  "https:///no-host",
  "http://localhost:8545",
  "http://localhost:8545",
]
)");
  const std::string expected = "expected an http:// or https:// URL, e.g. 'https://rpc.example/KEY'";
  EXPECT_EQ(errors(result),
            (std::vector<std::string>{
                "test.toml:5:3: invalid RPC URL 'ws://bsc.example/…': " + expected,
                "test.toml:6:3: invalid RPC URL 'ftp://bsc.example': " + expected,
                "test.toml:7:3: invalid RPC URL 'localhost:8545': " + expected,
                "test.toml:8:3: invalid RPC URL 'https:///…': the host is missing; " + expected,
                "test.toml:10:3: duplicate RPC URL 'http://localhost:8545'; list each endpoint once",
            }));
}

TEST(Schema, ListenAcceptsHostPort) {
  for (auto [listen, host, port] : {std::tuple{"0.0.0.0:80", "0.0.0.0", 80},
                                    {"localhost:8080", "localhost", 8080},
                                    {"[::1]:8080", "::1", 8080},
                                    {"api.example:65535", "api.example", 65535}}) {
    const auto result =
        load("[server]\nlisten = \"" + std::string(listen) + "\"\n" + std::string(test::kBsc));
    ASSERT_TRUE(result.config) << listen << ": " << only_error(result);
    EXPECT_EQ(result.config->server.host, host);
    EXPECT_EQ(result.config->server.port, port);
  }
}

TEST(Schema, ListenRejectsAnythingElse) {
  const std::string examples = "expected host:port, e.g. '127.0.0.1:8080', 'localhost:8080' or '[::1]:8080'";
  const std::string ports = "expected a port from 1 to 65535";
  for (auto [listen, problem] : {
           std::pair<std::string, std::string>{"localhost", examples},
           {":8080", "the host is empty; " + examples},
           {"localhost:", "the port is missing; " + examples},
           {"localhost:0", "port 0 is out of range; " + ports},
           {"localhost:65536", "port 65536 is out of range; " + ports},
           {"localhost:http", "port 'http' is not a number; " + ports},
           {"::1:8080", "an IPv6 host must be in brackets, e.g. '[::1]:8080'"},
           {"[::g]:8080", "'::g' is not an IPv6 address; " + examples},
           {"[::1]8080", examples},
           {"local host:80", "'local host' is not a host name or IP address; " + examples},
       }) {
    const auto result = load("[server]\nlisten = \"" + listen + "\"\n" + std::string(test::kBsc));
    EXPECT_EQ(only_error(result), "test.toml:2:10: invalid listen address '" + listen + "': " + problem);
  }
}

TEST(Schema, CorsOrigins) {
  const auto result = load(std::string(test::kBsc) + R"(
[server]
cors_origins = ["*", "https://donate.example:8443", "donate.example", "https://donate.example/path"]
)");
  const std::string expected =
      "expected '*' or scheme://host[:port] without a path, e.g. 'https://example.org'";
  EXPECT_EQ(errors(result),
            (std::vector<std::string>{
                "test.toml:7:53: invalid CORS origin 'donate.example': " + expected,
                "test.toml:7:71: invalid CORS origin 'https://donate.example/path': " + expected,
            }));
  const auto none = load(std::string(test::kBsc) + "[server]\ncors_origins = []\n");
  ASSERT_TRUE(none.config) << only_error(none);
  EXPECT_TRUE(none.config->server.cors_origins.empty());
}

TEST(Schema, StoragePathMustNotBeEmpty) {
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) + "[storage]\npath = \"\"\n")),
      "test.toml:6:8: 'path' in [storage] is empty; expected the directory for the database, e.g. './data'");
}

TEST(Schema, CaFileMustBeAFile) {
  EXPECT_EQ(only_error(load(std::string(test::kBsc) + "ca_file = \"/nonexistent/ca.pem\"\n")),
            "test.toml:5:11: ca_file '/nonexistent/ca.pem' is not a readable file; expected a PEM file of the "
            "certificate authorities to trust for this chain's https endpoints");
  const auto ok = load(std::string(test::kBsc) + "ca_file = \"/etc/ssl/certs/ca-certificates.crt\"\n");
  ASSERT_TRUE(ok.config) << only_error(ok);
  EXPECT_EQ(ok.config->chains[0].ca_file, "/etc/ssl/certs/ca-certificates.crt");
}

TEST(Schema, ExplorerIsAnHttpUrl) {
  const auto ok = load(std::string(test::kBsc) + "explorer = \"https://bscscan.com/\"\n");
  ASSERT_TRUE(ok.config) << only_error(ok);
  EXPECT_EQ(ok.config->chains[0].explorer, "https://bscscan.com");
  EXPECT_EQ(only_error(load(std::string(test::kBsc) + "explorer = \"bscscan.com\"\n")),
            "test.toml:5:12: invalid explorer 'bscscan.com': expected an http:// or https:// URL, e.g. "
            "'https://bscscan.com'");
}

TEST(Schema, StorageSyncIsABoolean) {
  EXPECT_EQ(only_error(load(std::string(test::kBsc) + "[storage]\nsync = \"yes\"\n")),
            "test.toml:6:8: wrong type for 'sync' in [storage]: expected a boolean (true or false), found a string");
}

TEST(Schema, ChainNames) {
  EXPECT_TRUE(
      load("[[chains]]\nname = \"bsc-testnet-2\"\nchain_id = 97\nrpc = [\"https://a.example\"]\n").config);
  const std::string expected = "; expected 1 to 32 characters from a-z, 0-9 and '-'";
  for (const std::string& name : std::vector<std::string>{"BSC", "bsc_main", "", std::string(33, 'a')}) {
    const auto result =
        load("[[chains]]\nname = \"" + name + "\"\nchain_id = 56\nrpc = [\"https://a.example\"]\n");
    EXPECT_EQ(only_error(result), "test.toml:2:8: invalid chain name '" + name + "'" + expected);
  }
}

}  // namespace
}  // namespace givewatch::config
