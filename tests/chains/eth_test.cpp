#include "chains/eth.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <initializer_list>
#include <string>

namespace givewatch::chains::eth {
namespace {

namespace json = boost::json;

/// The message of a parse_quantity rejection, or "accepted".
std::string quantity_error(const json::value& v) {
  auto r = parse_quantity(v, "blockNumber");
  if (r) return "accepted";
  EXPECT_EQ(r.error().code, core::Errc::invalid_argument);
  return r.error().message;
}

TEST(ParseQuantity, AcceptsCanonicalAndZeroPaddedHex) {
  EXPECT_EQ(parse_quantity(json::value("0x0"), "n").value(), 0u);
  EXPECT_EQ(parse_quantity(json::value("0x1b4"), "n").value(), 436u);
  EXPECT_EQ(parse_quantity(json::value("0x1B4"), "n").value(), 436u);
  EXPECT_EQ(parse_quantity(json::value("0x00ff"), "n").value(), 255u);
  EXPECT_EQ(parse_quantity(json::value("0xffffffffffffffff"), "n").value(), UINT64_MAX);
  // Leading zeros do not count towards the 64 bits.
  EXPECT_EQ(parse_quantity(json::value("0x00000000000000000000001"), "n").value(), 1u);
  EXPECT_EQ(parse_quantity(json::value("0x0ffffffffffffffff"), "n").value(), UINT64_MAX);
}

TEST(ParseQuantity, RejectsWithTheFieldNamed) {
  EXPECT_EQ(quantity_error(json::value("0x")), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value("")), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value("1b4")), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value("0X1b4")), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value(436)), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value(nullptr)), "'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(quantity_error(json::value("0x1g")), "'blockNumber' has a character that is not hex");
  EXPECT_EQ(quantity_error(json::value("0x-1")), "'blockNumber' has a character that is not hex");
  EXPECT_EQ(quantity_error(json::value("0x 1")), "'blockNumber' has a character that is not hex");
  // 2^64 and beyond.
  EXPECT_EQ(quantity_error(json::value("0x10000000000000000")), "'blockNumber' does not fit in 64 bits");
  EXPECT_EQ(quantity_error(json::value("0xffffffffffffffff0")), "'blockNumber' does not fit in 64 bits");
}

TEST(Quantity, IsCanonicalAndRoundTrips) {
  EXPECT_EQ(quantity(0), "0x0");
  EXPECT_EQ(quantity(1), "0x1");
  EXPECT_EQ(quantity(436), "0x1b4");
  EXPECT_EQ(quantity(0x10), "0x10");
  EXPECT_EQ(quantity(UINT64_MAX), "0xffffffffffffffff");
  for (std::uint64_t n : std::initializer_list<std::uint64_t>{0, 1, 15, 16, 255, 256, 38'000'000, 1ull << 63,
                                                               UINT64_MAX - 1, UINT64_MAX}) {
    EXPECT_EQ(parse_quantity(json::value(quantity(n)), "n").value(), n) << n;
  }
}

// A log as BSC's eth_getLogs returns it (geth 1.14 adds blockTimestamp): 100 USDT from one EOA to
// another.
constexpr const char* kLog = R"({
  "address": "0x55d398326f99059ff775485246999027b3197955",
  "topics": [
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    "0x0000000000000000000000008894e0a0c962cb723c1976a4421c95949be2d4e3",
    "0x000000000000000000000000f0245f6251bef9447a08766b9da2b07b28ad80b0"
  ],
  "data": "0x0000000000000000000000000000000000000000000000056bc75e2d63100000",
  "blockNumber": "0x2b5e3a1",
  "transactionHash": "0x5c33fff8b0ab4d18f1894e2c2705c05c49fd2a87564b9e1e6a60049a8b00b824",
  "transactionIndex": "0x3",
  "blockHash": "0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315",
  "blockTimestamp": "0x66f1a2b3",
  "logIndex": "0x1f",
  "removed": false
})";

json::object log_object() { return json::parse(kLog).as_object(); }

/// The message of parse_logs on one log, or "accepted".
std::string log_error(const json::object& log) {
  auto r = parse_logs(json::array{log});
  if (r) return "accepted";
  EXPECT_EQ(r.error().code, core::Errc::invalid_argument);
  return r.error().message;
}

