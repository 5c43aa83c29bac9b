// givewatch under what real deployments throw at it: crashes at any instant, providers that limit,
// throttle, time out and truncate, and endpoints that are wrong or broken.

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <random>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/integration/run_log.hpp"
#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

/// A two-chain devnet with traffic, and a config whose narrow eth_getLogs ranges make the backfill
/// many small steps, so that interruptions land inside it.
struct InterruptedRuns {
  static constexpr std::uint64_t kRange = 3;  ///< max_block_range: no step covers more blocks

  InterruptedRuns(const std::string& name, int transfers, int seed)
      : dir(name), devnet(dir.path() / "devnet", "bsc,celo") {
    for (const auto& chain : devnet.chains()) devnet.traffic(chain.name, transfers, transfers / 5, seed);
    ConfigOptions options;
    options.max_block_range = kRange;
    config = write_config(devnet, dir.path(), options);
  }

  std::size_t started_runs() const { return occurrences(read_file(log), "givewatch 0.1.0 started"); }

  /// Steps a run must still write to reach the heads, at the least: each covers at most kRange
  /// blocks (campaign addresses start at block 0). Read while no run holds the store.
  std::uint64_t steps_to_write() {
    std::unique_ptr<storage::Store> store;
    if (std::filesystem::exists(dir.path() / "data" / "CURRENT")) {
      auto opened = storage::Store::open(dir.path() / "data", storage::Options{.read_only = true});
      if (!opened) throw std::runtime_error(opened.error().message);
      store = std::move(*opened);
    }
    std::uint64_t steps = 0;
    for (const auto& chain : devnet.chains()) {
      std::optional<storage::ChainCursor> cursor;
      if (store) cursor = store->chain_cursor(chain.chain_id).value();
      const std::uint64_t head = devnet.head(chain.name);
      const std::uint64_t blocks = cursor ? head - std::min(head, cursor->indexed_block) : head + 1;
      steps += (blocks + kRange - 1) / kRange;
    }
    return steps;
  }

  /// Adds traffic until a run has at least `steps` steps to write, so a run waiting for its steps
  /// always sees them come.
  void make_steps(std::uint64_t steps) {
    while (steps_to_write() < steps) more_traffic(next_seed++);
  }

  /// Starts givewatch, reporting its steps, and waits until this run has opened the store.
  std::unique_ptr<Daemon> start(RunLog& run) {
    auto daemon = std::make_unique<Daemon>(config, log, "debug");
    if (!run.wait([](const RunLog& r) { return r.started(); })) ADD_FAILURE() << "givewatch did not start";
    return daemon;
  }

  /// Some new donations on each chain, arriving while givewatch follows the head.
  void more_traffic(int seed) {
    for (const auto& chain : devnet.chains()) devnet.traffic(chain.name, 8, 2, seed, 4);
  }

  /// One last run indexes to the heads and stops; the store then equals the nodes' own logs.
  void expect_final_run_matches_the_nodes() {
    Daemon daemon(config, log);
    std::map<std::uint64_t, std::uint64_t> confirmed;
    for (const auto& chain : devnet.chains()) {
      const auto head = devnet.head(chain.name);
      confirmed[chain.chain_id] = head - 3;
      ASSERT_TRUE(wait_indexed(dir.path() / "data", chain.chain_id, head, head - 3, 120s)) << daemon.log();
    }
    EXPECT_EQ(daemon.stop(), 0) << daemon.log();
    expect_store_equals_truth(dir.path() / "data", devnet.truth(), devnet.campaigns(), confirmed);
  }

  ScratchDir dir;
  Devnet devnet;
  std::filesystem::path config;
  std::filesystem::path log = dir.path() / "givewatch.log";
  int next_seed = 1000;
};

/// Where in a run's reported work an interruption is aimed: right after the store opened (while
/// endpoints are verified), once `steps` steps are written and none is being written, or as the
/// step after them begins.
struct Aim {
  enum Where { starting, between_steps, inside_a_step } where = between_steps;
  std::uint64_t steps = 1;

  /// Steps the run must have to write for this aim to be reached.
  std::uint64_t needs() const { return where == starting ? 0 : where == between_steps ? steps : steps + 1; }
  /// Reads the run's log until the aimed moment; false if it never came.
  bool reach(RunLog& run) const {
    return run.wait([this](const RunLog& r) {
      switch (where) {
        case starting: return true;
        case between_steps: return r.steps_ended() >= steps && !r.writing();
        case inside_a_step: return r.steps_begun() >= steps + 1;
      }
      return false;
    });
  }
};

