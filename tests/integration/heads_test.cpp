// New heads pushed over WebSocket (Hardhat serves eth_subscribe on its HTTP port): with an hour
// between polls, only a pushed head can make the watcher index a new donation. A socket that drops
// gives way to the next URL; a socket that stalls is dropped while polling carries the chain.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "tests/integration/devnet.hpp"
#include "tests/integration/harness.hpp"
#include "tests/support/ws_node.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

std::string ws_of(const DevnetChain& chain) {
  return std::regex_replace(chain.rpc, std::regex("^http://"), "ws://");
}

/// Sends traffic, then waits until the store has every donation the node has.
void expect_indexed(Devnet& devnet, const std::filesystem::path& dir, Daemon& daemon, int seed) {
  devnet.traffic("bsc", 6, 2, seed);
  const auto head = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(dir / "data", devnet.chain("bsc").chain_id, head, std::nullopt, 120s)) << daemon.log();
  expect_store_equals_truth(dir / "data", devnet.truth(), devnet.campaigns());
}

TEST(Heads, APushedHeadIndexesWithoutWaitingForAPoll) {
  ScratchDir dir("heads-push");
  Devnet devnet(dir.path() / "devnet", "bsc");
  WsNode dropping(WsNode::Mode::drops);
  ConfigOptions options;
  options.poll_interval_ms = 3'600'000;  // an hour: nothing but a pushed head wakes the watcher
  // The first URL drops its socket at once: the subscription moves to the node's own.
  options.ws["bsc"] = {dropping.url(), ws_of(devnet.chain("bsc"))};
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  const auto start = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(dir.path() / "data", devnet.chain("bsc").chain_id, start)) << daemon.log();
  for (int round = 0; round < 3; ++round) expect_indexed(devnet, dir.path(), daemon, 700 + round);
  EXPECT_GE(dropping.subscriptions(), 1u);
  EXPECT_NE(daemon.log().find("new heads pushed by ws://127.0.0.1:" + std::to_string(devnet.chain("bsc").port)),
            std::string::npos) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

TEST(Heads, AStalledSubscriptionIsDroppedWhilePollingCarriesTheChain) {
  ScratchDir dir("heads-stall");
  Devnet devnet(dir.path() / "devnet", "bsc");
  WsNode silent(WsNode::Mode::silent);
  ConfigOptions options;
  options.poll_interval_ms = 100;
  options.ws["bsc"] = {silent.url()};
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  // Polling indexes the traffic's blocks; the silent socket pushes none of them, so it is found
  // stalled and dropped, and a new one is opened.
  expect_indexed(devnet, dir.path(), daemon, 710);
  // Blocks keep coming, the socket pushes none: the moment polling is 3 blocks ahead of it, it is
  // dropped and a new one subscribes.
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (silent.subscriptions() < 2 && std::chrono::steady_clock::now() < deadline) {
    devnet.mine("bsc", 1);
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_GE(silent.subscriptions(), 2u) << daemon.log();
  expect_indexed(devnet, dir.path(), daemon, 711);
  EXPECT_NE(daemon.log().find("stalled: polling found block"), std::string::npos) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

}  // namespace
}  // namespace givewatch::test
