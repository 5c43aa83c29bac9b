#include "chains/rpc_client.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
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

}  // namespace
}  // namespace givewatch::chains