TEST(Resilience, SigkillAtRandomMomentsLosesAndDuplicatesNothing) {
  InterruptedRuns runs("restart", 250, 21);
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  // Each run is killed after it wrote 1 to 3 steps: kBetween runs, in random order, once no step is
  // being written; the others once the next step has begun, at a random point of the time the run's
  // fastest step took (as it reports it, so the point scales with the build). Where each kill really
  // landed is read from the log (a step begun and not reported written: inside). Runs aimed inside
  // are added until kMinInside kills landed inside; kMaxRuns only stops a test whose aim is broken.
  // Every run writes at least one step, so the runs make progress whatever the machine's speed.
  constexpr int kRuns = 24, kBetween = 8, kMinInside = 8, kMaxRuns = 120;
  std::vector<bool> aim_between(kRuns, false);
  std::fill_n(aim_between.begin(), kBetween, true);
  std::shuffle(aim_between.begin(), aim_between.end(), rng);
  std::uniform_int_distribution<std::uint64_t> steps(1, 3);
  int run_count = 0, inside = 0, between = 0;
  std::uint64_t written = 0;
  while (run_count < kRuns || inside < kMinInside) {
    ASSERT_LT(run_count, kMaxRuns) << "only " << inside << " kills landed inside a step";
    const bool between_aim = run_count < kRuns && aim_between[static_cast<std::size_t>(run_count)];
    const Aim aim{between_aim ? Aim::between_steps : Aim::inside_a_step, steps(rng)};
    runs.make_steps(aim.needs());
    RunLog run(runs.log);
    auto daemon = runs.start(run);
    // From the ninth run on, new donations arrive while the daemon runs.
    std::future<void> traffic;
    if (run_count >= 8 && run_count % 2 == 0) {
      traffic = std::async(std::launch::async, [&, s = runs.next_seed++] { runs.more_traffic(s); });
    }
    const bool reached = aim.reach(run);
    // Inside a step: at a random point of the time this run's fastest step took to write.
    if (aim.where == Aim::inside_a_step) {
      std::uniform_real_distribution<double> offset_ms(0, run.fastest_step_ms());
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(offset_ms(rng)));
    }
    daemon->kill();
    if (traffic.valid()) traffic.get();
    ASSERT_TRUE(reached) << "run " << run_count << " never reached " << aim.steps << " steps\n" << daemon->log();
    run.read();
    ++run_count;
    (run.writing() ? inside : between)++;
    written += run.steps_ended();
  }
  std::printf("%d runs killed: %d inside a step, %d between steps; %llu steps written\n", run_count, inside, between,
              static_cast<unsigned long long>(written));
  EXPECT_GE(inside, kMinInside);
  runs.expect_final_run_matches_the_nodes();
  EXPECT_EQ(runs.started_runs(), static_cast<std::size_t>(run_count + 1));
}

TEST(Resilience, SigtermAtAnyMomentStopsCleanlyWithStatusZero) {
  InterruptedRuns runs("sigterm", 150, 41);
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  // Stops at moments the runs report, in random order: right after the store opened (while endpoints
  // are verified), between steps and as a step begins, mid-backfill and while following.
  constexpr int kStops = 16;
  std::vector<Aim::Where> aims(kStops);
  for (int i = 0; i < kStops; ++i) aims[static_cast<std::size_t>(i)] = static_cast<Aim::Where>(i % 3);
  std::shuffle(aims.begin(), aims.end(), rng);
  std::uniform_int_distribution<std::uint64_t> steps(1, 3);
  int inside = 0;
  for (int i = 0; i < kStops; ++i) {
    if (i >= 8 && i % 2 == 0) runs.more_traffic(200 + i);
    const Aim aim{aims[static_cast<std::size_t>(i)], steps(rng)};
    runs.make_steps(aim.needs());
    RunLog run(runs.log);
    auto daemon = runs.start(run);
    const bool reached = aim.reach(run);
    const int status = daemon->stop();
    ASSERT_TRUE(reached) << "stop " << i << " never reached " << aim.steps << " steps\n" << daemon->log();
    ASSERT_EQ(status, 0) << "stop " << i << "\n" << daemon->log();
    // A stop finishes the step being written: every step begun is reported written.
    run.read();
    EXPECT_EQ(run.steps_begun(), run.steps_ended()) << "stop " << i << "\n" << daemon->log();
    if (run.stopped_while_writing()) ++inside;
  }
  std::printf("%d stops, %d of them received while a step was being written\n", kStops, inside);
  const auto text = read_file(runs.log);
  EXPECT_EQ(text.find("unexpected error"), std::string::npos) << text;
  EXPECT_EQ(occurrences(text, "data directory closed; bye"), static_cast<std::size_t>(kStops));
  runs.expect_final_run_matches_the_nodes();
}

