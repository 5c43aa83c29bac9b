#include "chains/rpc_client.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace givewatch::chains {
namespace {

namespace json = boost::json;

const Endpoint kEndpoint = parse_endpoint("https://user:pw@rpc.example.com/v3/SECRET").value();

RpcResult<json::value> parse(std::string_view response, std::uint64_t id = 7, std::string_view what = "eth_getLogs") {
  return parse_response(json::parse(response), id, what, kEndpoint);
}

TEST(ParseResponse, ReturnsTheResultOfTheRequestAsked) {
  auto r = parse(R"({"jsonrpc":"2.0","id":7,"result":"0x1b4"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, json::value("0x1b4"));
  // A null result is a result (no such block), and so is an empty list.
  r = parse(R"({"jsonrpc":"2.0","id":7,"result":null})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->is_null());
  r = parse(R"({"jsonrpc":"2.0","id":7,"result":[]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, json::array{});
  // Ids above 2^63 arrive as unsigned.
  r = parse(R"({"jsonrpc":"2.0","id":18446744073709551615,"result":"0x1"})", UINT64_MAX);
  ASSERT_TRUE(r) << r.error().message;
}

TEST(ParseResponse, AnotherIdIsABadResponse) {
  auto r = parse(R"({"jsonrpc":"2.0","id":8,"result":"0x1"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::bad_response);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/…: the answer carries another request id");
  EXPECT_TRUE(r.error().retryable());

  for (const char* body : {R"({"jsonrpc":"2.0","id":"7","result":"0x1"})", R"({"jsonrpc":"2.0","id":-7,"result":"0x1"})",
                           R"({"jsonrpc":"2.0","id":null,"result":"0x1"})", R"({"jsonrpc":"2.0","result":"0x1"})",
                           R"({"jsonrpc":"2.0","id":7.0,"result":"0x1"})"}) {
    r = parse(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/…: the answer carries another request id")
        << body;
  }
}

TEST(ParseResponse, NeitherResultNorErrorIsABadResponse) {
  auto r = parse(R"({"jsonrpc":"2.0","id":7})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::bad_response);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/…: the answer has neither result nor error");
  // "error": null is no error.
  r = parse(R"({"jsonrpc":"2.0","id":7,"error":null})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/…: the answer has neither result nor error");
}

TEST(ParseResponse, NotAnObjectIsABadResponse) {
  for (const char* body : {R"([{"jsonrpc":"2.0","id":7,"result":"0x1"}])", R"("0x1")", "null", "7"}) {
    auto r = parse(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().kind, RpcErrc::bad_response);
    EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/…: the answer is not a JSON-RPC object");
  }
  auto r = parse("[]", 7, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "https://rpc.example.com/…: the answer is not a JSON-RPC object");
}

TEST(ParseResponse, AnErrorObjectIsClassifiedAndNamesTheEndpoint) {
  auto r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32005,"message":"query returned more than 10000 results"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::range_too_wide);
  EXPECT_EQ(r.error().code, -32005);
  EXPECT_EQ(r.error().max_range, std::nullopt);
  EXPECT_EQ(r.error().message,
            "eth_getLogs on https://rpc.example.com/… failed: query returned more than 10000 results (code -32005)");

  r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32000,"message":"exceed maximum block range: 5000"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::range_too_wide);
  EXPECT_EQ(r.error().max_range, 5000u);
  EXPECT_EQ(r.error().message,
            "eth_getLogs on https://rpc.example.com/… failed: exceed maximum block range: 5000 (code -32000)");

  r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"the method eth_getLogs does not exist/is not available"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::method_unavailable);
}

TEST(ParseResponse, AnErrorObjectWinsOverAnotherId) {
  // Providers answer request-level errors with a null id; the error is what matters.
  auto r = parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::rpc_error);
  EXPECT_EQ(r.error().code, -32600);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/… failed: invalid request (code -32600)");
  EXPECT_FALSE(r.error().retryable());
}

TEST(ParseResponse, AnErrorWithoutCodeOrMessage) {
  auto r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"message":"header not found"}})", 7, "eth_getBlockByNumber");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::rpc_error);
  EXPECT_EQ(r.error().code, 0);
  EXPECT_EQ(r.error().message, "eth_getBlockByNumber on https://rpc.example.com/… failed: header not found (code 0)");

  r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32603}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::rpc_error);
  EXPECT_EQ(r.error().code, -32603);
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/… failed: (no message) (code -32603)");

  // An error that is not an object, and fields of the wrong type.
  r = parse(R"({"jsonrpc":"2.0","id":7,"error":"rate limited"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::rpc_error);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/… failed: (no message) (code 0)");
  r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":"-32005","message":42}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 0);
  EXPECT_EQ(r.error().message, "eth_getLogs on https://rpc.example.com/… failed: (no message) (code 0)");

  // A rate-limit text is recognised whatever the code.
  r = parse(R"({"jsonrpc":"2.0","id":7,"error":{"message":"daily request count exceeded, request rate limited"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::rate_limited);
}

TEST(ParseResponse, MessagesNeverHoldTheSecret) {
  for (const char* body : {R"({"id":8,"result":1})", R"({"id":7})", "[]", R"({"id":7,"error":{"code":1,"message":"x"}})"}) {
    auto r = parse(body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("user"), std::string::npos) << r.error().message;
  }
}

TEST(ParseAnswer, ANonJsonBodyIsQuotedBoundedAndEscaped) {
  auto r = parse_answer("<html>\r\n\x1b[31m" + std::string(1'000'000, 'x'), "eth_chainId", kEndpoint);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcErrc::bad_response);
  const std::string& m = r.error().message;
  EXPECT_EQ(m.rfind("eth_chainId on https://rpc.example.com/…: the answer is not JSON (", 0), 0u) << m;
  EXPECT_TRUE(m.ends_with(": <html>\\r\\n\\x1b[31m" + std::string(102, 'x') + "\u2026 (1000013 bytes)")) << m;
}

/// The process's virtual memory size (VmSize), in bytes.
rlim_t address_space_in_use() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

/// Parses `body` with at most 64 MB more address space than in use: 0 when that is the
/// bad_response it must be, 1 otherwise (2 when the limit cannot be set).
int parse_within_64_mb_more(const std::string& body) {
  const rlimit limit{address_space_in_use() + (64 << 20), RLIM_INFINITY};
  if (setrlimit(RLIMIT_AS, &limit) != 0) return 2;
  auto r = parse_answer(body, "batch of 100 (eth_getBlockByNumber, ...)", kEndpoint);
  const bool ok = !r && r.error().kind == RpcErrc::bad_response &&
                  r.error().message ==
                      "batch of 100 (eth_getBlockByNumber, ...) on https://rpc.example.com/…: "
                      "the answer could not be read (std::bad_alloc)";
  if (!ok) std::fprintf(stderr, "%s\n", r ? "parsed" : r.error().message.c_str());
  return ok ? 0 : 1;
}

// An answer that cannot be held is an error of its call: nothing thrown while parsing one answer
// may unwind the watcher that asked for it (and with it the daemon).
TEST(ParseAnswerDeathTest, AnAnswerTooBigToHoldIsABadResponse) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of address space: no address-space limit can be set under it";
#endif
  // 15 million numbers: 30 MB of text, over 240 MB as a document.
  std::string body = "[";
  for (int i = 0; i < 15'000'000; ++i) body += "1,";
  body += "1]";
  EXPECT_EXIT(std::exit(parse_within_64_mb_more(body)), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace givewatch::chains