TEST(ParseLogs, ReadsEveryField) {
  auto logs = parse_logs(json::array{log_object()});
  ASSERT_TRUE(logs) << logs.error().message;
  ASSERT_EQ(logs->size(), 1u);
  const Log& log = logs->front();
  EXPECT_EQ(core::to_hex(log.address), "0x55d398326f99059ff775485246999027b3197955");
  ASSERT_EQ(log.topics.size(), 3u);
  EXPECT_EQ(core::to_hex(log.topics[0]), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  EXPECT_EQ(core::to_hex(log.topics[1]), "0x0000000000000000000000008894e0a0c962cb723c1976a4421c95949be2d4e3");
  EXPECT_EQ(core::to_hex(log.topics[2]), "0x000000000000000000000000f0245f6251bef9447a08766b9da2b07b28ad80b0");
  EXPECT_EQ(core::to_hex(log.data), "0x0000000000000000000000000000000000000000000000056bc75e2d63100000");
  EXPECT_EQ(log.block_number, 0x2b5e3a1u);
  EXPECT_EQ(core::to_hex(log.block_hash), "0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315");
  EXPECT_EQ(log.block_timestamp, 0x66f1a2b3u);
  EXPECT_EQ(core::to_hex(log.tx_hash), "0x5c33fff8b0ab4d18f1894e2c2705c05c49fd2a87564b9e1e6a60049a8b00b824");
  EXPECT_EQ(log.log_index, 31u);
  EXPECT_FALSE(log.removed);
}

TEST(ParseLogs, OptionalFieldsMayBeAbsentOrNull) {
  json::object log = log_object();
  log.erase("blockTimestamp");
  log.erase("removed");
  auto logs = parse_logs(json::array{log});
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(logs->front().block_timestamp, std::nullopt);
  EXPECT_FALSE(logs->front().removed);

  log["blockTimestamp"] = nullptr;
  log["removed"] = nullptr;
  logs = parse_logs(json::array{log});
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(logs->front().block_timestamp, std::nullopt);

  log["removed"] = true;
  log["topics"] = json::array{};
  log["data"] = "0x";
  logs = parse_logs(json::array{log});
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_TRUE(logs->front().removed);
  EXPECT_TRUE(logs->front().topics.empty());
  EXPECT_TRUE(logs->front().data.empty());
}

TEST(ParseLogs, AnEmptyAnswerIsNoLogs) {
  auto logs = parse_logs(json::array{});
  ASSERT_TRUE(logs);
  EXPECT_TRUE(logs->empty());
}

TEST(ParseLogs, RejectsEachMalformedField) {
  auto with = [](std::string_view field, json::value v) {
    json::object log = log_object();
    log[field] = std::move(v);
    return log;
  };
  auto without = [](std::string_view field) {
    json::object log = log_object();
    log.erase(field);
    return log;
  };
  EXPECT_EQ(log_error(with("address", "0x55d398326f99059ff775485246999027b31979")),
            "log 0 of eth_getLogs: 'address' is not 0x and 40 hex digits");
  EXPECT_EQ(log_error(with("address", "55d398326f99059ff775485246999027b3197955aa")),
            "log 0 of eth_getLogs: 'address' is not 0x and 40 hex digits");
  EXPECT_EQ(log_error(with("address", "0x55d398326f99059ff775485246999027b319795z")),
            "log 0 of eth_getLogs: 'address' has a character that is not hex");
  EXPECT_EQ(log_error(without("address")), "log 0 of eth_getLogs: 'address' is not 0x and 40 hex digits");
  EXPECT_EQ(log_error(with("topics", json::array{"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3e"})),
            "log 0 of eth_getLogs: 'topics' is not 0x and 64 hex digits");
  EXPECT_EQ(log_error(with("topics", json::array{"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3eg"})),
            "log 0 of eth_getLogs: 'topics' has a character that is not hex");
  EXPECT_EQ(log_error(with("topics", json::array{nullptr})), "log 0 of eth_getLogs: 'topics' is not 0x and 64 hex digits");
  EXPECT_EQ(log_error(with("topics", "0xddf2")), "log 0 of eth_getLogs: 'topics' is not an array");
  EXPECT_EQ(log_error(without("topics")), "log 0 of eth_getLogs: 'topics' is not an array");
  EXPECT_EQ(log_error(with("data", "0x123")), "log 0 of eth_getLogs: 'data' is not 0x-prefixed hex of whole bytes");
  EXPECT_EQ(log_error(with("data", "00")), "log 0 of eth_getLogs: 'data' is not 0x-prefixed hex of whole bytes");
  EXPECT_EQ(log_error(with("data", "0x0g")), "log 0 of eth_getLogs: 'data' has a character that is not hex");
  EXPECT_EQ(log_error(without("data")), "log 0 of eth_getLogs: 'data' is not 0x-prefixed hex of whole bytes");
  EXPECT_EQ(log_error(without("blockNumber")), "log 0 of eth_getLogs: 'blockNumber' is missing");
  EXPECT_EQ(log_error(with("blockNumber", nullptr)),
            "log 0 of eth_getLogs: 'blockNumber' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(log_error(with("blockHash", "0x09ec")), "log 0 of eth_getLogs: 'blockHash' is not 0x and 64 hex digits");
  EXPECT_EQ(log_error(without("transactionHash")),
            "log 0 of eth_getLogs: 'transactionHash' is not 0x and 64 hex digits");
  EXPECT_EQ(log_error(with("logIndex", "0xffffffff")), "accepted");
  EXPECT_EQ(log_error(with("logIndex", "0x100000000")), "log 0 of eth_getLogs: 'logIndex' is out of range");
  EXPECT_EQ(log_error(without("logIndex")), "log 0 of eth_getLogs: 'logIndex' is missing");
  EXPECT_EQ(log_error(with("blockTimestamp", 1727111859)),
            "log 0 of eth_getLogs: 'blockTimestamp' is not a 0x-prefixed hex quantity");
  EXPECT_EQ(log_error(with("removed", "false")), "log 0 of eth_getLogs: 'removed' is not a boolean");
  EXPECT_EQ(log_error(with("removed", 0)), "log 0 of eth_getLogs: 'removed' is not a boolean");
}

TEST(ParseLogs, NamesTheLogThatIsWrongAndRejectsTheWholeAnswer) {
  json::object bad = log_object();
  bad["logIndex"] = "0x100000000";
  auto r = parse_logs(json::array{log_object(), log_object(), bad});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "log 2 of eth_getLogs: 'logIndex' is out of range");

  r = parse_logs(json::array{log_object(), "0x1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "log 1 of eth_getLogs: a log is not an object");

  for (const json::value& v : {json::value(nullptr), json::value(json::object{}), json::value("[]")}) {
    r = parse_logs(v);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "eth_getLogs did not return an array");
  }
}

// A block as eth_getBlockByNumber(…, false) returns it, trimmed to the fields givewatch reads plus
// a few it ignores.
constexpr const char* kBlock = R"({
  "number": "0x2b5e3a1",
  "hash": "0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315",
  "parentHash": "0x7e5c4b4f1a0c2a1ef5b4f16c3cdf6ea5a3f56f1e1c7b3c2d1e0f9a8b7c6d5e4f",
  "timestamp": "0x66f1a2b3",
  "gasUsed": "0x1c9c380",
  "transactions": []
})";