TEST(Resilience, BackfillCompletesThroughProviderLimitsAndFaults) {
  ScratchDir dir("faults");
  Devnet devnet(dir.path() / "devnet");
  for (const auto& chain : devnet.chains()) devnet.traffic(chain.name, 150, 30, 31);

  // Each chain behind a proxy that limits eth_getLogs in a different provider's words, and that
  // throttles, fails, delays, drops, truncates and garbles a share of all answers.
  const RangeErrorStyle styles[] = {RangeErrorStyle::alchemy, RangeErrorStyle::quicknode, RangeErrorStyle::aurora};
  std::vector<std::unique_ptr<FaultProxy>> proxies;
  ConfigOptions options;
  options.max_block_range = 1000;
  std::size_t i = 0;
  for (const auto& chain : devnet.chains()) {
    auto proxy = std::make_unique<FaultProxy>("127.0.0.1", chain.port);
    Faults f;
    f.seed = static_cast<std::uint32_t>(7 + i);
    f.max_logs_range = 4 + i;
    f.range_error_style = styles[i];
    f.max_logs_results = i == 0 ? std::optional<std::uint64_t>(25) : std::nullopt;
    f.status_429_probability = 0.05;
    f.status_5xx_probability = 0.05;
    f.truncate_probability = 0.04;
    f.garbage_probability = 0.04;
    f.drop_probability = 0.03;
    f.delay_probability = 0.05;
    f.delay = 300ms;
    proxy->set_faults(f);
    options.rpc[chain.name] = {proxy->url()};
    proxies.push_back(std::move(proxy));
    ++i;
  }
  const auto config = write_config(devnet, dir.path(), options);
  Daemon daemon(config, dir.path() / "givewatch.log");
  std::map<std::uint64_t, std::uint64_t> confirmed;
  for (const auto& chain : devnet.chains()) {
    const auto head = devnet.head(chain.name);
    confirmed[chain.chain_id] = head - 3;
    ASSERT_TRUE(wait_indexed(dir.path() / "data", chain.chain_id, head, head - 3, 240s)) << daemon.log();
  }
  EXPECT_EQ(daemon.stop(), 0);
  expect_store_equals_truth(dir.path() / "data", devnet.truth(), devnet.campaigns(), confirmed);

  // Every kind of fault happened, and the range was narrowed on each chain.
  std::uint64_t faults429 = 0, faults5xx = 0, truncated = 0, garbage = 0, dropped = 0, ranges = 0, results = 0;
  for (const auto& p : proxies) {
    const auto s = p->stats();
    faults429 += s.status_429;
    faults5xx += s.status_5xx;
    truncated += s.truncated;
    garbage += s.garbage;
    dropped += s.dropped;
    ranges += s.range_errors;
    results += s.results_errors;
    EXPECT_GT(s.range_errors, 0u);
  }
  std::printf("faults injected: %llu 429, %llu 5xx, %llu truncated, %llu garbage, %llu dropped, %llu range errors, "
              "%llu result-count errors\n",
              static_cast<unsigned long long>(faults429), static_cast<unsigned long long>(faults5xx),
              static_cast<unsigned long long>(truncated), static_cast<unsigned long long>(garbage),
              static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(ranges),
              static_cast<unsigned long long>(results));
  EXPECT_GT(faults429, 0u);
  EXPECT_GT(faults5xx, 0u);
  EXPECT_GT(truncated, 0u);
  EXPECT_GT(garbage, 0u);
  EXPECT_GT(results, 0u);
  const auto text = daemon.log();
  for (const auto& chain : devnet.chains()) {
    EXPECT_NE(text.find(chain.name + ": provider limits eth_getLogs"), std::string::npos) << chain.name;
  }
}

