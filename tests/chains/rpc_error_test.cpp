#include "chains/rpc_error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace givewatch::chains {
namespace {

/// A provider's JSON-RPC error and what givewatch must make of it.
struct Case {
  std::string name;
  std::int64_t code;
  std::string message;
  RpcErrc kind;
  std::optional<std::uint64_t> span;
  bool retryable;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.code << " " << c.message; }

class ClassifyRpcError : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyRpcError, KindSpanAndRetry) {
  const Case& c = GetParam();
  const RpcError e = classify_rpc_error(c.code, c.message);
  EXPECT_EQ(e.kind, c.kind);
  EXPECT_EQ(e.max_range, c.span);
  EXPECT_EQ(e.retryable(), c.retryable);
  EXPECT_EQ(e.code, c.code);
  EXPECT_EQ(e.message, c.message);
  EXPECT_FALSE(e.retry_after);
  if (c.kind == RpcErrc::range_too_wide) {
    EXPECT_EQ(range_limit_from_message(c.message), c.span);
  }
}

// The eight texts of tests/support/fault_proxy (RangeErrorStyle), each with a limit that appears in
// no other number of the text, and the results cap it answers with.
INSTANTIATE_TEST_SUITE_P(
    FaultProxyTexts, ClassifyRpcError,
    ::testing::Values(
        Case{"alchemy", -32602,
             "Log response size exceeded. You can make eth_getLogs requests with up to a 2500 block range and no "
             "limit on the response size, or you can request any block range with a cap of 10K logs in the "
             "response.",
             RpcErrc::range_too_wide, 2500, false},
        Case{"alchemy_suggested", -32600,
             "You can make eth_getLogs requests with up to a 2500 block range. Based on your parameters, this "
             "block range should work: [0x100, 0xac3]",
             RpcErrc::range_too_wide, 2500, false},
        Case{"quicknode", -32614, "eth_getLogs is limited to a 10,000 range", RpcErrc::range_too_wide, 10000, false},
        Case{"quicknode_millions", -32614, "eth_getLogs is limited to a 1,234,567 range", RpcErrc::range_too_wide,
             1234567, false},
        Case{"too_wide", -32000, "block range is too wide (maximum 750)", RpcErrc::range_too_wide, 750, false},
        Case{"aurora", -32000,
             "Your request exceeded the maximum block range. You can make eth_getLogs requests with up to a 4000 "
             "block range.",
             RpcErrc::range_too_wide, 4000, false},
        Case{"range_exceeds_limit", -32602, "range 20001 exceeds limit of 3000", RpcErrc::range_too_wide, 3000,
             false},
        Case{"exceed_maximum", -32000, "exceed maximum block range: 5000", RpcErrc::range_too_wide, 5000, false},
        Case{"larger_than_max", -32000,
             "block range is larger than max block range, block range = 20001, max block range = 1024",
             RpcErrc::range_too_wide, 1024, false},
        Case{"results_cap", -32005, "query returned more than 10000 results", RpcErrc::range_too_wide,
             std::nullopt, false}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

// Texts real providers and nodes send.
INSTANTIATE_TEST_SUITE_P(
    ProviderTexts, ClassifyRpcError,
    ::testing::Values(
        // Alchemy with its "2K" shorthand.
        Case{"alchemy_2k", -32602,
             "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no "
             "limit on the response size, or you can request any block range with a cap of 10K logs in the "
             "response.",
             RpcErrc::range_too_wide, 2000, false},
        // Alchemy's free tier: the suggested range [0x0, 0x9] is 10 blocks.
        Case{"alchemy_free_tier", -32600,
             "Under the Free tier plan, you can make eth_getLogs requests with up to a 10 block range. Based on "
             "your parameters, this block range should work: [0x0, 0x9]. Upgrade to PAYG for expanded block "
             "range.",
             RpcErrc::range_too_wide, 10, false},
        // Infura names a range that holds fewer results, not a span it allows.
        Case{"infura_suggestion", -32005,
             "query returned more than 10000 results. Try with this block range [0xCB3D, 0x7B737].",
             RpcErrc::range_too_wide, std::nullopt, false},
        // publicnode, under its own code.
        Case{"publicnode", -32701, "exceed maximum block range: 50000", RpcErrc::range_too_wide, 50000, false},
        // reth, and providers running it (dRPC, BlastAPI): the span cap and the results cap.
        Case{"reth_span", -32602, "query exceeds max block range 100000", RpcErrc::range_too_wide, 100000, false},
        Case{"reth_results", -32602, "query exceeds max results 20000, retry with the range 50784086-50785570",
             RpcErrc::range_too_wide, std::nullopt, false},
        // dRPC's free tier: the word "not supported" must not make it an unavailable method.
        Case{"drpc_free_tier", 35, "ranges over 10000 blocks are not supported on freetier",
             RpcErrc::range_too_wide, 10000, false},
        // 1rpc: its cap under the invalid-params code.
        Case{"onerpc", -32602, "eth_getLogs is limited to 0 - 50 blocks range", RpcErrc::range_too_wide, 50,
             false},
        Case{"chainstack", -32000, "Block range limit exceeded.", RpcErrc::range_too_wide, std::nullopt, false},
        Case{"max_allowed_blocks", -32000, "Block range too large: maximum allowed is 1000 blocks",
             RpcErrc::range_too_wide, 1000, false},
        Case{"blastapi_max_is", -32000, "eth_getLogs range is too large, max is 1k blocks", RpcErrc::range_too_wide,
             1000, false},
        Case{"arc_requested_range", -32012, "requested range too large", RpcErrc::range_too_wide, std::nullopt,
             false},
        // mainnet.base.org answers a dense range this way.
        Case{"base_backend_response", -32020, "backend response too large", RpcErrc::range_too_wide, std::nullopt,
             false},
        Case{"too_many_logs", -32005, "Too many logs requested. Max logs per response is 10000",
             RpcErrc::range_too_wide, std::nullopt, false},
        Case{"method_not_found", -32601, "the method eth_getLogs does not exist/is not available",
             RpcErrc::method_unavailable, std::nullopt, false},
        Case{"method_not_found_text_only", -32000, "Method not found", RpcErrc::method_unavailable, std::nullopt,
             false},
        Case{"daily_limit", -32005, "daily request count exceeded, request rate limited", RpcErrc::rate_limited,
             std::nullopt, true},
        Case{"infura_limit_exceeded", -32005, "limit exceeded", RpcErrc::rate_limited, std::nullopt, true},
        Case{"code_32029", -32029, "slow down", RpcErrc::rate_limited, std::nullopt, true},
        Case{"compute_units", 429,
             "Your app has exceeded its compute units per second capacity. If you have retries enabled, you can "
             "safely ignore this message.",
             RpcErrc::rate_limited, std::nullopt, true},
        Case{"header_not_found", -32000, "header not found", RpcErrc::rpc_error, std::nullopt, true},
        Case{"internal_error", -32603, "internal error", RpcErrc::rpc_error, std::nullopt, true},
        Case{"bad_hex_argument", -32602, "invalid argument 0: hex string without 0x prefix", RpcErrc::rpc_error,
             std::nullopt, false},
        Case{"execution_reverted", 3, "execution reverted", RpcErrc::rpc_error, std::nullopt, false}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

TEST(RangeLimitFromMessage, ReadsSpansInEveryNotation) {
  EXPECT_EQ(range_limit_from_message("up to a 2,000 block range"), 2000u);
  EXPECT_EQ(range_limit_from_message("UP TO A 3K BLOCK RANGE"), 3000u);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x10,0x1f]"), 16u);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x5, 0x5]"), 1u);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x000000000000000000001, 0x0000000000000000000a]"),
            10u);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x1, 0xffffffffffffffff]"), UINT64_MAX);
}

