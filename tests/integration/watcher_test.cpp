// The givewatch daemon indexing real EVM nodes: backfill, follow, reorgs. Every check compares the
// store with the node's own eth_getLogs (Devnet::truth).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "tests/integration/harness.hpp"
#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

TEST(Watcher, BackfillsEveryChainExactly) {
  ScratchDir dir("backfill");
  Devnet devnet(dir.path() / "devnet");
  std::size_t sent = 0;
  int seed = 11;
  for (const auto& chain : devnet.chains()) {
    // Donations mixed with transfers that are not: to other addresses, from a campaign, mints, and
    // transfers of an unconfigured token to campaign addresses. The first lie deep, more than the
    // 67 blocks of header checks (3 confirmations + 64) below the head, read without headers; the
    // last ones near the head, read with them.
    sent += devnet.traffic(chain.name, 200, 80, seed++);
    devnet.mine(chain.name, 70);
    sent += devnet.traffic(chain.name, 20, 5, seed++);
    devnet.mine(chain.name, 5);
  }
  // aurora's logs come without blockTimestamp, as from many providers: its deep donations take
  // their time from headers fetched for them.
  FaultProxy aurora("127.0.0.1", devnet.chain("aurora").port);
  aurora.set_faults(Faults{.logs_without_timestamps = true});
  ConfigOptions options;
  options.rpc["aurora"] = {aurora.url()};
  const auto config = write_config(devnet, dir.path(), options);
  Daemon daemon(config, dir.path() / "givewatch.log");
  std::map<std::uint64_t, std::uint64_t> confirmed;
  for (const auto& chain : devnet.chains()) {
    const auto head = devnet.head(chain.name);
    confirmed[chain.chain_id] = head - 3;
    ASSERT_TRUE(wait_indexed(dir.path() / "data", chain.chain_id, head, head - 3)) << daemon.log();
  }
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
  for (const auto& chain : devnet.chains()) {
    EXPECT_NE(daemon.log().find(chain.name + ": backfilling blocks "), std::string::npos) << daemon.log();
  }

  const auto truth = devnet.truth();
  EXPECT_EQ(truth.size(), sent);
  EXPECT_GE(truth.size(), 600u);
  expect_store_equals_truth(dir.path() / "data", truth, devnet.campaigns(), confirmed);
}

/// The donations `after` holds and `before` does not.
std::vector<DonationKey> added(const std::map<DonationKey, TruthDonation>& before,
                               const std::map<DonationKey, TruthDonation>& after) {
  std::vector<DonationKey> out;
  for (const auto& [key, t] : after) {
    if (!before.contains(key)) out.push_back(key);
  }
  return out;
}

/// Whether every donation of `keys` is stored, with `status`.
bool all_stored_as(storage::Store& s, const std::vector<DonationKey>& keys, storage::Status status) {
  for (const auto& [chain_id, tx, log_index] : keys) {
    auto found = s.donations_by_tx(chain_id, tx);
    if (!found) return false;
    const auto it = std::find_if(found->begin(), found->end(), [&](const auto& d) { return d.log_index == log_index; });
    if (it == found->end() || it->status != status) return false;
  }
  return true;
}

TEST(Watcher, FollowsTheHeadPendingThenConfirmed) {
  ScratchDir dir("follow");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  const auto data = dir.path() / "data";
  devnet.traffic("bsc", 10, 5, 1);
  const auto config = write_config(devnet, dir.path(), {});
  Daemon daemon(config, dir.path() / "givewatch.log");
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();
  const auto before = devnet.truth();

  // New donations in two blocks at the head: less than 3 blocks deep, so they are stored pending,
  // and stay so while no block is mined.
  const auto mined = std::chrono::steady_clock::now();
  const std::size_t sent = devnet.traffic("bsc", 6, 0, 2, 3);
  const auto head = devnet.head("bsc");
  const auto fresh = added(before, devnet.truth());
  ASSERT_EQ(fresh.size(), sent);
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& s) { return all_stored_as(s, fresh, storage::Status::pending); }))
      << daemon.log();
  const auto latency = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mined).count();
  std::printf("donations stored as pending %.0f ms after their blocks were mined (poll interval 100 ms)\n", latency);

  // Once 3 more blocks exist the same donations are confirmed.
  devnet.mine("bsc", 3);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head + 3, head)) << daemon.log();
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& s) { return all_stored_as(s, fresh, storage::Status::confirmed); }))
      << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, head}});
}

