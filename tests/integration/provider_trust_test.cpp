// Rules 2-6 of docs/watchers.md against providers that lie or lag: a head that jumps, a head that
// falls behind the indexed tip, an endpoint behind the others, logs outside the range asked, with
// another block's hash or two at one position, and an address catching up while the others go on.

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

/// Waits until `done()` holds, up to `timeout`; false on timeout.
bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::size_t removed_events(const std::filesystem::path& data) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  EXPECT_TRUE(store);
  if (!store) return 0;
  std::size_t removed = 0;
  for (const auto& e : (*store)->events_after(0, 1'000'000).value()) removed += e.type == storage::EventType::removed;
  return removed;
}

std::optional<storage::ChainCursor> cursor_of(const std::filesystem::path& data, std::uint64_t chain_id) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  if (!store) return std::nullopt;
  auto c = (*store)->chain_cursor(chain_id);
  return c && *c ? **c : std::optional<storage::ChainCursor>{};
}

/// Rule 3 with `endpoints` in front of the node, the first of them a proxy that tells one lie: a head
/// 500 blocks above the node's. Nothing may be lost or confirmed early, and no reorg may follow.
void head_jump_is_not_believed(const std::string& name, bool with_honest_endpoint) {
  ScratchDir dir(name);
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 20, 5, 61);
  devnet.mine("bsc", 4);
  FaultProxy liar("127.0.0.1", bsc.port);
  ConfigOptions options;
  options.rpc["bsc"] = {liar.url()};
  if (with_honest_endpoint) options.rpc["bsc"].push_back(bsc.rpc);
  const auto data = dir.path() / "data";
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  const auto head = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();

  // The liar inflates its head until givewatch says it noticed: a lie that reached a call givewatch
  // had already given up on (a slow sanitizer build) is told again, so the test waits for the
  // event, not for one answer's luck.
  Faults jump;
  jump.head_jump = 500;
  jump.head_jump_answers = 1'000'000;
  liar.set_faults(jump);
  ASSERT_TRUE(wait_until([&] { return daemon.log().find("claims head ") != std::string::npos; })) << daemon.log();
  liar.set_faults({});
  EXPECT_GE(liar.stats().lies, 1u);
  // A few polls after the lies (each asks the liar's head again), the cursor is still the node's.
  const auto asked = liar.stats().requests;
  ASSERT_TRUE(wait_until([&] { return liar.stats().requests >= asked + 6; })) << daemon.log();
  auto cursor = cursor_of(data, bsc.chain_id);
  ASSERT_TRUE(cursor);
  const auto real = devnet.head("bsc");
  EXPECT_LE(cursor->indexed_block, real) << "indexed past the real head";
  EXPECT_LE(cursor->confirmed_block, cursor->indexed_block);
  EXPECT_LE(cursor->confirmed_block, real - 3) << "confirmed early";

  // Donations after the lie are all indexed, at their real depth.
  devnet.traffic("bsc", 25, 5, 62, 3);
  const auto later = devnet.mine("bsc", 4);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, later, later - 3)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  const auto log = daemon.log();
  EXPECT_EQ(log.find("REORG DEEPER"), std::string::npos) << log;
  EXPECT_EQ(log.find("reorg:"), std::string::npos) << log;
  EXPECT_NE(log.find("claims head " + std::to_string(real + 500)), std::string::npos) << log;
  EXPECT_EQ(removed_events(data), 0u);
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, later - 3}});
}

TEST(ProviderTrust, AHeadJumpOnOneOfTwoEndpointsIsNotBelieved) { head_jump_is_not_believed("jump-two", true); }

TEST(ProviderTrust, AHeadJumpOnTheOnlyEndpointIsNotBelieved) { head_jump_is_not_believed("jump-one", false); }

TEST(ProviderTrust, AHeadBelowTheTipPausesAndRollsNothingBack) {
  ScratchDir dir("behind-tip");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 30, 5, 71, 2);  // donations in the newest blocks too
  FaultProxy node("127.0.0.1", bsc.port);
  ConfigOptions options;
  options.rpc["bsc"] = {node.url()};
  const auto data = dir.path() / "data";
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  const auto head = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();

  // The only endpoint falls 3 blocks behind what is indexed, for many polls.
  Faults behind;
  behind.head_lag = 3;
  node.set_faults(behind);
  ASSERT_TRUE(wait_until([&] { return daemon.log().find("stalled (head_behind_tip)") != std::string::npos; }))
      << daemon.log();
  const auto asked = node.stats().requests;
  ASSERT_TRUE(wait_until([&] { return node.stats().requests >= asked + 20; })) << daemon.log();
  EXPECT_EQ(removed_events(data), 0u) << daemon.log();
  EXPECT_EQ(cursor_of(data, bsc.chain_id)->indexed_block, head);

  // It catches up: indexing goes on.
  node.set_faults({});
  devnet.traffic("bsc", 10, 0, 72, 3);
  const auto later = devnet.mine("bsc", 4);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, later, later - 3)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  const auto log = daemon.log();
  EXPECT_EQ(log.find("reorg:"), std::string::npos) << log;
  EXPECT_EQ(removed_events(data), 0u);
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, later - 3}});
}

