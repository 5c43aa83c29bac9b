// Receipt proofs against a real node, checked by code givewatch does not share (verify_proof.mjs:
// ethers and @ethereumjs/mpt): every donation of legacy, access-list and EIP-1559 transactions, in a
// block of 140 transactions (trie keys of one, two and three bytes), through the per-transaction
// receipts that the node offers instead of eth_getBlockReceipts. Aurora's chain id answers 422.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "tests/support/free_port.hpp"
#include "tests/integration/devnet.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/process.hpp"

namespace givewatch::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

bool caught_up(std::uint16_t port, Devnet& devnet) {
  std::map<std::string, std::uint64_t> heads;
  for (const auto& c : devnet.chains()) heads[c.name] = devnet.head(c.name);
  for (int i = 0; i < 600; ++i) {
    try {
      auto chains = json::parse(http_get(port, "/v1/chains").body).at("chains").as_array();
      bool all = http_get(port, "/readyz").status == 200;
      for (const auto& c : chains) {
        all = all && c.at("indexed_block").to_number<std::uint64_t>() >= heads[std::string(c.at("name").as_string())];
      }
      if (all) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(Proof, IndependentCodeVerifiesEveryDonationsReceiptProof) {
  ScratchDir dir("proof");
  Devnet devnet(dir.path() / "devnet", "bsc,aurora");
  // 140 donations in one block: receipt keys rlp(0) = 0x80, rlp(1..127) and rlp(128..) = 0x81xx.
  devnet.run("traffic", {"--chain", "bsc", "--donations", "140", "--noise", "10", "--seed", "91", "--per-block", "150",
                         "--tx-types", "legacy,access-list,eip1559"});
  devnet.run("traffic", {"--chain", "bsc", "--donations", "12", "--noise", "3", "--seed", "92", "--per-block", "4",
                         "--tx-types", "legacy,access-list,eip1559"});
  devnet.traffic("aurora", 3, 0, 93);
  ConfigOptions options;
  options.api_port = free_port();
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  ASSERT_TRUE(caught_up(options.api_port, devnet)) << daemon.log();

  // Every bsc transaction with a donation, and what the node's own eth_getLogs says of it.
  std::map<std::string, json::array> expected;  // tx hash → donations
  std::string aurora_tx;
  for (const auto& [key, d] : devnet.truth()) {
    if (d.chain_id == 1313161554) {
      aurora_tx = core::to_hex(d.tx_hash);
      continue;
    }
    expected[core::to_hex(d.tx_hash)].push_back(json::object{{"log_index", d.log_index},
                                                             {"contract", core::to_hex(d.token)},
                                                             {"from", core::to_hex(d.from)},
                                                             {"to", core::to_hex(d.to)},
                                                             {"amount", core::to_string(d.amount)}});
  }
  ASSERT_GE(expected.size(), 150u);
  json::array cases;
  std::set<std::uint64_t> tx_indexes;
  for (const auto& [tx, donations] : expected) {
    const auto a = http_get(options.api_port, "/v1/tx/bsc/" + tx + "/proof");
    ASSERT_EQ(a.status, 200u) << tx << ": " << a.body << daemon.log();
    auto answer = json::parse(a.body).as_object();
    EXPECT_EQ(answer.at("chain"), "bsc");
    EXPECT_EQ(answer.at("tx_hash").as_string(), tx);
    tx_indexes.insert(answer.at("tx_index").to_number<std::uint64_t>());
    cases.push_back(json::object{{"answer", std::move(answer)}, {"expected", donations}});
  }
  EXPECT_TRUE(tx_indexes.contains(0) && tx_indexes.contains(1) && *tx_indexes.rbegin() >= 128)
      << "the block of 140 should give proofs for keys of every length";

  const auto file = dir.path() / "cases.json";
  std::ofstream(file) << json::serialize(cases);
  std::string out, err;
  const int status = run_command({GIVEWATCH_SOURCE_DIR "/scripts/devnet/node",
                                  GIVEWATCH_SOURCE_DIR "/tests/integration/verify_proof.mjs", file.string()},
                                 out, err);
  ASSERT_EQ(status, 0) << out << err;
  std::cout << "verify_proof.mjs: " << out;
  const auto summary = json::parse(out).as_object();
  EXPECT_EQ(summary.at("cases").to_number<std::size_t>(), expected.size());
  EXPECT_EQ(summary.at("tampered_nodes_rejected").to_number<std::size_t>(), expected.size());
  const auto& types = summary.at("receipt_types").as_object();
  EXPECT_TRUE(types.contains("0") && types.contains("1") && types.contains("2")) << out;

  // Aurora: no proof is possible, and the answer says why.
  ASSERT_FALSE(aurora_tx.empty());
  const auto aurora = http_get(options.api_port, "/v1/tx/aurora/" + aurora_tx + "/proof");
  EXPECT_EQ(aurora.status, 422u) << aurora.body;
  EXPECT_NE(aurora.body.find("receiptsRoot is a trie of hashes of transaction outputs"), std::string::npos) << aurora.body;
  // A transaction with no donation, and a malformed hash.
  EXPECT_EQ(http_get(options.api_port, "/v1/tx/bsc/0x" + std::string(64, '1') + "/proof").status, 404u);
  EXPECT_EQ(http_get(options.api_port, "/v1/tx/bsc/0x12/proof").status, 400u);
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

}  // namespace
}  // namespace givewatch::test
