#include "chains/logs_parser.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

namespace givewatch::chains {
namespace {

namespace json = boost::json;

const std::string kLog0 = R"({"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266","0x000000000000000000000000db66a5aab43be0b2eb3c470833f6c5f945f7d377"],"data":"0x00000000000000000000000000000000000000000000000000000000000f4240","blockNumber":"0x1b4","blockHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","blockTimestamp":"0x6553f100","transactionHash":"0xe6e6a67eaf8c6e1a1a4d1e5e0e4aee6a3d5c5b2e1f0a9b8c7d6e5f4a3b2c1d0e","transactionIndex":"0x0","logIndex":"0x2","removed":false})";
const std::string kLog1 = R"({"removed":false,"logIndex":"0x0","transactionIndex":"0x1","transactionHash":"0x00000000000000000000000000000000000000000000000000000000000000aa","blockHash":"0x00000000000000000000000000000000000000000000000000000000000000bb","blockNumber":"0x1b5","data":"0x","topics":[],"address":"0x0000000000000000000000000000000000000001"})";

std::string answer(const std::string& result, std::uint64_t id = 7) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)" + result + "}";
}

std::string error_of(const std::string& body, std::uint64_t id = 7) {
  auto r = parse_logs_answer(body, id);
  return r ? "(parsed)" : r.error().message;
}

TEST(LogsParser, ReadsEveryFieldOfEachLog) {
  auto r = parse_logs_answer(answer("[" + kLog0 + "," + kLog1 + "]"), 7);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->logs.size(), 2u);
  const auto& a = r->logs[0];
  EXPECT_EQ(core::to_hex(a.address), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
  ASSERT_EQ(a.topics.size(), 3u);
  EXPECT_EQ(core::to_hex(a.topics[2]), "0x000000000000000000000000db66a5aab43be0b2eb3c470833f6c5f945f7d377");
  EXPECT_EQ(core::to_hex(a.data), "0x00000000000000000000000000000000000000000000000000000000000f4240");
  EXPECT_EQ(a.block_number, 436u);
  EXPECT_EQ(core::to_hex(a.block_hash), "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b");
  EXPECT_EQ(a.block_timestamp, 0x6553f100u);
  EXPECT_EQ(core::to_hex(a.tx_hash), "0xe6e6a67eaf8c6e1a1a4d1e5e0e4aee6a3d5c5b2e1f0a9b8c7d6e5f4a3b2c1d0e");
  EXPECT_EQ(a.log_index, 2u);
  EXPECT_FALSE(a.removed);
  const auto& b = r->logs[1];
  EXPECT_TRUE(b.topics.empty());
  EXPECT_TRUE(b.data.empty());
  EXPECT_FALSE(b.block_timestamp);
  EXPECT_EQ(b.block_number, 437u);
}

TEST(LogsParser, AgreesWithTheDocumentParserOnManyLogs) {
  std::mt19937_64 rng(5);
  auto hex = [&](std::size_t bytes) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s = "0x";
    for (std::size_t i = 0; i < 2 * bytes; ++i) s.push_back(d[rng() % 16]);
    return s;
  };
  json::array logs;
  for (int i = 0; i < 500; ++i) {
    json::array topics;
    for (std::uint64_t t = 0; t < rng() % 5; ++t) topics.emplace_back(hex(32));
    json::object log{{"address", hex(20)},
                     {"topics", std::move(topics)},
                     {"data", hex(rng() % 70)},
                     {"blockNumber", eth::quantity(rng() % 100000000)},
                     {"blockHash", hex(32)},
                     {"transactionHash", hex(32)},
                     {"logIndex", eth::quantity(rng() % 5000)},
                     {"removed", rng() % 2 == 0}};
    if (i % 3) log["blockTimestamp"] = eth::quantity(rng() % 2000000000);
    logs.push_back(std::move(log));
  }
  const json::value result(logs);
  auto expected = eth::parse_logs(result);
  ASSERT_TRUE(expected) << expected.error().message;
  auto streamed = parse_logs_answer(answer(json::serialize(result), 99), 99);
  ASSERT_TRUE(streamed) << streamed.error().message;
  ASSERT_EQ(streamed->logs.size(), expected->size());
  for (std::size_t i = 0; i < expected->size(); ++i) {
    const auto& x = (*expected)[i];
    const auto& y = streamed->logs[i];
    EXPECT_TRUE(x.address == y.address && x.topics == y.topics && x.data == y.data &&
                x.block_number == y.block_number && x.block_hash == y.block_hash && x.tx_hash == y.tx_hash &&
                x.log_index == y.log_index && x.block_timestamp == y.block_timestamp && x.removed == y.removed)
        << "log " << i;
  }
}

TEST(LogsParser, AnEmptyResultHasNoLogs) {
  auto r = parse_logs_answer(answer("[]"), 7);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->logs.empty());
  EXPECT_FALSE(r->error_code);
}

TEST(LogsParser, AnErrorObjectIsReturnedAsIs) {
  auto r = parse_logs_answer(
      R"({"jsonrpc":"2.0","id":7,"error":{"code":-32005,"message":"query returned more than 10000 results","data":{"from":"0x1"}}})",
      7);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error_code, -32005);
  EXPECT_EQ(r->error_message, "query returned more than 10000 results");
}