TEST(Watcher, ReorgReplacesTheOrphanedDonations) {
  ScratchDir dir("reorg");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 20, 5, 1);
  devnet.mine("bsc", 4);
  const auto config = write_config(devnet, dir.path(), {});
  Daemon daemon(config, dir.path() / "givewatch.log");
  const auto data = dir.path() / "data";
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();
  const auto before = devnet.truth();

  // Donations on a branch that will be abandoned, seen by givewatch first.
  const auto snapshot = devnet.snapshot("bsc");
  const auto orphaned = devnet.traffic("bsc", 15, 0, 2);
  const auto orphan_head = devnet.mine("bsc", 1);
  const auto with_orphans = devnet.truth();
  ASSERT_EQ(with_orphans.size(), before.size() + orphaned);
  ASSERT_TRUE(wait_for_store(data, 30s, [&](storage::Store& s) {
    auto c = s.chain_cursor(bsc.chain_id);
    return c && *c && (*c)->indexed_block >= orphan_head;
  })) << daemon.log();
  EXPECT_EQ(read_store(data, devnet.campaigns()).size(), with_orphans.size());

  // The chain goes back and grows another way: other donors, other amounts, at the same heights.
  devnet.revert("bsc", snapshot);
  devnet.traffic("bsc", 12, 3, 3);
  const auto new_head = devnet.mine("bsc", 6);
  const auto truth = devnet.truth();
  ASSERT_GT(new_head, orphan_head);
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& s) {
    auto c = s.chain_cursor(bsc.chain_id);
    return c && *c && (*c)->indexed_block >= new_head;
  })) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.log().find("bsc: reorg: blocks"), std::string::npos) << daemon.log();
  expect_store_equals_truth(data, truth, devnet.campaigns(), {{bsc.chain_id, new_head - 3}});

  // Every orphaned donation left a `removed` event.
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  ASSERT_TRUE(store);
  std::size_t removed = 0;
  for (const auto& e : (*store)->events_after(0, 100000).value()) removed += e.type == storage::EventType::removed;
  EXPECT_EQ(removed, orphaned);
}

TEST(Watcher, AnAddressAddedLaterIsBackfilledFromItsStartBlockAlone) {
  ScratchDir dir("new-address");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 60, 10, 5);
  devnet.mine("bsc", 4);
  const auto data = dir.path() / "data";

  // First without one campaign.
  ConfigOptions without;
  without.leave_out_campaigns = {"hope-of-russia"};
  {
    Daemon daemon(write_config(devnet, dir.path(), without), dir.path() / "first.log");
    ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();
    EXPECT_EQ(daemon.stop(), 0);
  }
  auto truth = devnet.truth();
  std::size_t hope = 0;
  for (const auto& [key, t] : truth) hope += t.campaign == "hope-of-russia";
  ASSERT_GT(hope, 0u);
  std::uint64_t events_before = 0;
  {
    auto store = storage::Store::open(data, storage::Options{.read_only = true});
    ASSERT_TRUE(store);
    events_before = (*store)->last_event_seq();
    EXPECT_EQ(events_before, truth.size() - hope);
  }

  // Then with it, start_block 0, below the chain's cursor: only its address is backfilled.
  const auto head = devnet.mine("bsc", 2);
  Daemon daemon(write_config(devnet, dir.path(), {}), dir.path() / "second.log");
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& s) {
    auto cursor = s.chain_cursor(bsc.chain_id);
    return cursor && *cursor && (*cursor)->indexed_block >= head && s.totals("hope-of-russia")->tokens.size() == 1 &&
           s.last_event_seq() >= events_before + hope;
  })) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  const auto log = daemon.log();
  EXPECT_NE(log.find("bsc: resuming at block " + std::to_string(head - 1)), std::string::npos) << log;
  EXPECT_NE(log.find("1 to backfill on their own"), std::string::npos) << log;
  EXPECT_NE(log.find("bsc: backfilled 1 newly added address through block"), std::string::npos) << log;
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, head - 3}});
  // Nothing of the other campaigns was written again: one event per donation in all.
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->last_event_seq(), truth.size());
}

TEST(Watcher, TheFinalizedTagDecidesWhatIsConfirmed) {
  ScratchDir dir("finalized");
  Devnet devnet(dir.path() / "devnet", "celo");
  const auto& celo = devnet.chain("celo");
  const auto data = dir.path() / "data";
  devnet.traffic("celo", 25, 5, 9, 5);  // 6 blocks of transfers
  // The node's finalized block is its head; behind the proxy it is 3 blocks below, as on BSC.
  constexpr std::uint64_t kFinalityLag = 3;
  FaultProxy proxy("127.0.0.1", celo.port);
  proxy.set_faults(Faults{.finalized_lag = kFinalityLag});
  ConfigOptions options;
  options.finality = "finalized";
  options.rpc["celo"] = {proxy.url()};
  const auto head = devnet.head("celo");
  const auto finalized = head - kFinalityLag;
  const auto truth = devnet.truth();
  const auto above = std::count_if(truth.begin(), truth.end(), [&](const auto& e) { return e.second.block_number > finalized; });
  ASSERT_GT(above, 0) << "donations above the finalized block";
  ASSERT_LT(static_cast<std::size_t>(above), truth.size()) << "donations at or below it";

  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  ASSERT_TRUE(wait_indexed(data, celo.chain_id, head, finalized)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  {
    auto store = storage::Store::open(data, storage::Options{.read_only = true});
    ASSERT_TRUE(store);
    auto cursor = (*store)->chain_cursor(celo.chain_id);
    ASSERT_TRUE(cursor && *cursor);
    EXPECT_EQ((*cursor)->confirmed_block, finalized) << "confirmed through the finalized block, not the head";
  }
  expect_store_equals_truth(data, truth, devnet.campaigns(), {{celo.chain_id, finalized}});
}

}  // namespace
}  // namespace givewatch::test
