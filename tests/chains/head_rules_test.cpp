// The watcher's rules that need no node: which head claims must be proven (rule 3), which eth_getLogs
// answers may be used (rule 2), and that a block is asked only of an endpoint known to have it.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "chains/endpoint_pool.hpp"
#include "chains/head_view.hpp"
#include "chains/logs_check.hpp"
#include "tests/support/free_port.hpp"

namespace givewatch::chains {
namespace {

using namespace std::chrono_literals;

TEST(HeadView, EveryClaimNeedsProofUntilAHeadIsBelieved) {
  HeadView view(32);
  EXPECT_FALSE(view.believed());
  EXPECT_TRUE(view.needs_proof(0));
  EXPECT_TRUE(view.needs_proof(1000));
}

TEST(HeadView, AClaimWithinReachOfTheBelievedHeadCountsAsItIs) {
  HeadView view(32);
  view.believe(1000);
  EXPECT_FALSE(view.needs_proof(1000));
  EXPECT_FALSE(view.needs_proof(1032));
  EXPECT_TRUE(view.needs_proof(1033));
  EXPECT_TRUE(view.needs_proof(1500));
  // A head below the believed one is rule 4's to judge: it needs no proof.
  EXPECT_FALSE(view.needs_proof(997));
  EXPECT_FALSE(view.needs_proof(0));
}

TEST(HeadView, TheBelievedHeadFollowsWhatCountedLast) {
  HeadView view(32);
  view.believe(1000);
  view.believe(990);  // the endpoints fell behind
  EXPECT_EQ(view.believed(), 990u);
  EXPECT_TRUE(view.needs_proof(1023));
  EXPECT_FALSE(view.needs_proof(1022));
}

eth::Log log_at(std::uint64_t block, std::uint32_t index, std::uint8_t tx) {
  eth::Log log;
  log.block_number = block;
  log.log_index = index;
  log.tx_hash.bytes[31] = tx;
  return log;
}

TEST(CheckLogsAnswer, LogsInsideTheRangeAtDistinctPositionsPass) {
  EXPECT_EQ(check_logs_answer({}, 10, 20), std::nullopt);
  EXPECT_EQ(check_logs_answer({log_at(10, 0, 1), log_at(10, 1, 1), log_at(20, 0, 2)}, 10, 20), std::nullopt);
}

TEST(CheckLogsAnswer, ALogOutsideTheRangeIsRefused) {
  auto above = check_logs_answer({log_at(10, 0, 1), log_at(21, 0, 2)}, 10, 20);
  ASSERT_TRUE(above);
  EXPECT_EQ(*above, "log 0 of block 21 (tx 0x" + std::string(62, '0') + "02) is outside the blocks asked, 10..20");
  EXPECT_TRUE(check_logs_answer({log_at(9, 0, 1)}, 10, 20));
}

TEST(CheckLogsAnswer, ARemovedLogIsRefused) {
  auto log = log_at(15, 3, 1);
  log.removed = true;
  auto problem = check_logs_answer({log}, 10, 20);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("is marked removed"), std::string::npos) << *problem;
}

TEST(CheckLogsAnswer, TwoLogsAtOnePositionAreRefused) {
  auto problem = check_logs_answer({log_at(15, 3, 1), log_at(15, 3, 2)}, 10, 20);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("log 3 of block 15 (tx 0x" + std::string(62, '0') + "02) is the second log at that position"),
            std::string::npos)
      << *problem;
}

TEST(EndpointPool, ABlockNoEndpointIsKnownToHaveIsNotAskedFor) {
  // The endpoint's head is not known (it was never asked), so it is not known to have block 100:
  // the call says so at once instead of asking it anyway.
  boost::asio::io_context io;
  boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  EndpointPool pool(io.get_executor(), "bsc", 56, {url}, tls, PoolOptions{.call_budget = 5s});
  boost::json::array params;
  params.emplace_back("0x64");
  params.emplace_back(false);
  auto result = boost::asio::co_spawn(io, pool.call("eth_getBlockByNumber", std::move(params), CallOptions{100, false}),
                                      boost::asio::use_future);
  io.run();
  auto answer = result.get();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::not_reached) << answer.error().message;
  EXPECT_EQ(answer.error().message, "eth_getBlockByNumber: no endpoint has reached block 100 yet");
  EXPECT_EQ(pool.status().at(0).requests, 0u);
}

}  // namespace
}  // namespace givewatch::chains
