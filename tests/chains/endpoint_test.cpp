#include "chains/endpoint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace givewatch::chains {
namespace {

Endpoint parsed(std::string_view url) {
  auto e = parse_endpoint(url);
  EXPECT_TRUE(e) << url << ": " << e.error().message;
  return e ? *e : Endpoint{};
}

std::string rejection(std::string_view url) {
  auto e = parse_endpoint(url);
  if (e) return "accepted";
  EXPECT_EQ(e.error().code, core::Errc::invalid_argument);
  return e.error().message;
}

TEST(ParseEndpoint, HttpDefaultsToPort80) {
  const Endpoint e = parsed("http://node.example");
  EXPECT_EQ(e.url, "http://node.example");
  EXPECT_EQ(e.redacted, "http://node.example");
  EXPECT_FALSE(e.tls);
  EXPECT_EQ(e.host, "node.example");
  EXPECT_EQ(e.port, "80");
  EXPECT_EQ(e.target, "/");
  EXPECT_EQ(e.authorization, "");
}

TEST(ParseEndpoint, HttpsDefaultsToPort443) {
  const Endpoint e = parsed("https://bsc-dataseed.bnbchain.org/");
  EXPECT_TRUE(e.tls);
  EXPECT_EQ(e.host, "bsc-dataseed.bnbchain.org");
  EXPECT_EQ(e.port, "443");
  EXPECT_EQ(e.target, "/");
  EXPECT_EQ(e.redacted, "https://bsc-dataseed.bnbchain.org");
}

TEST(ParseEndpoint, ExplicitPortIsKept) {
  const Endpoint e = parsed("https://localhost:8443");
  EXPECT_TRUE(e.tls);
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, "8443");
  EXPECT_EQ(e.redacted, "https://localhost:8443");
  EXPECT_EQ(parsed("http://127.0.0.1:8545").port, "8545");
  EXPECT_EQ(parsed("http://127.0.0.1:8545").host, "127.0.0.1");
}

TEST(ParseEndpoint, Ipv6LiteralLosesItsBrackets) {
  const Endpoint e = parsed("http://[::1]:8545/");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, "8545");
  EXPECT_EQ(e.target, "/");
  EXPECT_EQ(e.redacted, "http://[::1]:8545");
  EXPECT_EQ(parsed("https://[2001:db8::7]/rpc").host, "2001:db8::7");
  EXPECT_EQ(parsed("https://[2001:db8::7]/rpc").port, "443");
}

TEST(ParseEndpoint, PathAndQueryAreTheTarget) {
  const Endpoint e = parsed("https://mainnet.infura.io/v3/0123456789abcdef?source=givewatch&x=%2F");
  EXPECT_EQ(e.host, "mainnet.infura.io");
  EXPECT_EQ(e.target, "/v3/0123456789abcdef?source=givewatch&x=%2F");
  EXPECT_EQ(e.redacted, "https://mainnet.infura.io/…?…");
  EXPECT_EQ(parsed("http://node.example/a/b/").target, "/a/b/");
}

TEST(ParseEndpoint, AQueryWithoutAPathGetsTheRootPath) {
  EXPECT_EQ(parsed("http://node.example?key=1").target, "/?key=1");
  EXPECT_EQ(parsed("https://node.example:8443?apikey=abc&x=1").target, "/?apikey=abc&x=1");
}

TEST(ParseEndpoint, UserInfoBecomesBasicAuthorization) {
  const Endpoint e = parsed("https://alice:s3cret@rpc.example.com/");
  EXPECT_EQ(e.authorization, "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(e.host, "rpc.example.com");
  EXPECT_EQ(e.target, "/");
  // Percent-escapes in the user info are decoded before encoding: "user:p@ss word".
  EXPECT_EQ(parsed("https://user:p%40ss%20word@rpc.example.com").authorization, "Basic dXNlcjpwQHNzIHdvcmQ=");
}

TEST(ParseEndpoint, RedactedNeverHoldsASecret) {
  const std::string url = "https://alice:s3cret@rpc.example.com:8443/v2/KEY123?apikey=TOKEN456";
  const Endpoint e = parsed(url);
  EXPECT_EQ(e.redacted, "https://rpc.example.com:8443/…?…");
  for (const char* secret : {"alice", "s3cret", "KEY123", "TOKEN456", "apikey", "v2", "@"}) {
    EXPECT_EQ(e.redacted.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(e.url, url);
  EXPECT_EQ(e.target, "/v2/KEY123?apikey=TOKEN456");
  EXPECT_EQ(e.authorization, "Basic YWxpY2U6czNjcmV0");
}

TEST(ParseEndpoint, RejectsWhatIsNotHttp) {
  EXPECT_EQ(rejection("wss://bsc.example/ws"),
            "RPC URL 'wss://bsc.example/…' is not http or https; givewatch speaks JSON-RPC over HTTP(S)");
  EXPECT_EQ(rejection("ftp://user:pw@files.example/KEY"),
            "RPC URL 'ftp://files.example/…' is not http or https; givewatch speaks JSON-RPC over HTTP(S)");
  EXPECT_EQ(rejection("localhost:8545"),
            "RPC URL 'localhost:8545' is not http or https; givewatch speaks JSON-RPC over HTTP(S)");
  EXPECT_EQ(rejection("not a url"), "RPC URL 'not a url' is not a URL");
  EXPECT_EQ(rejection("http:///path"), "RPC URL 'http:///…' has no host");
}

}  // namespace
}  // namespace givewatch::chains
