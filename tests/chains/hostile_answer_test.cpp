// RpcClient against a hostile endpoint: the FaultProxy answers by itself (no node behind it) with
// error texts and bodies of any size. No answer may crash givewatch or make it hold more than the
// limit for its call.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>
#include <string>

#include "chains/rpc_client.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/hostile_answers.hpp"
#include "tests/support/run_task.hpp"

namespace givewatch::chains {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::Faults;

/// Whether `s` holds a byte below 0x20 or DEL.
bool has_control(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

class HostileEndpoint : public ::testing::Test {
 protected:
  /// Faults on top of the proxy's own eth_chainId answer (56), so that no node is needed.
  void set(Faults f) {
    f.chain_id_override = 56;
    proxy.set_faults(f);
  }
  RpcResult<json::value> call(const std::string& method) {
    return test::run_task(io, client.call(method, json::array{}, Clock::now() + 30s));
  }
  RpcResult<std::vector<RpcResult<json::value>>> batch(const std::string& method, std::size_t n) {
    return test::run_task(
        io, client.batch(std::vector<RpcRequest>(n, RpcRequest{method, {}}), Clock::now() + 30s));
  }
  RpcResult<std::vector<eth::Log>> get_logs() {
    return test::run_task(io, client.get_logs(json::object{{"fromBlock", "0x1"}}, Clock::now() + 30s));
  }

  test::FaultProxy proxy{"127.0.0.1", test::free_port()};  // nothing listens behind it
  boost::asio::io_context io;
  boost::asio::ssl::context tls{boost::asio::ssl::context::tls_client};
  RpcClient client{io.get_executor(), tls, parse_endpoint(proxy.url()).value()};
};

TEST_F(HostileEndpoint, AnAnswerOverTheLimitOfASmallCallIsAnErrorAndTheNextCallWorks) {
  // 64 MiB: eight times over what one eth_chainId answer may be, and a valid answer all the same.
  for (bool chunked : {true, false}) {
    SCOPED_TRACE(chunked ? "chunked" : "Content-Length");
    set(Faults{.huge_answer_method = "eth_chainId",
               .huge_answer_bytes = 64ull << 20,
               .huge_answer_chunked = chunked});
    auto answer = call("eth_chainId");
    ASSERT_FALSE(answer) << "a 64 MiB answer to eth_chainId was read whole";
    EXPECT_EQ(answer.error().kind, RpcErrc::bad_response);
    EXPECT_EQ(answer.error().message, "eth_chainId: the answer from " + proxy.url() + " is over " +
                                          std::to_string(HttpLimits{}.body_limit) +
                                          " bytes, the limit for this call");
    EXPECT_TRUE(answer.error().retryable());
  }
  EXPECT_EQ(proxy.stats().huge_answers, 2u);
  // The connection the answer was cut on is not read from again: the next call gets its own answer.
  set(Faults{});
  auto answer = call("eth_chainId");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json::value("0x38"));
}

TEST_F(HostileEndpoint, LargeAnswersToBatchesAndEthGetLogsAreRead) {
  set(Faults{.huge_answer_method = "*", .huge_answer_bytes = 16ull << 20});
  auto answers = batch("eth_chainId", 3);
  ASSERT_TRUE(answers) << answers.error().message;
  ASSERT_EQ(answers->size(), 3u);
  for (const auto& a : *answers) EXPECT_EQ(a.value(), json::value("0x38"));
  // An eth_getLogs answer of 16 MiB is read and understood: here, as the error it holds.
  set(Faults{.get_logs_method_not_found = true,
             .huge_answer_method = "eth_getLogs",
             .huge_answer_bytes = 16ull << 20});
  auto logs = get_logs();
  ASSERT_FALSE(logs);
  EXPECT_EQ(logs.error().kind, RpcErrc::method_unavailable) << logs.error().message;
  EXPECT_EQ(proxy.stats().huge_answers, 2u);
}

TEST_F(HostileEndpoint, ErrorTextsAreBoundedAndEscapedForEveryKindOfCall) {
  const std::string text = test::hostile_text(200'000);
  set(Faults{.hostile_error_method = "*", .hostile_error_text = text});
  const std::string said =
      "failed: \\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\x1b[1;31mERROR\\x1b[0m\\r\\nmax block range 1234";
  const std::string size = "\u2026 (" + std::to_string(text.size()) + " bytes) (code -32000)";
  auto expect_bounded = [&](const RpcError& e, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(e.kind, RpcErrc::range_too_wide);  // "max block range", a span beyond 64 bits
    EXPECT_EQ(e.max_range, std::nullopt);
    EXPECT_EQ(e.message.rfind(what + " on " + proxy.url() + " " + said, 0), 0u) << e.message;
    EXPECT_TRUE(e.message.ends_with(size)) << e.message;
    EXPECT_LE(e.message.size(), 420u);
    EXPECT_FALSE(has_control(e.message)) << e.message;
  };
  for (const char* method : {"eth_chainId", "eth_blockNumber", "eth_getBlockByNumber"}) {
    auto answer = call(method);
    ASSERT_FALSE(answer);
    expect_bounded(answer.error(), method);
  }
  auto answers = batch("eth_getBlockByNumber", 2);
  ASSERT_TRUE(answers) << answers.error().message;
  ASSERT_EQ(answers->size(), 2u);
  for (const auto& a : *answers) {
    ASSERT_FALSE(a);
    expect_bounded(a.error(), "eth_getBlockByNumber");
  }
  auto logs = get_logs();
  ASSERT_FALSE(logs);
  expect_bounded(logs.error(), "eth_getLogs");
  EXPECT_EQ(proxy.stats().hostile_errors, 6u);
}

TEST_F(HostileEndpoint, HttpErrorPagesAreQuotedEscaped) {
  set(Faults{.status_5xx_probability = 1});
  auto answer = call("eth_blockNumber");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::http_status);
  const auto& m = answer.error().message;
  EXPECT_FALSE(has_control(m)) << m;
  EXPECT_NE(m.find(" <html>\\r\\n<head><title>50"), std::string::npos) << m;
}

}  // namespace
}  // namespace givewatch::chains