TEST(LogsParser, AnythingElseIsAnErrorThatSaysWhat) {
  EXPECT_EQ(error_of(answer("[]", 8)), "the answer carries another request id");
  EXPECT_EQ(error_of(R"({"jsonrpc":"2.0","id":7})"), "the answer has neither result nor error");
  EXPECT_EQ(error_of(answer("null")), "the result is null");
  EXPECT_EQ(error_of("[" + answer("[]") + "]"), "the answer is an array, not one JSON-RPC answer");
  EXPECT_EQ(error_of(R"(<html>502 Bad Gateway</html>)").rfind("the answer is not JSON (", 0), 0u);
  EXPECT_EQ(error_of(answer("[" + kLog0)).rfind("the answer is not JSON (", 0), 0u);  // truncated
  EXPECT_EQ(error_of(answer(R"(["0x1"])")), "the result holds a string, not a log object");
  EXPECT_EQ(error_of(answer("[[]]")), "the result holds an array, not a log object");

  auto with = [&](const std::string& from, const std::string& to) {
    std::string log = kLog0;
    const auto at = log.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    log.replace(at, from.size(), to);
    return error_of(answer("[" + kLog1 + "," + log + "]"));
  };
  EXPECT_EQ(with(R"("address":"0x5fbdb2315678afecb367f032d93f642f64180aa3")", R"("address":"0x5fbd")"),
            "log 1: 'address' is not 0x and 40 hex digits");
  EXPECT_EQ(with(R"("blockNumber":"0x1b4")", R"("blockNumber":436)"),
            "log 1: 'blockNumber' is a JSON number; quantities are 0x-prefixed hex strings");
  EXPECT_EQ(with(R"("blockNumber":"0x1b4")", R"("blockNumber":"0x1g4")"),
            "log 1: 'blockNumber' is not a 0x-prefixed hex quantity of at most 64 bits");
  EXPECT_EQ(with(R"("logIndex":"0x2")", R"("logIndex":"0x100000000")"), "log 1: 'logIndex' is out of range");
  EXPECT_EQ(with(R"("logIndex":"0x2",)", ""), "log 1: 'logIndex' is missing");
  EXPECT_EQ(with(R"("data":"0x00000000000000000000000000000000000000000000000000000000000f4240")", R"("data":"0x0")"),
            "log 1: 'data' is not 0x-prefixed hex of whole bytes");
  EXPECT_EQ(with(R"("removed":false)", R"("removed":"no")"), "log 1: 'removed' is not a boolean");
  EXPECT_EQ(with(R"(["0xddf252ad)", R"([7,"0xddf252ad)"), "log 1: a topic is a number");
  EXPECT_EQ(with(R"("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")", R"("0xddf2")"),
            "log 1: a topic is not 0x and 64 hex digits");
}

// Providers add fields of their own (L2 fields, indexes, nested metadata): skipped whatever they hold.
TEST(LogsParser, SkipsUnknownFieldsOfEveryType) {
  const std::string extra =
      R"("chainId":56,"neg":-1,"big":123456789012345678901234567890,"frac":1.5e3,"flag":true,"none":null,)"
      R"("meta":{"a":[1,{"b":2,"c":[[3],{"d":null}]}],"removed":7,"topics":{}},"list":[[1,2],{"x":3},"s",false],)";
  auto r = parse_logs_answer(R"({"jsonrpc":"2.0","id":7,"extra":5,"info":{"n":[1,{"m":2}]},"result":[{)" +
                                 extra + kLog0.substr(1) + "," + kLog1.substr(0, kLog1.size() - 1) + "," +
                                 extra.substr(0, extra.size() - 1) + "}]}",
                             7);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->logs.size(), 2u);
  const auto expected = parse_logs_answer(answer("[" + kLog0 + "," + kLog1 + "]"), 7).value();
  for (std::size_t i = 0; i < 2; ++i) {
    const auto &a = r->logs[i], &b = expected.logs[i];
    EXPECT_EQ(a.address, b.address);
    EXPECT_EQ(a.topics, b.topics);
    EXPECT_EQ(a.data, b.data);
    EXPECT_EQ(a.block_number, b.block_number);
    EXPECT_EQ(a.block_hash, b.block_hash);
    EXPECT_EQ(a.block_timestamp, b.block_timestamp);
    EXPECT_EQ(a.tx_hash, b.tx_hash);
    EXPECT_EQ(a.log_index, b.log_index);
    EXPECT_EQ(a.removed, b.removed);
  }
}

TEST(LogsParser, ALogFieldHoldingAnObjectOrArrayIsAnError) {
  auto with = [&](const std::string& from, const std::string& to) {
    std::string log = kLog0;
    log.replace(log.find(from), from.size(), to);
    return error_of(answer("[" + log + "]"));
  };
  EXPECT_EQ(with(R"("removed":false)", R"("removed":{"value":true})"), "log 0: 'removed' is an object");
  EXPECT_EQ(with(R"("removed":false)", R"("removed":[true])"), "log 0: 'removed' is an array");
  EXPECT_EQ(with(R"("blockTimestamp":"0x6553f100")", R"("blockTimestamp":["0x6553f100"])"),
            "log 0: 'blockTimestamp' is an array");
  EXPECT_EQ(with(R"("address":"0x5fbdb2315678afecb367f032d93f642f64180aa3")", R"("address":{})"),
            "log 0: 'address' is an object");
  EXPECT_EQ(with(R"("topics":[)", R"("topics":{"0":[)"), "log 0: 'topics' is an object");
  EXPECT_EQ(with(R"(["0xddf252ad)", R"([{"t":1},"0xddf252ad)"), "log 0: a topic is an object");
  EXPECT_EQ(with(R"(["0xddf252ad)", R"([[],"0xddf252ad)"), "log 0: a topic is an array");
}

}  // namespace
}  // namespace givewatch::chains