TEST(ProviderTrust, AnEndpointBehindAndARateLimitedOneGiveTheTruth) {
  ScratchDir dir("behind-and-429");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 30, 10, 81);
  FaultProxy a("127.0.0.1", bsc.port), b("127.0.0.1", bsc.port);
  Faults throttled, lagging;
  throttled.status_429_probability = 0.3;
  throttled.seed = 81;
  lagging.head_lag = 5;
  a.set_faults(throttled);
  b.set_faults(lagging);
  ConfigOptions options;
  options.rpc["bsc"] = {a.url(), b.url()};
  const auto data = dir.path() / "data";
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  for (int round = 0; round < 4; ++round) {
    devnet.traffic("bsc", 8, 2, 82 + round, 2);  // donations near the head, a few blocks at a time
    const auto head = devnet.head("bsc");
    ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  }
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_GT(a.stats().status_429, 0u);
  EXPECT_EQ(b.stats().beyond_head, 0u) << "asked the endpoint 5 blocks behind for a block it does not have";
  const auto head = devnet.head("bsc");
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, head - 3}});
}

TEST(ProviderTrust, AnAddressCatchingUpNeverStopsTheOthers) {
  ScratchDir dir("catch-up");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 40, 5, 101);
  devnet.mine("bsc", 4);
  const auto data = dir.path() / "data";
  FaultProxy node("127.0.0.1", bsc.port);
  ConfigOptions without;
  without.rpc["bsc"] = {node.url()};
  without.leave_out_campaigns = {"hope-of-russia"};
  {
    Daemon daemon(write_config(devnet, dir.path(), without), dir.path() / "first.log");
    ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();
    EXPECT_EQ(daemon.stop(), 0);
  }
  std::vector<std::string> others;
  for (const auto& c : devnet.campaigns()) {
    if (c != "hope-of-russia") others.push_back(c);
  }
  std::string others_list;
  for (const auto& c : others) others_list += (others_list.empty() ? "" : ",") + c;
  const auto send_to_others = [&](int donations, int seed) {
    devnet.run("traffic", {"--chain", "bsc", "--donations", std::to_string(donations), "--noise", "0", "--seed",
                           std::to_string(seed), "--per-block", "2", "--campaigns", others_list});
  };

  // The added address's history cannot be read for now (a node without old logs): its catch-up
  // stalls on every poll, and the other addresses must go on regardless.
  Faults no_history;
  no_history.refuse_logs_below = devnet.head("bsc") - 2;
  node.set_faults(no_history);
  ConfigOptions with = without;
  with.leave_out_campaigns.clear();
  Daemon daemon(write_config(devnet, dir.path(), with), dir.path() / "second.log");
  ASSERT_TRUE(wait_until([&] { return node.stats().lies >= 2; })) << daemon.log();
  send_to_others(10, 102);
  auto head = devnet.mine("bsc", 4);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  EXPECT_EQ(read_store(data, {"hope-of-russia"}).size(), 0u) << "the catch-up was not stalled";

  // A reorg while the address still catches up.
  const auto snapshot = devnet.snapshot("bsc");
  send_to_others(6, 103);
  const auto orphan_head = devnet.mine("bsc", 1);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, orphan_head)) << daemon.log();
  devnet.revert("bsc", snapshot);
  send_to_others(4, 104);
  head = devnet.mine("bsc", 6);
  ASSERT_GT(head, orphan_head);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  EXPECT_NE(daemon.log().find("stalled (rpc)"), std::string::npos) << daemon.log();

  // The history comes back: the address catches up and the store is the truth.
  node.set_faults({});
  ASSERT_TRUE(wait_until([&] { return daemon.log().find("backfilled 1 newly added address") != std::string::npos; }))
      << daemon.log();
  head = devnet.mine("bsc", 2);
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& s) {
    auto cursors = s.address_cursors(bsc.chain_id);
    auto c = s.chain_cursor(bsc.chain_id);
    if (!cursors || !c || !*c || (*c)->indexed_block < head) return false;
    return std::all_of(cursors->begin(), cursors->end(), [&](const auto& a) { return a.next_block > (*c)->indexed_block; });
  })) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.log().find("bsc: reorg: blocks"), std::string::npos) << daemon.log();
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, head - 3}});
}

/// Rule 2's answer check and rule 6: one lying eth_getLogs answer is a visible error, the range is
/// fetched again and the store is the truth.
void lying_logs_are_fetched_again(const std::string& name, LogsLie lie, const std::string& visible) {
  ScratchDir dir(name);
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 20, 5, 91);
  FaultProxy node("127.0.0.1", bsc.port);
  Faults f;
  f.logs_lie = lie;
  f.logs_lie_answers = 2;  // the backfill's first answers with logs
  node.set_faults(f);
  ConfigOptions options;
  options.rpc["bsc"] = {node.url()};
  const auto data = dir.path() / "data";
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  auto head = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  EXPECT_EQ(node.stats().lies, 2u);
  // Then near the head.
  f.seed = 2;
  node.set_faults(f);
  devnet.traffic("bsc", 10, 0, 92, 3);
  head = devnet.mine("bsc", 4);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  EXPECT_EQ(node.stats().lies, 4u);
  EXPECT_EQ(daemon.stop(), 0);
  const auto log = daemon.log();
  EXPECT_NE(log.find(visible), std::string::npos) << log;
  EXPECT_EQ(log.find("reorg:"), std::string::npos) << log;
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, head - 3}});
}

TEST(ProviderTrust, ALogOutsideTheRangeAskedIsRefused) {
  lying_logs_are_fetched_again("log-outside", LogsLie::outside_range, "is outside the blocks asked");
}

TEST(ProviderTrust, ALogNamingAnotherBlockHashIsRefused) {
  lying_logs_are_fetched_again("log-hash", LogsLie::wrong_block_hash, "but the block's header is");
}

TEST(ProviderTrust, TwoLogsAtOnePositionAreRefused) {
  lying_logs_are_fetched_again("log-twice", LogsLie::same_position_other_tx, "is the second log at that position");
}

}  // namespace
}  // namespace givewatch::test
