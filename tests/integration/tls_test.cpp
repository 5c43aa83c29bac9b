// The givewatch daemon on https endpoints: a TLS FaultProxy with a throwaway CA in front of a devnet
// node. With the CA in [[chains]] ca_file it indexes exactly what the node holds; without it, or
// with a certificate for another host, it says why in its log, indexes nothing and still stops
// cleanly.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;

/// A configuration for the devnet's bsc chain whose only endpoint is `rpc`, with `ca_file` set in
/// its [[chains]] table when it is not empty.
std::filesystem::path tls_config(const Devnet& devnet, const std::filesystem::path& dir, const std::string& rpc,
                                 const std::filesystem::path& ca_file) {
  ConfigOptions options;
  options.rpc["bsc"] = {rpc};
  const auto path = write_config(devnet, dir, options);
  if (ca_file.empty()) return path;
  std::string text = read_file(path);
  const std::string table = "[[chains]]\nname = \"bsc\"\n";
  const auto at = text.find(table);
  if (at == std::string::npos) throw std::runtime_error("no bsc [[chains]] table in " + path.string());
  text.insert(at + table.size(), "ca_file = \"" + ca_file.string() + "\"\n");
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

/// Waits up to `timeout` for `text` to appear in the daemon's log.
bool wait_for_log(const Daemon& daemon, const std::string& text, std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (daemon.log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

/// Backfills 40 donations through an https endpoint named by `host` and checks the store against
/// the node's own logs; returns the proxy's record of the TLS handshakes.
std::vector<FaultProxy::Handshake> index_over_https(const std::string& name, const std::string& host) {
  ScratchDir dir(name);
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  const auto certs = make_test_certificates(dir.path() / "certs", "IP:127.0.0.1,DNS:localhost");
  FaultProxy proxy("127.0.0.1", bsc.port, certs.server);
  const std::string url = "https://" + host + ":" + std::to_string(proxy.port());

  const std::size_t sent = devnet.traffic("bsc", 40, 15, 7);
  devnet.mine("bsc", 4);
  const auto head = devnet.head("bsc");
  Daemon daemon(tls_config(devnet, dir.path(), url, certs.ca_certificate), dir.path() / "givewatch.log");
  EXPECT_TRUE(wait_indexed(dir.path() / "data", bsc.chain_id, head, head - 3)) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();

  const std::string log = daemon.log();
  EXPECT_NE(log.find("bsc: endpoint " + url + " verified (chain id 56)"), std::string::npos) << log;
  EXPECT_EQ(log.find("TLS handshake"), std::string::npos) << log;
  const auto truth = devnet.truth();
  EXPECT_EQ(truth.size(), sent);
  expect_store_equals_truth(dir.path() / "data", truth, devnet.campaigns(), {{bsc.chain_id, head - 3}});

  const FaultProxy::Stats stats = proxy.stats();
  EXPECT_GE(stats.tls_handshakes, 1u);
  EXPECT_EQ(stats.tls_failures, 0u);
  EXPECT_GT(stats.forwarded, 0u);
  EXPECT_EQ(proxy.last_host(), host + ":" + std::to_string(proxy.port()));
  return proxy.handshakes();
}

TEST(Tls, IndexesThroughAnHttpsEndpointByHostName) {
  const auto handshakes = index_over_https("tls-localhost", "localhost");
  ASSERT_FALSE(handshakes.empty());
  for (const auto& h : handshakes) {
    EXPECT_EQ(h.server_name, "localhost");
    EXPECT_EQ(h.error, "");
  }
}

TEST(Tls, IndexesThroughAnHttpsEndpointByAddress) {
  const auto handshakes = index_over_https("tls-address", "127.0.0.1");
  ASSERT_FALSE(handshakes.empty());
  for (const auto& h : handshakes) {
    EXPECT_EQ(h.server_name, "");  // no SNI for an address
    EXPECT_EQ(h.error, "");
  }
}

/// Runs the daemon against an endpoint whose certificate it must refuse; expects `error` in its log,
/// nothing indexed and a clean stop.
void expect_refused(const std::string& name, const std::string& alt_names, bool with_ca, const std::string& error) {
  ScratchDir dir(name);
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  const auto certs = make_test_certificates(dir.path() / "certs", alt_names);
  FaultProxy proxy("127.0.0.1", bsc.port, certs.server);
  const std::string url = "https://localhost:" + std::to_string(proxy.port());
  devnet.traffic("bsc", 10, 0, 3);

  Daemon daemon(tls_config(devnet, dir.path(), url, with_ca ? certs.ca_certificate : std::filesystem::path{}),
                dir.path() / "givewatch.log");
  const std::string line = "bsc: TLS handshake with " + url + ": " + error + " (failure 1 in a row; retrying)";
  ASSERT_TRUE(wait_for_log(daemon, line)) << daemon.log();
  // It keeps trying: a second failed handshake, and still no request got through.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (proxy.stats().tls_failures < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  EXPECT_GE(proxy.stats().tls_failures, 2u);
  EXPECT_EQ(proxy.stats().tls_handshakes, 0u);
  EXPECT_EQ(proxy.stats().requests, 0u);
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();

  const std::string log = daemon.log();
  EXPECT_EQ(log.find("verified (chain id"), std::string::npos) << log;
  EXPECT_EQ(log.find("watcher stopped by an unexpected error"), std::string::npos) << log;
  EXPECT_TRUE(read_store(dir.path() / "data", devnet.campaigns()).empty());
  auto store = storage::Store::open(dir.path() / "data", storage::Options{.read_only = true});
  ASSERT_TRUE(store) << store.error().message;
  auto cursor = (*store)->chain_cursor(bsc.chain_id);
  ASSERT_TRUE(cursor) << cursor.error().message;
  EXPECT_FALSE(*cursor);
}

TEST(Tls, AnUntrustedCertificateIsReportedAndNothingIsIndexed) {
  expect_refused("tls-untrusted", "IP:127.0.0.1,DNS:localhost", false,
                 "certificate verify failed (unable to get local issuer certificate); if the endpoint uses a "
                 "private CA, name its certificate in ca_file");
}

TEST(Tls, ACertificateForAnotherHostIsRefused) {
  expect_refused("tls-other-host", "DNS:example.invalid", true, "certificate verify failed (hostname mismatch)");
}

}  // namespace
}  // namespace givewatch::test
