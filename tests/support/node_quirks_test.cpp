#include "tests/support/node_quirks.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace givewatch::test {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

http::response<http::string_body> answer(const std::string& body) {
  http::response<http::string_body> r{http::status::ok, 11};
  r.body() = body;
  return r;
}

const std::string kLog =
    R"({"logIndex":"0x0","blockNumber":"0x5","blockTimestamp":"0x6b114299","blockHash":"0x01"})";

TEST(LogsWithoutTimestamps, TakesTheFieldOutOfEveryLog) {
  auto r = answer(R"({"jsonrpc":"2.0","id":1,"result":[)" + kLog + "," + kLog + "]}");
  strip_log_timestamps(r, Faults{.logs_without_timestamps = true});
  const auto logs = json::parse(r.body()).at("result").as_array();
  ASSERT_EQ(logs.size(), 2u);
  for (const auto& log : logs) {
    EXPECT_FALSE(log.as_object().contains("blockTimestamp")) << log;
    EXPECT_EQ(log.at("blockNumber"), "0x5");
  }
}

TEST(LogsWithoutTimestamps, EveryAnswerOfABatchAndNothingButLogs) {
  const std::string block = R"({"number":"0x5","blockTimestamp":"0x1","timestamp":"0x6b114299"})";
  auto r = answer(R"([{"jsonrpc":"2.0","id":1,"result":[)" + kLog +
                  R"(]},{"jsonrpc":"2.0","id":2,"result":)" + block + "}]");
  strip_log_timestamps(r, Faults{.logs_without_timestamps = true});
  const auto batch = json::parse(r.body());
  EXPECT_FALSE(batch.at(0).at("result").at(0).as_object().contains("blockTimestamp"));
  EXPECT_EQ(batch.at(1).at("result"), json::parse(block)) << "a block keeps its fields";
}

TEST(LogsWithoutTimestamps, OffOrNotJsonLeavesTheBodyAsItIs) {
  const std::string body = R"({"jsonrpc":"2.0","id":1,"result":[)" + kLog + "]}";
  auto r = answer(body);
  strip_log_timestamps(r, Faults{});
  EXPECT_EQ(r.body(), body);
  auto garbage = answer("<html>\"blockTimestamp\"");
  strip_log_timestamps(garbage, Faults{.logs_without_timestamps = true});
  EXPECT_EQ(garbage.body(), "<html>\"blockTimestamp\"");
}

std::string log_in(std::uint64_t block, std::uint64_t index) {
  char text[96];
  std::snprintf(text, sizeof text, R"({"logIndex":"0x%llx","blockNumber":"0x%llx"})",
                static_cast<unsigned long long>(index), static_cast<unsigned long long>(block));
  return text;
}

std::vector<std::uint64_t> blocks_of(const json::value& result) {
  std::vector<std::uint64_t> out;
  for (const auto& log : result.as_array()) out.push_back(std::stoull(std::string(log.at("blockNumber").as_string()), nullptr, 16));
  return out;
}

TEST(FreshLogsLag, LeavesOutTheLogsOfTheNewestBlocks) {
  // Head 100, lag 2: the log index has block 98, not 99 or 100.
  auto r = answer(R"({"jsonrpc":"2.0","id":1,"result":[)" + log_in(97, 0) + "," + log_in(98, 1) + "," + log_in(99, 2) +
                  "," + log_in(100, 3) + "," + log_in(100, 4) + "]}");
  std::atomic<unsigned> left{5};
  EXPECT_EQ(hide_fresh_logs(r, 100, 2, left), 3u);
  EXPECT_EQ(blocks_of(json::parse(r.body()).at("result")), (std::vector<std::uint64_t>{97, 98}));
  EXPECT_EQ(left.load(), 4u);
  EXPECT_EQ(r[http::field::content_length], std::to_string(r.body().size()));
}

TEST(FreshLogsLag, EachResultOfABatchTakesOneAnswerWhileTheyLast) {
  const std::string fresh = R"({"jsonrpc":"2.0","id":1,"result":[)" + log_in(100, 0) + "]}";
  const std::string old = R"({"jsonrpc":"2.0","id":2,"result":[)" + log_in(90, 0) + "]}";
  const std::string block = R"({"jsonrpc":"2.0","id":3,"result":{"number":"0x64","logIndex":"0x0"}})";
  auto r = answer("[" + fresh + "," + old + "," + block + "," + fresh + "]");
  std::atomic<unsigned> left{1};
  EXPECT_EQ(hide_fresh_logs(r, 100, 1, left), 1u);
  const auto batch = json::parse(r.body());
  EXPECT_TRUE(batch.at(0).at("result").as_array().empty());
  EXPECT_EQ(batch.at(1), json::parse(old)) << "nothing fresh: takes no answer";
  EXPECT_EQ(batch.at(2), json::parse(block)) << "a block is not a log";
  EXPECT_EQ(batch.at(3), json::parse(fresh)) << "the answers are spent";
  EXPECT_EQ(left.load(), 0u);
}

TEST(FreshLogsLag, NothingFreshOrNotJsonLeavesTheBodyAsItIs) {
  const std::string body = R"({"jsonrpc":"2.0","id":1,"result":[)" + log_in(98, 0) + "]}";
  auto r = answer(body);
  std::atomic<unsigned> left{3};
  EXPECT_EQ(hide_fresh_logs(r, 100, 2, left), 0u);
  EXPECT_EQ(r.body(), body);
  auto garbage = answer("<html>");
  EXPECT_EQ(hide_fresh_logs(garbage, 100, 2, left), 0u);
  EXPECT_EQ(left.load(), 3u);
  EXPECT_TRUE(mentions_get_logs(R"([{"method":"eth_getLogs"}])"));
  EXPECT_FALSE(mentions_get_logs(R"({"method":"eth_blockNumber"})"));
}

}  // namespace
}  // namespace givewatch::test
