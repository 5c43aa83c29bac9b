// The prover against a fake node serving a real block (vectors/unichain-sepolia-35535698.json): a
// proof from eth_getBlockReceipts or, where the node lacks it, from batched receipts; the checked
// block kept for the block's other transactions; and every way a node can fail or lie ending in an
// error of its kind, never in a proof.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/keccak.hpp"
#include "proof/prover.hpp"
#include "tests/proof/vectors.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/run_task.hpp"

namespace givewatch::proof {
namespace {

namespace json = boost::json;
using givewatch::test::HttpReceiver;

/// A JSON-RPC node on HttpReceiver that knows one block. Tests change what it says between proofs.
struct FakeNode {
  HttpReceiver http;
  json::object block;
  json::array receipts;
  bool block_receipts = true;  ///< serves eth_getBlockReceipts
  std::map<std::string, int> calls;

  FakeNode() {
    auto v = test::load_vector("unichain-sepolia-35535698.json");
    block = v.at("block").as_object();
    receipts = v.at("receipts").as_array();
    http.respond([this](const HttpReceiver::Request& r) {
      const auto body = json::parse(r.body);
      json::value out;
      if (body.is_array()) {
        json::array answers;
        for (const auto& c : body.as_array()) answers.push_back(one(c.as_object()));
        out = std::move(answers);
      } else {
        out = one(body.as_object());
      }
      return HttpReceiver::Reply{200, {{"Content-Type", "application/json"}}, json::serialize(out)};
    });
  }

  json::object one(const json::object& call) {
    const std::string method(call.at("method").as_string());
    ++calls[method];
    const auto& params = call.at("params").as_array();
    json::object answer{{"jsonrpc", "2.0"}, {"id", call.at("id")}};
    if (method == "eth_chainId") {
      answer["result"] = "0x515";
    } else if (method == "eth_getBlockByHash") {
      answer["result"] = params[0] == block.at("hash") ? json::value(block) : json::value(nullptr);
    } else if (method == "eth_getBlockReceipts" && block_receipts) {
      answer["result"] = receipts;
    } else if (method == "eth_getTransactionReceipt") {
      answer["result"] = nullptr;
      for (const auto& r : receipts) {
        if (r.at("transactionHash") == params[0]) answer["result"] = r;
      }
    } else {
      answer["error"] = json::object{{"code", -32601}, {"message", "the method " + method + " does not exist/is not available"}};
    }
    return answer;
  }

  core::Hash hash() const { return core::parse_hash(block.at("hash").as_string()).value(); }
  core::Hash tx(std::size_t i) const { return core::parse_hash(receipts.at(i).at("transactionHash").as_string()).value(); }
};

struct Rig {
  FakeNode node;
  config::Config config;
  std::unique_ptr<Prover> prover;
  boost::asio::io_context io;

  explicit Rig(std::size_t max_waiting = 16) {
    config::Chain chain;
    chain.name = "unichain";
    chain.chain_id = 1301;
    chain.rpc = {node.http.url("/")};
    config.chains.push_back(chain);
    ProverOptions options;
    options.max_waiting = max_waiting;
    options.pool.call_budget = std::chrono::milliseconds(500);
    options.pool.attempt_timeout = std::chrono::milliseconds(500);
    options.pool.backoff_base = std::chrono::milliseconds(10);
    prover = std::make_unique<Prover>(config, options);
  }

