// givewatch against an endpoint that answers with hostile texts and bodies (rule 1 of the
// watcher: no answer crashes the process or exhausts memory), in front of a real node.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/hostile_answers.hpp"

namespace givewatch::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// bsc alone behind a FaultProxy, with donations, and givewatch's API on a known port.
struct HostileChain {
  explicit HostileChain(const std::string& name) : dir(name), devnet(dir.path() / "devnet", "bsc") {
    devnet.traffic("bsc", 40, 10, 61);
    ConfigOptions options;
    options.rpc["bsc"] = {proxy.url()};
    options.api_port = api_port;
    config = write_config(devnet, dir.path(), options);
  }

  /// Waits until the daemon's log holds `needle` more than `seen` times, or `instead` (when not
  /// empty) at all; true for `needle`. False too when neither came in 120 s or the daemon ended.
  static bool wait_for_log(Daemon& daemon, const std::string& needle, std::size_t seen = 0,
                           const std::string& instead = "") {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline && daemon.running()) {
      const std::string log = daemon.log();
      if (occurrences(log, needle) > seen) return true;
      if (!instead.empty() && log.find(instead) != std::string::npos) return false;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  /// For a failed wait: how the daemon ended (it is stopped now if it was still running) and its log.
  static std::string ended(Daemon& daemon) {
    const int status = daemon.stop();
    return "givewatch exit status " + std::to_string(status) + "\n" + daemon.log();
  }

  /// Indexes to the node's head once the proxy answers normally; the store then equals the truth.
  void expect_indexes_everything(Daemon& daemon) {
    proxy.set_faults(Faults{});
    devnet.traffic("bsc", 10, 2, 62, 4);
    const auto head = devnet.head("bsc");
    ASSERT_TRUE(wait_indexed(dir.path() / "data", 56, head, head - 3, 180s)) << ended(daemon);
    EXPECT_EQ(daemon.stop(), 0) << daemon.log();
    expect_store_equals_truth(dir.path() / "data", devnet.truth(), devnet.campaigns(), {{56, head - 3}});
  }

  ScratchDir dir;
  Devnet devnet;
  FaultProxy proxy{"127.0.0.1", devnet.chain("bsc").port};
  std::uint16_t api_port = free_port();
  std::filesystem::path config;
  std::filesystem::path log = dir.path() / "givewatch.log";
};

/// Whether `text` holds a control character other than a line feed.
bool has_control(std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
  }
  return false;
}

/// The longest line of `text`.
std::size_t longest_line(const std::string& text) {
  std::size_t longest = 0, start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; start = end + 1, end = text.find('\n', start)) {
    longest = std::max(longest, end - start);
  }
  return std::max(longest, text.size() - start);
}

/// Every last_error /v1/chains shows (the chain's, when it has one, and each endpoint's): at most
/// `limit` bytes, no control character. Returns how many were set.
std::size_t expect_last_errors_bounded(std::uint16_t port, std::size_t limit) {
  const auto answer = http_get(port, "/v1/chains");
  EXPECT_EQ(answer.status, 200u) << answer.body;
  std::size_t set = 0;
  auto check = [&](const json::object& o) {
    const auto* e = o.if_contains("last_error");
    if (!e || !e->is_string()) return;
    ++set;
    EXPECT_LE(e->get_string().size(), limit) << e->get_string();
    EXPECT_FALSE(has_control(e->get_string())) << e->get_string();
  };
  const json::value doc = json::parse(answer.body);
  for (const auto& chain : doc.at("chains").as_array()) {
    check(chain.as_object());
    for (const auto& endpoint : chain.at("endpoints").as_array()) check(endpoint.as_object());
  }
  return set;
}