TEST(ParseHeader, NullIsNoSuchBlock) {
  auto h = parse_header(json::value(nullptr));
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, std::nullopt);
}

TEST(ParseHeader, ReadsTheFieldsItNeeds) {
  auto h = parse_header(json::parse(kBlock));
  ASSERT_TRUE(h) << h.error().message;
  ASSERT_TRUE(*h);
  EXPECT_EQ((*h)->number, 0x2b5e3a1u);
  EXPECT_EQ(core::to_hex((*h)->hash), "0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315");
  EXPECT_EQ(core::to_hex((*h)->parent_hash), "0x7e5c4b4f1a0c2a1ef5b4f16c3cdf6ea5a3f56f1e1c7b3c2d1e0f9a8b7c6d5e4f");
  EXPECT_EQ((*h)->timestamp, 0x66f1a2b3u);
}

TEST(ParseHeader, SkipsUnknownFieldsOfEveryType) {
  json::object block = json::parse(kBlock).as_object();
  const json::value extra = json::parse(R"({
    "size": 1234, "gasLimit": -1, "difficulty": 123456789012345678901234567890, "ratio": 1.5e300,
    "final": true, "sealFields": null, "uncles": [[1, [2, [3]]], {"a": null}],
    "l1": {"blockNumber": 7, "nested": {"deeper": [{"x": [1, 2, {"y": false}]}]}}
  })");
  for (const auto& [key, value] : extra.as_object()) block[key] = value;
  auto h = parse_header(block);
  ASSERT_TRUE(h) << h.error().message;
  ASSERT_TRUE(*h);
  EXPECT_EQ((*h)->number, 0x2b5e3a1u);
  EXPECT_EQ((*h)->timestamp, 0x66f1a2b3u);
}

TEST(ParseHeader, RejectsMalformedBlocks) {
  auto error = [](json::value v) {
    auto h = parse_header(v);
    return h ? std::string("accepted") : h.error().message;
  };
  EXPECT_EQ(error("0x1"), "a block is not an object");
  json::object block = json::parse(kBlock).as_object();
  auto without = [&](std::string_view field) {
    json::object b = block;
    b.erase(field);
    return b;
  };
  EXPECT_EQ(error(without("number")), "'number' is missing");
  EXPECT_EQ(error(without("hash")), "'hash' is not 0x and 64 hex digits");
  EXPECT_EQ(error(without("parentHash")), "'parentHash' is not 0x and 64 hex digits");
  EXPECT_EQ(error(without("timestamp")), "'timestamp' is missing");
  json::object b = block;
  b["timestamp"] = "0x";
  EXPECT_EQ(error(b), "'timestamp' is not a 0x-prefixed hex quantity");
}

TEST(AddressTopic, IsTheAddressLeftPaddedTo32Bytes) {
  const auto address = core::parse_address("0xf0245f6251bef9447a08766b9da2b07b28ad80b0").value();
  EXPECT_EQ(core::to_hex(address_topic(address)),
            "0x000000000000000000000000f0245f6251bef9447a08766b9da2b07b28ad80b0");
  EXPECT_EQ(core::to_hex(address_topic(core::Address{})),
            "0x0000000000000000000000000000000000000000000000000000000000000000");
}

}  // namespace
}  // namespace givewatch::chains::eth
