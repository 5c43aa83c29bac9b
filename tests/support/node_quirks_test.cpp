#include "tests/support/node_quirks.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

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

}  // namespace
}  // namespace givewatch::test