TEST(Hostile, ErrorTextsOfEveryCallNeitherCrashNorFloodTheLog) {
  HostileChain c("hostile-texts");
  // 200 kB of "max block range" and digits, with newlines and terminal escapes.
  const std::string text = hostile_text(200'000);
  auto hostile = [&](const std::string& method) {
    c.proxy.set_faults(Faults{.hostile_error_method = method, .hostile_error_text = text});
  };
  const std::string url = c.proxy.url();
  hostile("eth_chainId");
  Daemon daemon(c.config, c.log);
  // Call by call, each as soon as givewatch has met the text in the one before.
  ASSERT_TRUE(c.wait_for_log(daemon, "eth_chainId on " + url + " failed: ")) << HostileChain::ended(daemon);
  EXPECT_GE(expect_last_errors_bounded(c.api_port, 500), 1u);
  hostile("eth_blockNumber");
  ASSERT_TRUE(c.wait_for_log(daemon, "eth_blockNumber on " + url + " failed: "))
      << HostileChain::ended(daemon);
  EXPECT_GE(expect_last_errors_bounded(c.api_port, 500), 1u);
  hostile("eth_getBlockByNumber");  // nothing indexed yet: the headers of the first range, in a batch
  ASSERT_TRUE(c.wait_for_log(daemon, "eth_getBlockByNumber on " + url + " failed: "))
      << HostileChain::ended(daemon);
  hostile("eth_getLogs");
  ASSERT_TRUE(c.wait_for_log(daemon, "provider limits eth_getLogs (eth_getLogs on " + url + " failed: "))
      << HostileChain::ended(daemon);
  // Caught up, the tip's header alone (not in a batch) is asked for each poll.
  c.proxy.set_faults(Faults{});
  const auto head = c.devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(c.dir.path() / "data", 56, head, head - 3, 180s)) << HostileChain::ended(daemon);
  const std::size_t seen = occurrences(daemon.log(), "eth_getBlockByNumber on " + url + " failed: ");
  hostile("eth_getBlockByNumber");
  ASSERT_TRUE(c.wait_for_log(daemon, "eth_getBlockByNumber on " + url + " failed: ", seen))
      << HostileChain::ended(daemon);
  expect_last_errors_bounded(c.api_port, 500);

  const auto before_stop = daemon.log();
  c.expect_indexes_everything(daemon);
  const std::string log = daemon.log();
  const std::size_t longest = longest_line(log);
  std::printf("%llu hostile answers; longest log line %zu bytes of %zu in all\n",
              static_cast<unsigned long long>(c.proxy.stats().hostile_errors), longest, log.size());
  EXPECT_LE(longest, 640u);
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << "a raw ESC byte in the log";
  EXPECT_FALSE(has_control(log));
  EXPECT_NE(before_stop.find(
                "failed: \\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\x1b[1;31mERROR\\x1b[0m\\r\\nmax block range 1"),
            std::string::npos);
  EXPECT_EQ(log.find("unexpected error"), std::string::npos);
}

TEST(Hostile, A300MegabyteAnswerToEthChainIdIsAnErrorAndMemoryStaysSmall) {
  HostileChain c("hostile-size");
  // First a small error, to know the daemon's peak RSS before any large answer (a sanitized build
  // starts far higher than a plain one).
  c.proxy.set_faults(Faults{.hostile_error_method = "eth_chainId", .hostile_error_text = "not yet"});
  Daemon daemon(c.config, c.log);
  ASSERT_TRUE(c.wait_for_log(daemon, "eth_chainId on " + c.proxy.url() + " failed: not yet"))
      << HostileChain::ended(daemon);
  const auto before_kb = daemon.peak_rss_kb();
  c.proxy.set_faults(Faults{.huge_answer_method = "eth_chainId", .huge_answer_bytes = 300ull << 20});
  // The answer is a valid one, chain id 56 and 300 MB of whitespace: read whole, it would pass. A
  // second one asked for means the first was refused.
  const std::string verified = "endpoint " + c.proxy.url() + " verified";
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (c.proxy.stats().huge_answers < 2 && daemon.log().find(verified) == std::string::npos &&
         daemon.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  const bool refused = c.proxy.stats().huge_answers >= 2;
  const auto peak_kb = daemon.peak_rss_kb();
  std::printf("givewatch peak RSS: %.1f MB before, %.1f MB after a 300 MB answer to eth_chainId (%s)\n",
              static_cast<double>(before_kb) / 1024, static_cast<double>(peak_kb) / 1024,
              refused ? "refused" : "not refused");
  ASSERT_TRUE(refused) << HostileChain::ended(daemon);
  EXPECT_LT(peak_kb, before_kb + 64 * 1024)
      << "peak RSS grew from " << before_kb << " kB to " << peak_kb << " kB";
  EXPECT_GE(expect_last_errors_bounded(c.api_port, 500), 1u);
  EXPECT_NE(http_get(c.api_port, "/v1/chains")
                .body.find("eth_chainId: the answer from " + c.proxy.url() +
                           " is over 4194304 bytes, the limit for this call"),
            std::string::npos);
  c.expect_indexes_everything(daemon);
}

}  // namespace
}  // namespace givewatch::test