TEST(RangeLimitFromMessage, SuggestionsBeyond64BitsAreIgnoredNotThrown) {
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x1, 0x10000000000000000]"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x0, 0xffffffffffffffff]"), std::nullopt);
  const RpcError e =
      classify_rpc_error(-32600, "up to a 10 block range; this block range should work: [0x1, 0x1ffffffffffffffff]");
  EXPECT_EQ(e.kind, RpcErrc::range_too_wide);
  EXPECT_EQ(e.max_range, 10u);
}

TEST(RangeLimitFromMessage, NothingWhereNoSpanIsNamed) {
  EXPECT_EQ(range_limit_from_message("query returned more than 10000 results"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("block range is too wide"), std::nullopt);
  EXPECT_EQ(range_limit_from_message(""), std::nullopt);
  // A span of zero is no span, and an inverted suggestion is ignored.
  EXPECT_EQ(range_limit_from_message("exceed maximum block range: 0"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("this block range should work: [0x20, 0x10]"), std::nullopt);
  // A number too large for 64 bits is not a span.
  EXPECT_EQ(range_limit_from_message("exceed maximum block range: 18446744073709551617"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("exceed maximum block range: 18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(range_limit_from_message("up to a 18446744073709552k block range"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("up to a 18446744073709551k block range"), 18446744073709551000u);
}

// The optional words and separators of each wording, one by one, and which use of a wording counts.
TEST(RangeLimitFromMessage, ReadsEveryFormOfEachWording) {
  const std::pair<const char*, std::optional<std::uint64_t>> cases[] = {
      {"max block range 11", 11u},
      {"max block range=12", 12u},
      {"max block range : 13", 13u},
      {"maximum block range  14", 14u},
      {"max block range is 15; max block range: 16", 16u},
      {"limited to a 21 block range", 21u},
      {"limited to a 22 blocks", std::nullopt},
      {"limited to 0-23 block", 23u},
      {"limited to 0 -24 blocks", 24u},
      {"maximum range 31", 31u},
      {"maximum block range is 32", 32u},
      {"maximum range of 33", 33u},
      {"maximum range:34", 34u},
      {"maximum range is35", 35u},
      {"maximum range was 36", std::nullopt},
      {"(max 41)", 41u},
      {"(maximum: 42)", 42u},
      {"(max: 43 blocks)", std::nullopt},
      {"exceed limit 51", 51u},
      {"exceeds the maximum limit: 52", 52u},
      {"exceeds the max limit of 53", 53u},
      {"exceeds maximumlimit 54", std::nullopt},
      {"max 61 blocks", 61u},
      {"maximum allowed 62 blocks", 62u},
      {"max is 6,3k blocks", 63000u},
      {"ranges over 71 blocks", 71u},
      {"ranges over ,72 blocks", std::nullopt},
      // A wording whose first use names no span is read where it next does.
      {"up to a few block range, up to a 81 block range", 81u},
      // A wording that names a span beyond 64 bits gives way to the next wording, not to its next use.
      {"max block range 99999999999999999999, max block range 82, max 83 blocks", 83u},
      // Suggested ranges: only the first one counts, and an inverted one gives way to the spans.
      {"should work: [0x1,0x2]; should work: [0x1, 0x10]", 2u},
      {"should work: [0x1, 0xg]; should work: [0x1, 0x10]", 16u},
      {"should work: [0x9, 0x1] up to a 84 block range", 84u},
      {"should work: [0x0000, 0x0]", 1u},
  };
  for (const auto& [text, span] : cases) EXPECT_EQ(range_limit_from_message(text), span) << text;
}

// A provider's text of any length is classified at once, on its first kilobyte: a backtracking
// regex recursed once per digit here and crashed givewatch with SIGSEGV.
TEST(ClassifyRpcError, AHugeNumberIsClassifiedAtOnce) {
  const std::string text = "max block range " + std::string(200'000, '7');
  const auto started = std::chrono::steady_clock::now();
  const RpcError e = classify_rpc_error(-32000, text);
  EXPECT_EQ(e.kind, RpcErrc::range_too_wide);
  EXPECT_EQ(e.max_range, std::nullopt);  // beyond 64 bits: no span
  EXPECT_EQ(e.message, "max block range " + std::string(284, '7') + "\u2026 (200016 bytes)");
  EXPECT_EQ(range_limit_from_message(text), std::nullopt);
  EXPECT_EQ(range_limit_from_message("up to a " + std::string(200'000, '1') + " block range"), std::nullopt);
  EXPECT_EQ(range_limit_from_message("should work: [0x" + std::string(200'000, '0') + "1, 0x2]"), 2u);
  // Nothing past the first kilobyte is read.
  EXPECT_EQ(classify_rpc_error(-32000, std::string(1024, ' ') + "block range too wide").kind,
            RpcErrc::rpc_error);
  std::printf("classified a %zu-byte text in %.2f ms\n", text.size(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
}

TEST(ClassifyRpcError, TheMessageIsBoundedAndEscaped) {
  const RpcError e = classify_rpc_error(-32005, "\x1b[31mquery returned more than 10000 results\r\n\x1b[0m");
  EXPECT_EQ(e.kind, RpcErrc::range_too_wide);
  EXPECT_EQ(e.message, "\\x1b[31mquery returned more than 10000 results\\r\\n\\x1b[0m");
}

TEST(RpcErrorRetryable, FollowsTheKindAndTheStatus) {
  auto retryable = [](RpcErrc kind, std::int64_t code = 0) {
    RpcError e;
    e.kind = kind;
    e.code = code;
    return e.retryable();
  };
  EXPECT_TRUE(retryable(RpcErrc::timeout));
  EXPECT_TRUE(retryable(RpcErrc::connection));
  EXPECT_TRUE(retryable(RpcErrc::rate_limited, 429));
  EXPECT_TRUE(retryable(RpcErrc::bad_response));
  EXPECT_TRUE(retryable(RpcErrc::http_status, 500));
  EXPECT_TRUE(retryable(RpcErrc::http_status, 503));
  EXPECT_TRUE(retryable(RpcErrc::http_status, 408));
  EXPECT_FALSE(retryable(RpcErrc::http_status, 404));
  EXPECT_FALSE(retryable(RpcErrc::http_status, 401));
  EXPECT_FALSE(retryable(RpcErrc::http_status, 499));
  EXPECT_TRUE(retryable(RpcErrc::rpc_error, -32000));
  EXPECT_TRUE(retryable(RpcErrc::rpc_error, -32603));
  EXPECT_FALSE(retryable(RpcErrc::rpc_error, -32602));
  EXPECT_FALSE(retryable(RpcErrc::rpc_error, -32600));
  EXPECT_FALSE(retryable(RpcErrc::range_too_wide, -32000));
  EXPECT_FALSE(retryable(RpcErrc::method_unavailable));
  EXPECT_FALSE(retryable(RpcErrc::wrong_chain));
  EXPECT_FALSE(retryable(RpcErrc::cancelled));
}

TEST(RpcErrorResult, ValueThrowsTheErrorUnchanged) {
  RpcResult<int> failed = RpcError{RpcErrc::range_too_wide, "too wide", -32602, std::nullopt, 500};
  try {
    (void)failed.value();
    FAIL() << "value() of an error returned";
  } catch (const RpcException& ex) {
    EXPECT_STREQ(ex.what(), "too wide");
    EXPECT_EQ(ex.error().kind, RpcErrc::range_too_wide);
    EXPECT_EQ(ex.error().code, -32602);
    EXPECT_EQ(ex.error().max_range, 500u);
  }
}

}  // namespace
}  // namespace givewatch::chains
