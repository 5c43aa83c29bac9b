// HttpConnection and RpcClient over TLS, against the FaultProxy's HTTPS listener with throwaway
// certificates. eth_chainId is answered by the proxy itself, so no node is needed.

#include "chains/http_connection.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "chains/rpc_client.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/run_task.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::chains {
namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using test::FaultProxy;
using test::Faults;
using test::TempDir;

/// A client TLS context as the daemon makes one: the system's trust store, plus `ca` when given.
std::unique_ptr<net::ssl::context> client_context(const std::filesystem::path& ca) {
  auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  tls->set_default_verify_paths();
  tls->set_verify_mode(net::ssl::verify_peer);
  if (!ca.empty()) tls->load_verify_file(ca.string());
  return tls;
}

/// Waits up to 5 s until the proxy has seen `n` TLS handshakes end: a handshake the client
/// abandons ends on the proxy's side a moment after the client has given up.
bool handshakes_seen(const FaultProxy& proxy, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (proxy.handshakes().size() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class HttpsEndpoint : public ::testing::Test {
 protected:
  /// Serves a certificate for `names` from a fresh proxy that answers eth_chainId with 56.
  void serve(const std::string& names) {
    certs = test::make_test_certificates(dir.path() / names, names);
    proxy.emplace("127.0.0.1", test::free_port(), certs.server);
    proxy->set_faults(Faults{.chain_id_override = 56});
  }
  std::string url(const std::string& host) const { return "https://" + host + ":" + std::to_string(proxy->port()); }

  RpcResult<json::value> chain_id(RpcClient& client) {
    return test::run_task(io, client.call("eth_chainId", json::array{}, Clock::now() + 10s));
  }
  RpcClient client_for(const std::string& url_text, const std::filesystem::path& ca, HttpLimits limits = {}) {
    tls = client_context(ca);
    return RpcClient(io.get_executor(), *tls, parse_endpoint(url_text).value(), limits);
  }

  TempDir dir{"https-endpoint"};
  test::TestCertificates certs;
  std::optional<FaultProxy> proxy;
  net::io_context io;
  std::unique_ptr<net::ssl::context> tls;
};

TEST_F(HttpsEndpoint, VerifiesTheCertificateForAHostName) {
  serve("IP:127.0.0.1,DNS:localhost");
  RpcClient client = client_for(url("localhost") + "/v1/KEY", certs.ca_certificate);
  for (int i = 0; i < 2; ++i) {
    auto answer = chain_id(client);
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(*answer, json::value("0x38"));
  }
  EXPECT_EQ(proxy->stats().tls_handshakes, 1u);  // the connection is kept alive
  ASSERT_EQ(proxy->handshakes().size(), 1u);
  EXPECT_EQ(proxy->handshakes()[0].server_name, "localhost");
  EXPECT_EQ(proxy->last_host(), "localhost:" + std::to_string(proxy->port()));
}

TEST_F(HttpsEndpoint, VerifiesTheCertificateForAnIpAddressAndSendsNoSni) {
  serve("IP:127.0.0.1,DNS:localhost");
  RpcClient client = client_for(url("127.0.0.1"), certs.ca_certificate);
  auto answer = chain_id(client);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json::value("0x38"));
  ASSERT_EQ(proxy->handshakes().size(), 1u);
  // RFC 6066: a server name is a host name, never an address literal.
  EXPECT_EQ(proxy->handshakes()[0].server_name, "");
  EXPECT_EQ(proxy->last_host(), "127.0.0.1:" + std::to_string(proxy->port()));
}

TEST_F(HttpsEndpoint, AnUnknownCaIsAConnectionErrorThatSaysWhy) {
  serve("IP:127.0.0.1,DNS:localhost");
  RpcClient client = client_for(url("localhost"), {});
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::connection);
  EXPECT_EQ(answer.error().message, "TLS handshake with " + url("localhost") +
                                        ": certificate verify failed (unable to get local issuer certificate); if "
                                        "the endpoint uses a private CA, name its certificate in ca_file");
  ASSERT_TRUE(handshakes_seen(*proxy, 1));
  EXPECT_EQ(proxy->stats().tls_failures, 1u);
  EXPECT_EQ(proxy->stats().requests, 0u);
}

TEST_F(HttpsEndpoint, ACertificateForAnotherHostNameIsRefused) {
  serve("DNS:example.invalid");
  RpcClient client = client_for(url("localhost"), certs.ca_certificate);
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::connection);
  EXPECT_EQ(answer.error().message, "TLS handshake with " + url("localhost") + ": certificate verify failed (hostname mismatch)");
  EXPECT_EQ(proxy->stats().requests, 0u);
}

TEST_F(HttpsEndpoint, ACertificateWithoutTheAddressIsRefused) {
  serve("DNS:localhost");
  RpcClient client = client_for(url("127.0.0.1"), certs.ca_certificate);
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::connection);
  EXPECT_EQ(answer.error().message,
            "TLS handshake with " + url("127.0.0.1") + ": certificate verify failed (IP address mismatch)");
}

TEST_F(HttpsEndpoint, AKeptAliveConnectionTheServerDropsIsReopenedOnce) {
  serve("IP:127.0.0.1,DNS:localhost");
  RpcClient client = client_for(url("localhost"), certs.ca_certificate);
  ASSERT_TRUE(chain_id(client));
  // The server closes without a TLS close_notify: on the kept-alive connection that reads as a
  // truncated stream, which must count as "closed before answering" and be tried once more.
  proxy->set_faults(Faults{.drop_probability = 1, .chain_id_override = 56});
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::connection);
  EXPECT_EQ(answer.error().message, url("localhost") + " closed the connection before the answer was complete");
  EXPECT_EQ(proxy->stats().requests, 3u);
  EXPECT_EQ(proxy->stats().dropped, 2u);
  EXPECT_EQ(proxy->stats().tls_handshakes, 2u);

  proxy->set_faults(Faults{.chain_id_override = 56});
  auto again = chain_id(client);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(proxy->stats().tls_handshakes, 3u);
}

TEST_F(HttpsEndpoint, TheHandshakeHasADeadline) {
  // A server that accepts and never says a word.
  net::ip::tcp::acceptor silent(io, net::ip::tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), 0});
  std::optional<net::ip::tcp::socket> accepted;
  silent.async_accept([&](boost::system::error_code ec, net::ip::tcp::socket s) {
    if (!ec) accepted.emplace(std::move(s));
  });
  const std::string silent_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  RpcClient client = client_for(silent_url, {}, HttpLimits{.connect_timeout = 300ms});
  const auto start = Clock::now();
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::timeout);
  EXPECT_EQ(answer.error().message, "TLS handshake with " + silent_url + ": The socket was closed due to a timeout");
  EXPECT_GE(Clock::now() - start, 300ms);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_TRUE(accepted);
}

TEST_F(HttpsEndpoint, PlainHttpToAnHttpsPortFailsAsAConnectionError) {
  serve("IP:127.0.0.1,DNS:localhost");
  const std::string plain = "http://127.0.0.1:" + std::to_string(proxy->port());
  RpcClient client = client_for(plain, {});
  auto answer = chain_id(client);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::connection);
  EXPECT_EQ(answer.error().message, plain + " closed the connection before the answer was complete");
  ASSERT_TRUE(handshakes_seen(*proxy, 1));
  EXPECT_EQ(proxy->stats().tls_failures, 1u);
}

}  // namespace
}  // namespace givewatch::chains