TEST(Resilience, BadEndpointsAreRefusedWithClearErrorsWhileOtherChainsGoOn) {
  ScratchDir dir("endpoints");
  Devnet devnet(dir.path() / "devnet");
  for (const auto& chain : devnet.chains()) devnet.traffic(chain.name, 40, 10, 41);
  const auto& bsc = devnet.chain("bsc");
  const auto& aurora = devnet.chain("aurora");
  const auto& celo = devnet.chain("celo");

  // bsc: its only endpoint claims another chain id.
  FaultProxy wrong_chain("127.0.0.1", bsc.port);
  Faults wrong;
  wrong.chain_id_override = 1;
  wrong_chain.set_faults(wrong);
  // aurora: a refused connection and an endpoint without eth_getLogs before a good one.
  FaultProxy no_logs("127.0.0.1", aurora.port);
  Faults nl;
  nl.get_logs_method_not_found = true;
  no_logs.set_faults(nl);
  // celo: nothing but garbage.
  FaultProxy garbage("127.0.0.1", celo.port);
  Faults g;
  g.garbage_probability = 1.0;
  garbage.set_faults(g);

  ConfigOptions options;
  options.rpc["bsc"] = {wrong_chain.url()};
  options.rpc["aurora"] = {"http://127.0.0.1:1", no_logs.url(), aurora.rpc};
  options.rpc["celo"] = {garbage.url()};
  const auto config = write_config(devnet, dir.path(), options);
  RunLog run(dir.path() / "givewatch.log");
  Daemon daemon(config, dir.path() / "givewatch.log");
  const auto head = devnet.head("aurora");
  ASSERT_TRUE(wait_indexed(dir.path() / "data", aurora.chain_id, head, head - 3)) << daemon.log();
  // The broken chains fail, and the daemon goes on: bsc's watcher logs its stall (once a minute
  // for the same reason), and celo's endpoint pool asks its garbage endpoint again.
  ASSERT_TRUE(run.wait([&](const RunLog& r) {
    return occurrences(r.text(), "bsc: stalled (rpc): no usable RPC endpoint (every one is refused); retrying in") >= 1 &&
           garbage.stats().requests >= 2;
  })) << daemon.log();
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(daemon.stop(), 0);

  const auto text = daemon.log();
  EXPECT_NE(text.find("bsc: endpoint " + wrong_chain.url() +
                      " is on chain 1 but [[chains]] 'bsc' has chain_id 56; not using it"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("aurora: connecting to http://127.0.0.1:1: Connection refused"), std::string::npos) << text;
  EXPECT_NE(text.find("aurora: endpoint " + no_logs.url() + " does not serve eth_getLogs"), std::string::npos) << text;
  EXPECT_NE(text.find("celo: eth_chainId on " + garbage.url() + ": the answer is not JSON"), std::string::npos)
      << text;

  // aurora is complete and exact; the chains without a usable endpoint hold nothing.
  auto truth = devnet.truth();
  std::erase_if(truth, [&](const auto& e) { return e.second.chain_id != aurora.chain_id; });
  expect_store_equals_truth(dir.path() / "data", truth, devnet.campaigns(), {{aurora.chain_id, head - 3}});
  auto store = storage::Store::open(dir.path() / "data", storage::Options{.read_only = true});
  ASSERT_TRUE(store);
  EXPECT_FALSE(*(*store)->chain_cursor(bsc.chain_id));
  EXPECT_FALSE(*(*store)->chain_cursor(celo.chain_id));
}

TEST(Resilience, LaggingEndpointsAreNeverAskedForBlocksTheyDoNotHave) {
  ScratchDir dir("lagging");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  devnet.traffic("bsc", 30, 10, 51);
  devnet.mine("bsc", 60);
  devnet.traffic("bsc", 30, 10, 52, 3);  // donations in the newest blocks too
  const auto head = devnet.head("bsc");
  ASSERT_GT(head, 70u);

  // In config order: an endpoint 40 blocks behind (over the 32-block limit: not used), one 5 blocks
  // behind (used, but only for blocks it has), and the node itself.
  FaultProxy far("127.0.0.1", bsc.port), near("127.0.0.1", bsc.port);
  Faults f40, f5;
  f40.head_lag = 40;
  f5.head_lag = 5;
  far.set_faults(f40);
  near.set_faults(f5);
  ConfigOptions options;
  options.rpc["bsc"] = {far.url(), near.url(), bsc.rpc};
  const auto config = write_config(devnet, dir.path(), options);
  Daemon daemon(config, dir.path() / "givewatch.log");
  ASSERT_TRUE(wait_indexed(dir.path() / "data", bsc.chain_id, head, head - 3)) << daemon.log();

  // Following: new donations above every lagging head.
  devnet.traffic("bsc", 10, 0, 53, 5);
  const auto later = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(dir.path() / "data", bsc.chain_id, later, later - 3)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);

  const auto text = daemon.log();
  EXPECT_NE(text.find("bsc: endpoint " + far.url() + " is at block " + std::to_string(head - 40) + ", 40 behind the best head " +
                      std::to_string(head) + "; not using it until it catches up"),
            std::string::npos)
      << text;
  EXPECT_EQ(far.stats().beyond_head, 0u) << "asked the endpoint 40 blocks behind for blocks it does not have";
  EXPECT_EQ(near.stats().beyond_head, 0u) << "asked the endpoint 5 blocks behind for blocks it does not have";
  // (Its eth_chainId check alone is forwarded too, so count what it served beyond that.)
  EXPECT_GT(near.stats().logs_forwarded, 0u) << "the endpoint 5 blocks behind served no eth_getLogs";
  expect_store_equals_truth(dir.path() / "data", devnet.truth(), devnet.campaigns(), {{bsc.chain_id, later - 3}});
}

}  // namespace
}  // namespace givewatch::test