  ProofResult prove(const core::Hash& block, const core::Hash& tx) {
    return givewatch::test::run_task(io, prover->prove(config.chains[0], block, tx));
  }
};

TEST(Prover, ProvesFromBlockReceiptsAndKeepsTheCheckedBlock) {
  Rig rig;
  for (std::size_t i : {0u, 3u, 5u}) {
    auto p = rig.prove(rig.node.hash(), rig.node.tx(i));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ((*p)->receipt.tx_index, i);
    EXPECT_EQ((*p)->block_hash, rig.node.hash());
    EXPECT_EQ(core::keccak256((*p)->header_rlp), rig.node.hash());
    EXPECT_EQ(core::to_hex((*p)->receipts_root), rig.node.block.at("receiptsRoot").as_string());
    EXPECT_FALSE((*p)->nodes.empty());
    EXPECT_EQ(core::keccak256((*p)->nodes.front()), (*p)->receipts_root);
  }
  EXPECT_EQ(rig.node.calls["eth_getBlockByHash"], 1);  // the other proofs are cut from the kept block
  EXPECT_EQ(rig.node.calls["eth_getBlockReceipts"], 1);
}

TEST(Prover, FallsBackToBatchedReceiptsOnceTheNodeLacksBlockReceipts) {
  Rig rig;
  rig.node.block_receipts = false;
  auto p = rig.prove(rig.node.hash(), rig.node.tx(2));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ((*p)->receipt.type, 0x2);
  EXPECT_EQ(rig.node.calls["eth_getTransactionReceipt"], 6);
  EXPECT_EQ(rig.node.calls["eth_getBlockReceipts"], 1);  // asked once, then not again
}

TEST(Prover, ALyingNodeGetsNoProof) {
  {
    Rig rig;  // a log's data changed: the rebuilt receipts trie no longer has the header's root
    test::flip_first_log_bit(rig.node.receipts);
    auto p = rig.prove(rig.node.hash(), rig.node.tx(1));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, ProofErrc::mismatch);
    EXPECT_NE(p.error().message.find("not the header's receiptsRoot"), std::string::npos) << p.error().message;
  }
  {
    Rig rig;  // a header field changed under the same hash
    rig.node.block["stateRoot"] = core::to_hex(core::Hash{});
    auto p = rig.prove(rig.node.hash(), rig.node.tx(1));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, ProofErrc::mismatch);
    EXPECT_NE(p.error().message.find("re-encoded hashes to"), std::string::npos) << p.error().message;
  }
  {
    Rig rig;  // a receipt left out
    rig.node.receipts.erase(rig.node.receipts.begin() + 4);
    auto p = rig.prove(rig.node.hash(), rig.node.tx(1));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, ProofErrc::mismatch);
  }
  {
    Rig rig;  // another transaction's receipt in a slot
    rig.node.receipts[2] = rig.node.receipts[3];
    auto p = rig.prove(rig.node.hash(), rig.node.tx(1));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, ProofErrc::mismatch);
  }
}

TEST(Prover, UnknownBlocksTransactionsAndSilentNodesAreSaidForWhatTheyAre) {
  Rig rig;
  auto unknown = rig.prove(core::Hash{}, rig.node.tx(1));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ProofErrc::unknown_block);
  auto absent = rig.prove(rig.node.hash(), core::Hash{});
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().kind, ProofErrc::not_in_block);
  rig.node.http.down();
  auto down = rig.prove(rig.node.hash(), rig.node.tx(1));  // the checked block is kept: no call needed
  EXPECT_TRUE(down) << down.error().message;
  Rig other;
  other.node.http.down();
  auto silent = other.prove(other.node.hash(), other.node.tx(1));
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().kind, ProofErrc::unavailable);
}

// One block is read per chain at a time: with no room to wait, a second proof is told to come back;
// with room, it waits for the first and then gets its own.
TEST(Prover, OneBlockAtATimePerChain) {
  for (std::size_t room : {0u, 1u}) {
    Rig rig(room);
    rig.node.http.answer_next(HttpReceiver::Reply{.hang = true});  // the first proof's first call never ends
    std::optional<ProofResult> first, second;
    boost::asio::co_spawn(rig.io, rig.prover->prove(rig.config.chains[0], rig.node.hash(), rig.node.tx(1)),
                          [&](std::exception_ptr, ProofResult r) { first = std::move(r); });
    boost::asio::co_spawn(rig.io, rig.prover->prove(rig.config.chains[0], rig.node.hash(), rig.node.tx(2)),
                          [&](std::exception_ptr, ProofResult r) { second = std::move(r); });
    rig.io.run();
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(*first) << "its node hung until the call budget was spent";
    if (room == 0) {
      ASSERT_FALSE(*second);
      EXPECT_EQ(second->error().kind, ProofErrc::busy);
    } else {
      EXPECT_TRUE(*second) << second->error().message;
    }
  }
}

}  // namespace
}  // namespace givewatch::proof
