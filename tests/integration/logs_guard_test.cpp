// Rule 7 of docs/watchers.md, the missing-log guard, against a provider whose log index lags its
// head: its eth_getLogs answers leave out the logs of the newest blocks while the daemon follows
// the devnet's head through it, and donations keep arriving. Nothing may be lost.

#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/free_port.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

/// The value of the per-chain counter `name` for bsc on /metrics; -1 when it is not there.
long long metric(std::uint16_t port, const std::string& name) {
  const auto answer = http_get(port, "/metrics");
  const std::string line = name + "{chain=\"bsc\"} ";
  const auto at = answer.body.find(line);
  if (answer.status != 200 || at == std::string::npos) return -1;
  return std::stoll(answer.body.substr(at + line.size()));
}

/// bsc followed through `lagging`, whose log index is 2 blocks behind its head, listed first; with
/// `honest_second`, the node itself is listed second and the lag lasts, else the lag lasts for one
/// answer at a time, renewed until it has hidden a log.
void nothing_is_lost(const std::string& name, bool honest_second) {
  ScratchDir dir(name);
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  FaultProxy lagging("127.0.0.1", bsc.port);
  ConfigOptions options;
  options.rpc["bsc"] = {lagging.url()};
  if (honest_second) options.rpc["bsc"].push_back(bsc.rpc);
  options.api_port = free_port();
  const auto data = dir.path() / "data";
  Daemon daemon(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();

  Faults lag;
  lag.fresh_logs_lag = 2;
  lag.fresh_logs_lag_answers = honest_second ? 1'000'000 : 1;
  lagging.set_faults(lag);
  // Rounds of donations, two per block, each round followed to its last block, until the lag has
  // hidden logs in a few rounds (whether an answer comes while its blocks are fresh is the
  // scheduler's; the rounds wait for that event, not for time).
  int lied_rounds = 0;
  for (int round = 0; round < 40 && lied_rounds < 3; ++round) {
    const auto hidden = lagging.stats().logs_hidden;
    if (!honest_second) lagging.set_faults(lag);
    devnet.traffic("bsc", 6, 2, 500 + round, 2);
    ASSERT_TRUE(wait_indexed(data, bsc.chain_id, devnet.head("bsc"))) << daemon.log();
    lied_rounds += lagging.stats().logs_hidden > hidden;
  }
  ASSERT_EQ(lied_rounds, 3) << "the lag never hid a log\n" << daemon.log();
  const auto later = devnet.mine("bsc", 4);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, later, later - 3)) << daemon.log();

  const auto rechecks = metric(options.api_port, "givewatch_bloom_rechecks_total");
  const auto recovered = metric(options.api_port, "givewatch_bloom_recovered_total");
  const auto unconfirmed = metric(options.api_port, "givewatch_bloom_unconfirmed_total");
  EXPECT_GE(recovered, 3) << daemon.log();
  EXPECT_EQ(rechecks, recovered + unconfirmed);
  EXPECT_EQ(daemon.stop(), 0);
  const auto log = daemon.log();
  // Who answered again: the other endpoint when there is one, else the lagging one after a delay.
  std::size_t by_lagging = 0, by_other = 0;
  for (auto at = log.find("asked again, "); at != std::string::npos; at = log.find("asked again, ", at + 1)) {
    (log.compare(at + 13, lagging.url().size(), lagging.url()) == 0 ? by_lagging : by_other) += 1;
  }
  EXPECT_GE(by_lagging + by_other, 3u) << log;
  EXPECT_EQ(honest_second ? by_lagging : by_other, 0u) << log;
  EXPECT_EQ(log.find("reorg:"), std::string::npos) << log;
  expect_store_equals_truth(data, devnet.truth(), devnet.campaigns(), {{bsc.chain_id, later - 3}});
}

TEST(LogsGuard, AnotherEndpointGivesTheLogsALaggingIndexLeftOut) { nothing_is_lost("guard-two", true); }

TEST(LogsGuard, TheSameEndpointAskedAgainGivesTheLogsItLeftOut) { nothing_is_lost("guard-one", false); }

}  // namespace
}  // namespace givewatch::test
