#include "tests/support/fault_proxy.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/hostile_answers.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <openssl/ssl.h>
#include <unistd.h>

namespace givewatch::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr auto as_result = net::as_tuple(net::use_awaitable);

std::string hex(std::uint64_t n) {
  char buf[17];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, n, 16);
  (void)ec;
  return "0x" + std::string(buf, p);
}

std::uint64_t unhex(std::string_view s) {
  std::uint64_t v = 0;
  std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  return v;
}

/// A stand-in EVM node on 127.0.0.1 with canned answers to eth_chainId, eth_blockNumber and
/// eth_getLogs (one log per block, at most 20,000). Its answers use non-canonical spacing, so a
/// body that the proxy re-serialized differs from one it passed through.
class FakeNode {
 public:
  FakeNode() {
    tcp::endpoint endpoint{net::ip::make_address_v4("127.0.0.1"), 0};
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    net::co_spawn(io_, accept_loop(), [](std::exception_ptr) {});
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeNode() {
    io_.stop();
    thread_.join();
  }
  FakeNode(const FakeNode&) = delete;
  FakeNode& operator=(const FakeNode&) = delete;

  std::uint16_t port() const { return port_; }
  /// The block number eth_blockNumber answers and the tags resolve to.
  std::atomic<std::uint64_t> head{0x1000};
  /// Answer batches in reverse order, as the JSON-RPC spec allows.
  std::atomic<bool> reverse_batches{false};

  /// Every request body received, in order.
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Every response body sent, in order.
  std::vector<std::string> responses() const {
    std::lock_guard lock(mutex_);
    return responses_;
  }
  /// How many TCP connections were accepted.
  int connections() const { return connections_.load(); }

 private:
  static std::string log_at(std::uint64_t block, std::uint64_t i) {
    const std::string h = hex(block);
    return R"({"address": "0xdac17f958d2ee523a2206206994597c13d831ec7", "topics": [)"
           R"("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", )"
           R"("0x000000000000000000000000a9d1e08c7793af67e9d92fe308d5697fb81d3e43", )"
           R"("0x000000000000000000000000f0245f6251bef9447a08766b9da2b07b28ad80b0"], )"
           R"("data": "0x0000000000000000000000000000000000000000000000000000000005f5e100", )"
           R"("blockNumber": ")" +
           h +
           R"(", "transactionHash": "0x5c33fff8b0ab4d18f1894e2c2705c05c49fd2a87564b9e1e6a60049a8b00b824", )"
           R"("transactionIndex": "0x3", "blockHash": "0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315", )"
           R"("logIndex": ")" +
           hex(i) + R"(", "removed": false})";
  }

  std::uint64_t block(const json::value* v) const {
    if (v == nullptr || !v->is_string()) return head.load();
    std::string_view s = v->get_string();
    if (s == "earliest") return 0;
    if (s.starts_with("0x")) return unhex(s);
    return head.load();
  }

  std::string answer(const json::value& call) const {
    if (!call.is_object())
      return R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "invalid request"}})";
    const json::object& c = call.get_object();
    const std::string id = c.contains("id") ? json::serialize(c.at("id")) : "null";
    const std::string method =
        c.contains("method") && c.at("method").is_string() ? std::string(c.at("method").get_string()) : "";
    auto result = [&](const std::string& r) {
      return R"({"jsonrpc": "2.0", "id": )" + id + R"(, "result": )" + r + "}";
    };
    if (method == "eth_chainId") return result(R"("0x1")");
    if (method == "eth_blockNumber") return result('"' + hex(head.load()) + '"');
    if (method == "eth_getLogs") {
      const json::object& f = c.at("params").get_array().at(0).get_object();
      std::uint64_t from = block(f.if_contains("fromBlock"));
      std::uint64_t to = block(f.if_contains("toBlock"));
      if (f.contains("blockHash")) from = to = 7;
      std::string logs = "[";
      for (std::uint64_t b = from, i = 0; b <= to && i < 20000; ++b, ++i) {
        if (i > 0) logs += ", ";
        logs += log_at(b, i);
      }
      return result(logs + "]");
    }
    return R"({"jsonrpc": "2.0", "id": )" + id + R"(, "error": {"code": -32601, "message": "the method )" +
           method + R"( does not exist/is not available"}})";
  }

  std::string answer_body(const std::string& body) const {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "parse error"}})";
    if (!v.is_array()) return answer(v);
    std::vector<std::string> parts;
    for (const json::value& call : v.get_array()) parts.push_back(answer(call));
    if (reverse_batches) std::reverse(parts.begin(), parts.end());
    std::string out = "[";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? ", " : "") + parts[i];
    return out + "]";
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(as_result);
      if (ec) co_return;
      ++connections_;
      net::co_spawn(io_, session(std::move(socket)), [](std::exception_ptr) {});
    }
  }

  net::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      stream.expires_after(30s);
      auto [ec, n] = co_await http::async_read(stream, buffer, req, as_result);
      if (ec) break;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.set("X-Node", "fake");
      res.body() = answer_body(req.body());
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(req.body());
        responses_.push_back(res.body());
      }
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, as_result);
      if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  net::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::vector<std::string> responses_;
  std::atomic<int> connections_{0};
};

/// One HTTP exchange as the client saw it; on an error, `msg` holds what arrived before it.
struct Reply {
  beast::error_code ec;
  http::response<http::string_body> msg;
  std::chrono::steady_clock::duration elapsed{};

  json::value json() const { return json::parse(msg.body()); }
};

/// A blocking HTTP/1.1 client that keeps its connection alive and opens a new one after a failure.
class Client {
 public:
  explicit Client(std::uint16_t port) : port_(port) {}

  Reply post(const std::string& body, std::uint64_t body_limit = 256ull << 20) {
    const auto start = std::chrono::steady_clock::now();
    Reply reply;
    if (!stream_) {
      stream_.emplace(io_);
      ++connects_;
      stream_->expires_after(10s);
      stream_->async_connect(tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), port_},
                             [&](beast::error_code ec) { reply.ec = ec; });
      run();
      if (reply.ec) {
        stream_.reset();
        return reply;
      }
    }
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    stream_->expires_after(10s);
    http::async_write(*stream_, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        reply.ec = ec;
        return;
      }
      http::async_read(*stream_, buffer_, parser,
                       [&](beast::error_code rec, std::size_t) { reply.ec = rec; });
    });
    run();
    reply.msg = parser.release();
    reply.elapsed = std::chrono::steady_clock::now() - start;
    if (reply.ec || !reply.msg.keep_alive()) {
      stream_.reset();
      buffer_.clear();
    }
    return reply;
  }

  /// How many connections this client opened.
  int connects() const { return connects_; }
  /// Whether the last exchange left a connection to reuse.
  bool connected() const { return stream_.has_value(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }

  net::io_context io_;
  std::uint16_t port_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  int connects_ = 0;
};

std::string call(const std::string& id, const std::string& method, const std::string& params = "[]") {
  return R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method + R"(","params":)" + params + "}";
}

std::string get_logs(const std::string& id, const std::string& from, const std::string& to) {
  return call(id, "eth_getLogs",
              R"([{"fromBlock":")" + from + R"(","toBlock":")" + to +
                  R"(","address":"0xdac17f958d2ee523a2206206994597c13d831ec7"}])");
}

json::value error_of(std::int64_t id, std::int64_t code, const std::string& message) {
  return json::value{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

std::size_t count_logs(const json::value& answer) {
  return answer.at("result").as_array().size();
}

class FaultProxyTest : public ::testing::Test {
 protected:
  FakeNode node;
  FaultProxy proxy{"127.0.0.1", node.port()};
  Client client{proxy.port()};
};

TEST_F(FaultProxyTest, ListensOnLoopbackAndNamesItsUrl) {
  EXPECT_NE(proxy.port(), 0);
  EXPECT_EQ(proxy.url(), "http://127.0.0.1:" + std::to_string(proxy.port()));
}

TEST_F(FaultProxyTest, PassesRequestAndAnswerThroughByteForByte) {
  const std::string body = call("7", "eth_blockNumber");
  Reply r = client.post(body);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.result(), http::status::ok);
  ASSERT_EQ(node.requests().size(), 1u);
  EXPECT_EQ(node.requests()[0], body);
  EXPECT_EQ(r.msg.body(), node.responses()[0]);
  EXPECT_EQ(r.msg.body(), R"({"jsonrpc": "2.0", "id": 7, "result": "0x1000"})");
  EXPECT_EQ(r.msg["X-Node"], "fake");
  EXPECT_EQ(r.msg[http::field::content_type], "application/json");
}

TEST_F(FaultProxyTest, KeepsConnectionsAliveOnBothSides) {
  for (int i = 0; i < 3; ++i) {
    Reply r = client.post(call(std::to_string(i), "eth_chainId"));
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_TRUE(r.msg.keep_alive());
  }
  EXPECT_EQ(client.connects(), 1);
  EXPECT_EQ(node.connections(), 1);
  EXPECT_EQ(proxy.stats().forwarded, 3u);
}

TEST_F(FaultProxyTest, ForwardsMalformedJsonAsIs) {
  proxy.set_faults(Faults{.max_logs_range = 10, .chain_id_override = 5});
  Reply r = client.post("{\"jsonrpc\":\"2.0\",\"method\":");
  ASSERT_FALSE(r.ec) << r.ec.message();
  ASSERT_EQ(node.requests().size(), 1u);
  EXPECT_EQ(node.requests()[0], "{\"jsonrpc\":\"2.0\",\"method\":");
  EXPECT_EQ(r.msg.body(),
            R"({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "parse error"}})");

  r = client.post("[]");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(node.requests().back(), "[]");
  r = client.post("\"just a string\"");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(node.requests().back(), "\"just a string\"");
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(FaultProxyTest, LargeAnswersPassThrough) {
  Reply r = client.post(get_logs("1", "0x0", hex(14'999)));  // 15,000 logs, over Beast's default 8 MB limit
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_GT(r.msg.body().size(), 8u << 20);
  EXPECT_EQ(r.msg.body(), node.responses().back());
}

struct StyleCase {
  RangeErrorStyle style;
  std::int64_t code;
  std::string message;
};

class RangeErrorStyleTest : public FaultProxyTest, public ::testing::WithParamInterface<StyleCase> {};

TEST_P(RangeErrorStyleTest, AnswersATooWideRangeWithTheProvidersText) {
  const StyleCase& c = GetParam();
  proxy.set_faults(Faults{.max_logs_range = 10'000, .range_error_style = c.style});
  // 0x100 .. 0x4f20 is 20,001 blocks.
  Reply r = client.post(get_logs("42", "0x100", "0x4f20"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.result(), http::status::ok);
  EXPECT_EQ(r.msg[http::field::content_type], "application/json");
  EXPECT_EQ(r.json(), error_of(42, c.code, c.message));
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().range_errors, 1u);

  // Exactly the limit: forwarded.
  r = client.post(get_logs("43", "0x100", hex(0x100 + 9'999)));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.body(), node.responses().back());
  EXPECT_EQ(count_logs(r.json()), 10'000u);
  // One past the limit: rejected.
  r = client.post(get_logs("44", "0x100", hex(0x100 + 10'000)));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), c.code);
  EXPECT_EQ(node.requests().size(), 1u);
  EXPECT_EQ(proxy.stats().range_errors, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    AllStyles, RangeErrorStyleTest,
    ::testing::Values(
        StyleCase{
            RangeErrorStyle::alchemy, -32602,
            "Log response size exceeded. You can make eth_getLogs requests with up to a 10000 block range "
            "and "
            "no limit on the response size, or you can request any block range with a cap of 10K logs in the "
            "response."},
        StyleCase{RangeErrorStyle::alchemy_suggested, -32600,
                  "You can make eth_getLogs requests with up to a 10000 block range. Based on your "
                  "parameters, this "
                  "block range should work: [0x100, 0x280f]"},
        StyleCase{RangeErrorStyle::quicknode, -32614, "eth_getLogs is limited to a 10,000 range"},
        StyleCase{RangeErrorStyle::too_wide, -32000, "block range is too wide (maximum 10000)"},
        StyleCase{
            RangeErrorStyle::aurora, -32000,
            "Your request exceeded the maximum block range. You can make eth_getLogs requests with up to a "
            "10000 block range."},
        StyleCase{RangeErrorStyle::range_exceeds_limit, -32602, "range 20001 exceeds limit of 10000"},
        StyleCase{RangeErrorStyle::exceed_maximum, -32000, "exceed maximum block range: 10000"},
        StyleCase{
            RangeErrorStyle::larger_than_max, -32000,
            "block range is larger than max block range, block range = 20001, max block range = 10000"}),
    [](const ::testing::TestParamInfo<StyleCase>& param_info) {
      switch (param_info.param.style) {
        case RangeErrorStyle::alchemy:
          return std::string("alchemy");
        case RangeErrorStyle::alchemy_suggested:
          return std::string("alchemy_suggested");
        case RangeErrorStyle::quicknode:
          return std::string("quicknode");
        case RangeErrorStyle::too_wide:
          return std::string("too_wide");
        case RangeErrorStyle::aurora:
          return std::string("aurora");
        case RangeErrorStyle::range_exceeds_limit:
          return std::string("range_exceeds_limit");
        case RangeErrorStyle::exceed_maximum:
          return std::string("exceed_maximum");
        case RangeErrorStyle::larger_than_max:
          return std::string("larger_than_max");
      }
      return std::string("unknown");
    });

TEST_F(FaultProxyTest, QuickNodeTextGroupsThousands) {
  proxy.set_faults(Faults{.max_logs_range = 1'234'567, .range_error_style = RangeErrorStyle::quicknode});
  Reply r = client.post(get_logs("1", "0x0", hex(2'000'000)));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.json(), error_of(1, -32614, "eth_getLogs is limited to a 1,234,567 range"));
  proxy.set_faults(Faults{.max_logs_range = 500, .range_error_style = RangeErrorStyle::quicknode});
  r = client.post(get_logs("2", "0x0", hex(2'000)));
  EXPECT_EQ(r.json(), error_of(2, -32614, "eth_getLogs is limited to a 500 range"));
}

TEST_F(FaultProxyTest, BlockTagsResolveAgainstTheNodesHead) {
  node.head = 0x1000;
  proxy.set_faults(Faults{.max_logs_range = 100, .range_error_style = RangeErrorStyle::range_exceeds_limit});
  // 0 .. 4096
  Reply r = client.post(get_logs("1", "0x0", "latest"));
  EXPECT_EQ(r.json(), error_of(1, -32602, "range 4097 exceeds limit of 100"));
  // "earliest" is block 0: 0 .. 100 is 101 blocks.
  r = client.post(get_logs("2", "earliest", "0x64"));
  EXPECT_EQ(r.json(), error_of(2, -32602, "range 101 exceeds limit of 100"));
  EXPECT_EQ(proxy.stats().range_errors, 2u);

  // 4000 .. 4096 and "finalized" .. "latest" are within the limit.
  r = client.post(get_logs("3", hex(4000), "latest"));
  EXPECT_EQ(count_logs(r.json()), 97u);
  r = client.post(get_logs("4", "finalized", "latest"));
  EXPECT_EQ(count_logs(r.json()), 1u);
  // No fromBlock/toBlock means latest .. latest; blockHash means one block.
  r = client.post(call("5", "eth_getLogs", R"([{"address":"0xdac17f958d2ee523a2206206994597c13d831ec7"}])"));
  EXPECT_EQ(count_logs(r.json()), 1u);
  r = client.post(
      call("6", "eth_getLogs",
           R"([{"blockHash":"0x09ec018fd714d4ce3f7b19cdd08f95407cff31d66a3378ef2787298d69963315"}])"));
  EXPECT_EQ(count_logs(r.json()), 1u);
  EXPECT_EQ(proxy.stats().range_errors, 2u);

  // The head was asked for each request with a tag (1, 3, 4, 5), not for numbers or blockHash.
  int head_lookups = 0;
  for (const std::string& body : node.requests()) {
    head_lookups += body.find("givewatch-fault-proxy-head") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(head_lookups, 4);
  EXPECT_EQ(proxy.stats().forwarded, 4u);
}

TEST_F(FaultProxyTest, InvalidFiltersAreLeftToTheNode) {
  proxy.set_faults(Faults{.max_logs_range = 10});
  // toBlock before fromBlock: the node's to judge, here it answers an empty list.
  Reply r = client.post(get_logs("1", "0x100", "0x10"));
  EXPECT_EQ(count_logs(r.json()), 0u);
  EXPECT_EQ(proxy.stats().range_errors, 0u);
  EXPECT_EQ(node.requests().size(), 1u);
}

TEST_F(FaultProxyTest, BatchGetsAVerdictPerCallInRequestOrder) {
  node.reverse_batches = true;
  proxy.set_faults(Faults{
      .max_logs_range = 100, .range_error_style = RangeErrorStyle::too_wide, .chain_id_override = 137});
  const std::string batch = "[" + call("1", "eth_chainId") + "," + get_logs(R"("a")", "0x0", "0x1000") + "," +
                            get_logs("3", "0x10", "0x12") + "," + call("4", "eth_blockNumber") + "," +
                            get_logs("5", "0x0", "0x64") + "]";
  Reply r = client.post(batch);
  ASSERT_FALSE(r.ec) << r.ec.message();
  json::array answers = r.json().as_array();
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0], (json::value{{"jsonrpc", "2.0"}, {"id", 1}, {"result", "0x89"}}));
  EXPECT_EQ(
      answers[1],
      (json::value{{"jsonrpc", "2.0"},
                   {"id", "a"},
                   {"error", {{"code", -32000}, {"message", "block range is too wide (maximum 100)"}}}}));
  EXPECT_EQ(answers[2].at("id"), 3);
  EXPECT_EQ(count_logs(answers[2]), 3u);
  EXPECT_EQ(answers[3].at("id"), 4);
  EXPECT_EQ(answers[3].at("result"), "0x1000");
  EXPECT_EQ(answers[4].at("id"), 5);
  EXPECT_EQ(answers[4].at("error").at("message"), "block range is too wide (maximum 100)");

  // The node got one batch with the two calls that passed, in their order.
  ASSERT_EQ(node.requests().size(), 1u);
  json::array sent = json::parse(node.requests()[0]).as_array();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("id"), 3);
  EXPECT_EQ(sent[1].at("id"), 4);
  EXPECT_EQ(proxy.stats().range_errors, 2u);
  EXPECT_EQ(proxy.stats().forwarded, 1u);
  EXPECT_EQ(proxy.stats().logs_forwarded, 1u);
}

TEST_F(FaultProxyTest, BatchWithinLimitsPassesThroughByteForByte) {
  proxy.set_faults(Faults{.max_logs_range = 100});
  const std::string batch = "[" + get_logs("1", "0x0", "0x9") + "," + call("2", "eth_chainId") + "]";
  Reply r = client.post(batch);
  ASSERT_FALSE(r.ec) << r.ec.message();
  ASSERT_EQ(node.requests().size(), 1u);
  EXPECT_EQ(node.requests()[0], batch);
  EXPECT_EQ(r.msg.body(), node.responses()[0]);
}

TEST_F(FaultProxyTest, BatchAnsweredLocallyNeverReachesTheNode) {
  proxy.set_faults(Faults{.max_logs_range = 5, .chain_id_override = 10});
  const std::string batch = "[" + get_logs("1", "0x0", "0x9") + "," + call("2", "eth_chainId") + "]";
  Reply r = client.post(batch);
  ASSERT_FALSE(r.ec) << r.ec.message();
  json::array answers = r.json().as_array();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].at("error").at("code"), -32602);
  EXPECT_EQ(answers[1].at("result"), "0xa");
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().forwarded, 0u);
}

TEST_F(FaultProxyTest, TooManyResultsIsRejectedAfterTheNodeAnswers) {
  proxy.set_faults(Faults{.max_logs_results = 5});
  Reply r = client.post(get_logs("1", "0x0", "0x4"));
  EXPECT_EQ(count_logs(r.json()), 5u);
  EXPECT_EQ(r.msg.body(), node.responses().back());
  r = client.post(get_logs("2", "0x0", "0x5"));
  EXPECT_EQ(r.json(), error_of(2, -32005, "query returned more than 5 results"));

  const std::string batch = "[" + get_logs("3", "0x0", "0x1") + "," + get_logs("4", "0x0", "0x9") + "," +
                            call("5", "eth_chainId") + "]";
  r = client.post(batch);
  json::array answers = r.json().as_array();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(count_logs(answers[0]), 2u);
  EXPECT_EQ(answers[1], error_of(4, -32005, "query returned more than 5 results"));
  EXPECT_EQ(answers[2].at("result"), "0x1");
  EXPECT_EQ(node.requests().size(), 3u);
  EXPECT_EQ(proxy.stats().results_errors, 2u);
}

TEST_F(FaultProxyTest, TheInfuraTextForTenThousandResults) {
  proxy.set_faults(Faults{.max_logs_results = 10'000});
  Reply r = client.post(get_logs("9", "0x0", hex(10'000)));
  EXPECT_EQ(r.json(), error_of(9, -32005, "query returned more than 10000 results"));
}

TEST_F(FaultProxyTest, Status429CarriesRetryAfter) {
  proxy.set_faults(Faults{.status_429_probability = 1, .retry_after_seconds = 7});
  for (int i = 0; i < 2; ++i) {
    Reply r = client.post(call("1", "eth_blockNumber"));
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.msg.result(), http::status::too_many_requests);
    EXPECT_EQ(r.msg[http::field::retry_after], "7");
    EXPECT_TRUE(r.msg.keep_alive());
  }
  EXPECT_EQ(client.connects(), 1);
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().status_429, 2u);
}

TEST_F(FaultProxyTest, Status5xxIs502Or503WithAnHtmlBody) {
  proxy.set_faults(Faults{.status_5xx_probability = 1});
  bool saw_502 = false, saw_503 = false;
  for (int i = 0; i < 16; ++i) {
    Reply r = client.post(call("1", "eth_blockNumber"));
    ASSERT_FALSE(r.ec) << r.ec.message();
    saw_502 = saw_502 || r.msg.result() == http::status::bad_gateway;
    saw_503 = saw_503 || r.msg.result() == http::status::service_unavailable;
    EXPECT_TRUE(r.msg.result() == http::status::bad_gateway ||
                r.msg.result() == http::status::service_unavailable);
    EXPECT_EQ(r.msg[http::field::content_type], "text/html");
    EXPECT_NE(r.msg.body().find("<html>"), std::string::npos);
  }
  EXPECT_TRUE(saw_502);
  EXPECT_TRUE(saw_503);
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().status_5xx, 16u);
}

TEST_F(FaultProxyTest, TruncationSendsHalfTheBodyThenCloses) {
  proxy.set_faults(Faults{.truncate_probability = 1});
  Reply r = client.post(get_logs("1", "0x0", "0x9"));
  EXPECT_EQ(r.ec, http::error::partial_message);
  const std::string full = node.responses().back();
  EXPECT_EQ(r.msg[http::field::content_length], std::to_string(full.size()));
  EXPECT_EQ(r.msg.body(), full.substr(0, full.size() / 2));
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(proxy.stats().truncated, 1u);

  proxy.set_faults(Faults{});
  r = client.post(call("2", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(client.connects(), 2);
}

TEST_F(FaultProxyTest, GarbageIs200WithABodyThatIsNotJson) {
  proxy.set_faults(Faults{.garbage_probability = 1});
  Reply r = client.post(call("1", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.result(), http::status::ok);
  boost::system::error_code ec;
  std::ignore = json::parse(r.msg.body(), ec);
  EXPECT_TRUE(ec);
  EXPECT_FALSE(r.msg.body().empty());
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(proxy.stats().garbage, 1u);
}

TEST_F(FaultProxyTest, DropClosesTheConnectionWithoutAnAnswer) {
  proxy.set_faults(Faults{.drop_probability = 1});
  Reply r = client.post(call("1", "eth_chainId"));
  EXPECT_TRUE(r.ec == http::error::end_of_stream || r.ec == net::error::connection_reset) << r.ec.message();
  EXPECT_FALSE(client.connected());
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().dropped, 1u);

  proxy.set_faults(Faults{});
  r = client.post(call("2", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(client.connects(), 2);
}

TEST_F(FaultProxyTest, ChainIdOverrideIsAnsweredLocally) {
  proxy.set_faults(Faults{.chain_id_override = 56});
  Reply r = client.post(call(R"("x")", "eth_chainId"));
  EXPECT_EQ(r.json(), (json::value{{"jsonrpc", "2.0"}, {"id", "x"}, {"result", "0x38"}}));
  EXPECT_TRUE(node.requests().empty());
  r = client.post(call("2", "eth_blockNumber"));
  EXPECT_EQ(r.json().at("result"), "0x1000");
}

TEST_F(FaultProxyTest, HeadLagMakesTheNodeSeemBehind) {
  proxy.set_faults(Faults{.head_lag = 0x10});  // the node's head is 0x1000
  Reply r = client.post(call("1", "eth_blockNumber"));
  EXPECT_EQ(r.json().at("result"), "0xff0");
  r = client.post(call("2", "eth_getBlockByNumber", R"(["0xff1",false])"));
  EXPECT_EQ(r.json(), (json::value{{"jsonrpc", "2.0"}, {"id", 2}, {"result", nullptr}}));
  r = client.post(get_logs("3", "0xfe0", "0xff1"));
  EXPECT_EQ(count_logs(r.json()), 0u);
  EXPECT_EQ(proxy.stats().beyond_head, 2u);
  // Blocks the lagging node has go to the node.
  r = client.post(get_logs("4", "0xfe0", "0xff0"));
  EXPECT_EQ(count_logs(r.json()), 17u);
  r = client.post(call("5", "eth_getBlockByNumber", R"(["0xff0",false])"));
  EXPECT_TRUE(r.json().as_object().contains("error")) << "the fake node answers no eth_getBlockByNumber";
  EXPECT_EQ(proxy.stats().beyond_head, 2u);
}

TEST_F(FaultProxyTest, FreshLogsLagHidesTheNewestBlocksLogsForSomeAnswers) {
  // The node's head is 0x1000 and it has one log per block; its log index lags 3 blocks.
  proxy.set_faults(Faults{.fresh_logs_lag = 3, .fresh_logs_lag_answers = 2});
  Reply r = client.post(call("1", "eth_blockNumber"));
  EXPECT_EQ(r.json().at("result"), "0x1000") << "the head is the node's";
  r = client.post(get_logs("2", "0xff0", "0x1000"));
  EXPECT_EQ(count_logs(r.json()), 14u) << "0xffe, 0xfff and 0x1000 are left out";
  r = client.post(get_logs("3", "0xff0", "0xffd"));
  EXPECT_EQ(count_logs(r.json()), 14u) << "nothing fresh asked";
  r = client.post("[" + get_logs("4", "0xfff", "0x1000") + "," + get_logs("5", "0xff0", "0xff1") + "]");
  EXPECT_EQ(count_logs(r.json().at(0)) + count_logs(r.json().at(1)), 2u);
  EXPECT_EQ(proxy.stats().logs_hidden, 5u);
  // Both answers are spent: the index has caught up.
  r = client.post(get_logs("6", "0xff0", "0x1000"));
  EXPECT_EQ(count_logs(r.json()), 17u);
  EXPECT_EQ(proxy.stats().logs_hidden, 5u);
}

/// The calls the node was sent, in order, less the proxy's own head lookups; a batch is one entry.
std::vector<json::value> forwarded_calls(const FakeNode& node) {
  std::vector<json::value> out;
  for (const std::string& body : node.requests()) {
    if (body.find("givewatch-fault-proxy-head") == std::string::npos) out.push_back(json::parse(body));
  }
  return out;
}

TEST_F(FaultProxyTest, FinalizedLagPutsTheFinalityTagsBelowTheHead) {
  auto block_of = [](const json::value& call) { return call.at("params").at(0); };
  proxy.set_faults(Faults{.finalized_lag = 3});  // the node's head is 0x1000
  Reply r = client.post(call("1", "eth_getBlockByNumber", R"(["finalized",false])"));
  EXPECT_EQ(r.json().at("id"), 1) << "the node's answer to the pinned call";
  client.post(call("2", "eth_getBlockByNumber", R"(["safe",true])"));
  // In a batch only the finality tags change.
  client.post("[" + call("3", "eth_getBlockByNumber", R"(["latest",false])") + "," +
              call("4", "eth_getBlockByNumber", R"(["finalized",false])") + "," + call("5", "eth_blockNumber") + "]");
  // Below a lagging head; block 0 on a chain shorter than the lag.
  proxy.set_faults(Faults{.head_lag = 0x10, .finalized_lag = 3});
  client.post(call("6", "eth_getBlockByNumber", R"(["finalized",false])"));
  node.head = 2;
  client.post(call("7", "eth_getBlockByNumber", R"(["safe",false])"));
  proxy.set_faults(Faults{});
  client.post(call("8", "eth_getBlockByNumber", R"(["finalized",false])"));

  const auto sent = forwarded_calls(node);
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(block_of(sent[0]), "0xffd");
  EXPECT_EQ(sent[0].at("id"), 1);
  EXPECT_EQ(sent[1].at("params"), (json::array{"0xffd", true}));
  ASSERT_EQ(sent[2].as_array().size(), 3u);
  EXPECT_EQ(block_of(sent[2].at(0)), "latest");
  EXPECT_EQ(block_of(sent[2].at(1)), "0xffd");
  EXPECT_EQ(sent[2].at(2).at("method"), "eth_blockNumber");
  EXPECT_EQ(block_of(sent[3]), "0xfed");
  EXPECT_EQ(block_of(sent[4]), "0x0");
  EXPECT_EQ(block_of(sent[5]), "finalized") << "without the fault the tag reaches the node";
}

TEST_F(FaultProxyTest, FinalizedLagLeavesOtherCallsAlone) {
  proxy.set_faults(Faults{.finalized_lag = 3});
  const std::string body = call("1", "eth_getBlockByNumber", R"(["latest",false])");
  client.post(body);
  client.post(get_logs("2", "finalized", "latest"));
  ASSERT_EQ(node.requests().size(), 2u) << "no head lookup";
  EXPECT_EQ(node.requests()[0], body);
  EXPECT_EQ(json::parse(node.requests()[1]).at("params").at(0).at("fromBlock"), "finalized");
}

TEST_F(FaultProxyTest, GetLogsCanBeAMethodThatDoesNotExist) {
  proxy.set_faults(Faults{.max_logs_range = 1, .get_logs_method_not_found = true});
  Reply r = client.post(get_logs("3", "0x0", "0x0"));
  EXPECT_EQ(r.json(), error_of(3, -32601, "the method eth_getLogs does not exist/is not available"));
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(proxy.stats().range_errors, 0u);
}

TEST_F(FaultProxyTest, HostileErrorTextAnswersTheChosenMethodAloneOrEvery) {
  const std::string text = hostile_text(200'000);
  EXPECT_EQ(text.size(), 200'000u);
  EXPECT_EQ(text.find("max block range 123456789123"), 35u);
  for (const char* part : {"\n", "\r\n", "\x1b[2J", "\x1b[1;31m", "\x1b]0;"})
    EXPECT_NE(text.find(part), std::string::npos);

  proxy.set_faults(Faults{.hostile_error_method = "eth_blockNumber", .hostile_error_text = text});
  Reply r = client.post(call("1", "eth_blockNumber"));
  EXPECT_EQ(r.json(), error_of(1, -32000, text));
  r = client.post("[" + call("2", "eth_blockNumber") + "," + get_logs("3", "0x0", "0x0") + "]");
  json::array answers = r.json().as_array();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], error_of(2, -32000, text));
  EXPECT_EQ(count_logs(answers[1]), 1u);  // from the node
  EXPECT_EQ(proxy.stats().hostile_errors, 2u);

  proxy.set_faults(Faults{.hostile_error_method = "*", .hostile_error_text = "no"});
  EXPECT_EQ(client.post(get_logs("4", "0x0", "0x0")).json(), error_of(4, -32000, "no"));
  EXPECT_EQ(client.post(call("5", "eth_chainId")).json(), error_of(5, -32000, "no"));
  EXPECT_EQ(proxy.stats().hostile_errors, 4u);
  EXPECT_EQ(node.requests().size(), 1u);
}

TEST_F(FaultProxyTest, AHugeAnswerIsTheAnswerFollowedByWhitespace) {
  const std::uint64_t padding = 20ull << 20;
  for (bool chunked : {true, false}) {
    SCOPED_TRACE(chunked ? "chunked" : "Content-Length");
    proxy.set_faults(Faults{.huge_answer_method = "eth_blockNumber",
                            .huge_answer_bytes = padding,
                            .huge_answer_chunked = chunked});
    Reply r = client.post(call("1", "eth_blockNumber"));
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.msg.chunked(), chunked);
    EXPECT_EQ(r.msg.body(), node.responses().back() + std::string(padding, ' '));
    EXPECT_EQ(r.json().at("result"), "0x1000");
    // Other methods are answered as they are; in a batch, one call of the method is enough.
    r = client.post(get_logs("2", "0x0", "0x0"));
    EXPECT_EQ(r.msg.body(), node.responses().back());
    r = client.post("[" + get_logs("3", "0x0", "0x0") + "," + call("4", "eth_blockNumber") + "]");
    EXPECT_EQ(r.msg.body().size(), node.responses().back().size() + padding);
  }
  EXPECT_EQ(proxy.stats().huge_answers, 4u);
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(FaultProxyTest, AHugeAnswerEndsWhenTheClientStopsReading) {
  proxy.set_faults(Faults{.huge_answer_method = "*", .huge_answer_bytes = 1ull << 30});
  Reply r = client.post(call("1", "eth_blockNumber"), 1 << 20);
  EXPECT_EQ(r.ec, http::error::body_limit);
  // The client closed its connection 1 MiB into 1 GiB; the proxy serves the next one at once.
  proxy.set_faults(Faults{});
  r = client.post(call("2", "eth_blockNumber"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.json().at("result"), "0x1000");
  EXPECT_EQ(client.connects(), 2);
  EXPECT_EQ(proxy.stats().huge_answers, 1u);
}

TEST_F(FaultProxyTest, DelayHoldsTheAnswerBack) {
  proxy.set_faults(Faults{.delay_probability = 1, .delay = 200ms});
  Reply r = client.post(call("1", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_GE(r.elapsed, 200ms);
  EXPECT_EQ(r.msg.body(), node.responses().back());
  EXPECT_EQ(proxy.stats().delayed, 1u);

  proxy.set_faults(Faults{});
  r = client.post(call("2", "eth_chainId"));
  EXPECT_LT(r.elapsed, 200ms);
}

/// The status of each of `n` requests, 0 for a failed exchange.
std::vector<unsigned> statuses(Client& client, int n) {
  std::vector<unsigned> out;
  for (int i = 0; i < n; ++i) {
    Reply r = client.post(call(std::to_string(i), "eth_chainId"));
    out.push_back(r.ec ? 0u : r.msg.result_int());
  }
  return out;
}

TEST_F(FaultProxyTest, TheSameSeedMakesTheSameChoices) {
  const Faults faults{
      .seed = 7, .drop_probability = 0.2, .status_429_probability = 0.3, .status_5xx_probability = 0.2};
  proxy.set_faults(faults);
  const auto first = statuses(client, 40);
  proxy.set_faults(faults);
  const auto second = statuses(client, 40);
  EXPECT_EQ(first, second);
  for (unsigned s : {0u, 200u, 429u}) EXPECT_NE(std::count(first.begin(), first.end(), s), 0) << s;
  EXPECT_TRUE(std::count(first.begin(), first.end(), 502u) + std::count(first.begin(), first.end(), 503u) >
              0);

  Faults other = faults;
  other.seed = 8;
  proxy.set_faults(other);
  EXPECT_NE(statuses(client, 40), first);
}

TEST_F(FaultProxyTest, StatsCountEveryOutcome) {
  proxy.set_faults(Faults{.status_429_probability = 1});
  client.post(call("1", "eth_chainId"));
  proxy.set_faults(Faults{.status_5xx_probability = 1});
  client.post(call("1", "eth_chainId"));
  proxy.set_faults(Faults{.drop_probability = 1});
  client.post(call("1", "eth_chainId"));
  proxy.set_faults(Faults{.truncate_probability = 1});
  client.post(call("1", "eth_chainId"));
  proxy.set_faults(Faults{.garbage_probability = 1});
  client.post(call("1", "eth_chainId"));
  proxy.set_faults(Faults{.delay_probability = 1, .delay = 1ms, .max_logs_range = 10, .max_logs_results = 3});
  client.post(get_logs("1", "0x0", "0x20"));
  client.post(get_logs("1", "0x0", "0x5"));
  client.post(get_logs("1", "0x0", "0x1"));

  const FaultProxy::Stats s = proxy.stats();
  EXPECT_EQ(s.requests, 8u);
  EXPECT_EQ(s.forwarded, 3u);  // the truncated answer and two eth_getLogs
  EXPECT_EQ(s.logs_forwarded, 2u);
  EXPECT_EQ(s.delayed, 3u);
  EXPECT_EQ(s.dropped, 1u);
  EXPECT_EQ(s.status_429, 1u);
  EXPECT_EQ(s.status_5xx, 1u);
  EXPECT_EQ(s.truncated, 1u);
  EXPECT_EQ(s.garbage, 1u);
  EXPECT_EQ(s.range_errors, 1u);
  EXPECT_EQ(s.results_errors, 1u);
}

TEST_F(FaultProxyTest, ConcurrentClientsAreServed) {
  proxy.set_faults(
      Faults{.drop_probability = 0.1, .status_429_probability = 0.1, .truncate_probability = 0.1});
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Client c{proxy.port()};
      for (int i = 0; i < 25; ++i) {
        Reply r = c.post(get_logs(std::to_string(i), "0x0", "0x3"));
        if (!r.ec && r.msg.result() == http::status::ok) ++answered;
      }
    });
  }
  for (auto& t : threads) t.join();
  const FaultProxy::Stats s = proxy.stats();
  EXPECT_EQ(s.requests, 100u);
  EXPECT_EQ(static_cast<std::uint64_t>(answered.load()), s.requests - s.dropped - s.status_429 - s.truncated);
}

TEST(FaultProxyUpstream, AnUnreachableNodeGivesTheProxysOwn502) {
  FaultProxy proxy{"127.0.0.1", free_port()};
  Client client{proxy.port()};
  Reply r = client.post(call("1", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.result(), http::status::bad_gateway);
  EXPECT_EQ(proxy.stats().status_5xx, 0u);
  EXPECT_EQ(proxy.stats().forwarded, 1u);
}

TEST(FaultProxyLifetime, DestroyingTheProxyMidRequestClosesTheConnection) {
  FakeNode node;
  auto proxy = std::make_unique<FaultProxy>("127.0.0.1", node.port());
  proxy->set_faults(Faults{.delay_probability = 1, .delay = 5s});
  const std::uint16_t port = proxy->port();
  Reply reply;
  std::thread t([&] {
    Client client{port};
    reply = client.post(call("1", "eth_chainId"));
  });
  while (proxy->stats().requests == 0) std::this_thread::sleep_for(1ms);
  const auto start = std::chrono::steady_clock::now();
  proxy.reset();
  t.join();
  EXPECT_TRUE(reply.ec);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}


// ---- HTTPS ------------------------------------------------------------------------------------

/// A blocking HTTPS client like Client: it connects to 127.0.0.1 but names `host` in SNI and
/// verifies the certificate for `host` against `ca` (no trusted CA at all when `ca` is empty).
class TlsClient {
 public:
  TlsClient(std::uint16_t port, std::string host, const std::filesystem::path& ca)
      : port_(port), host_(std::move(host)) {
    ctx_.set_verify_mode(net::ssl::verify_peer);
    if (!ca.empty()) ctx_.load_verify_file(ca.string());
  }

  Reply post(const std::string& body) {
    const auto start = std::chrono::steady_clock::now();
    Reply reply;
    if (!stream_) {
      stream_.emplace(io_, ctx_);
      ++connects_;
      beast::get_lowest_layer(*stream_).expires_after(10s);
      beast::get_lowest_layer(*stream_).async_connect(
          tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), port_}, [&](beast::error_code ec) {
            if (ec) {
              reply.ec = ec;
              return;
            }
            SSL_set_tlsext_host_name(stream_->native_handle(), host_.c_str());
            stream_->set_verify_callback(net::ssl::host_name_verification(host_));
            stream_->async_handshake(net::ssl::stream_base::client, [&](beast::error_code hec) { reply.ec = hec; });
          });
      run();
      if (reply.ec) {
        stream_.reset();
        return reply;
      }
    }
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(256ull << 20);
    beast::get_lowest_layer(*stream_).expires_after(10s);
    http::async_write(*stream_, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        reply.ec = ec;
        return;
      }
      http::async_read(*stream_, buffer_, parser, [&](beast::error_code rec, std::size_t) { reply.ec = rec; });
    });
    run();
    reply.msg = parser.release();
    reply.elapsed = std::chrono::steady_clock::now() - start;
    if (reply.ec || !reply.msg.keep_alive()) {
      stream_.reset();
      buffer_.clear();
    }
    return reply;
  }

  int connects() const { return connects_; }
  bool connected() const { return stream_.has_value(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }

  net::io_context io_;
  net::ssl::context ctx_{net::ssl::context::tls_client};
  std::uint16_t port_;
  std::string host_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  int connects_ = 0;
};


/// Waits up to 5 s until the proxy has seen `n` TLS handshakes end: a handshake the client
/// abandons ends on the proxy's side a moment after the client has given up.
bool handshakes_seen(const FaultProxy& proxy, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (proxy.handshakes().size() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class FaultProxyTlsTest : public ::testing::Test {
 protected:
  TempDir dir{"fault-proxy-tls"};
  TestCertificates certs = make_test_certificates(dir.path(), "IP:127.0.0.1,DNS:localhost");
  FakeNode node;
  FaultProxy proxy{"127.0.0.1", node.port(), certs.server};
  TlsClient client{proxy.port(), "localhost", certs.ca_certificate};
};

TEST_F(FaultProxyTlsTest, ServesHttpsAndForwardsPlainHttp) {
  EXPECT_TRUE(proxy.tls());
  EXPECT_EQ(proxy.url(), "https://127.0.0.1:" + std::to_string(proxy.port()));
  const std::string body = call("7", "eth_blockNumber");
  for (int i = 0; i < 3; ++i) {
    Reply r = client.post(body);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.msg.body(), R"({"jsonrpc": "2.0", "id": 7, "result": "0x1000"})");
    EXPECT_EQ(r.msg["X-Node"], "fake");
  }
  // One handshake for the kept-alive connection; the node got plain HTTP on one connection.
  EXPECT_EQ(client.connects(), 1);
  EXPECT_EQ(node.connections(), 1);
  ASSERT_EQ(node.requests().size(), 3u);
  EXPECT_EQ(node.requests()[0], body);
  const FaultProxy::Stats s = proxy.stats();
  EXPECT_EQ(s.tls_handshakes, 1u);
  EXPECT_EQ(s.tls_failures, 0u);
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.forwarded, 3u);
  ASSERT_EQ(proxy.handshakes().size(), 1u);
  EXPECT_EQ(proxy.handshakes()[0].server_name, "localhost");
  EXPECT_EQ(proxy.handshakes()[0].error, "");
  EXPECT_EQ(proxy.last_host(), "localhost:" + std::to_string(proxy.port()));
}

TEST_F(FaultProxyTlsTest, TheCertificateNamesTheLoopbackAddressToo) {
  TlsClient by_ip{proxy.port(), "127.0.0.1", certs.ca_certificate};
  Reply r = by_ip.post(call("1", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.body(), R"({"jsonrpc": "2.0", "id": 1, "result": "0x1"})");
  // The test client sends the address as SNI; the proxy records what it got.
  ASSERT_EQ(proxy.handshakes().size(), 1u);
  EXPECT_EQ(proxy.handshakes()[0].server_name, "127.0.0.1");
}

TEST_F(FaultProxyTlsTest, JsonRpcFaultsApplyOverHttps) {
  proxy.set_faults(Faults{.max_logs_range = 100, .range_error_style = RangeErrorStyle::exceed_maximum});
  Reply r = client.post(get_logs("5", "0x0", "0x100"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.json(), error_of(5, -32000, "exceed maximum block range: 100"));
  proxy.set_faults(Faults{.status_429_probability = 1, .retry_after_seconds = 3});
  r = client.post(call("6", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.msg.result(), http::status::too_many_requests);
  EXPECT_EQ(r.msg[http::field::retry_after], "3");
  EXPECT_TRUE(node.requests().empty());
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(FaultProxyTlsTest, DropClosesWithoutCloseNotify) {
  proxy.set_faults(Faults{.drop_probability = 1});
  Reply r = client.post(call("1", "eth_chainId"));
  // The TCP connection ends without a TLS close_notify: the client sees a truncated stream.
  EXPECT_EQ(r.ec, net::ssl::error::stream_truncated) << r.ec.message();
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(proxy.stats().dropped, 1u);

  proxy.set_faults(Faults{});
  r = client.post(call("2", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(client.connects(), 2);
  EXPECT_EQ(proxy.stats().tls_handshakes, 2u);
}

TEST_F(FaultProxyTlsTest, TruncationSendsHalfTheBodyOverTls) {
  proxy.set_faults(Faults{.truncate_probability = 1});
  Reply r = client.post(get_logs("1", "0x0", "0x9"));
  EXPECT_EQ(r.ec, net::ssl::error::stream_truncated) << r.ec.message();
  const std::string full = node.responses().back();
  EXPECT_EQ(r.msg[http::field::content_length], std::to_string(full.size()));
  EXPECT_EQ(r.msg.body(), full.substr(0, full.size() / 2));
  EXPECT_EQ(proxy.stats().truncated, 1u);
}

TEST_F(FaultProxyTlsTest, ConnectionCloseEndsWithCloseNotify) {
  // An answer with Connection: close is followed by an orderly TLS shutdown: the client reads a
  // clean end of stream after it.
  net::io_context io;
  net::ssl::context ctx{net::ssl::context::tls_client};
  ctx.load_verify_file(certs.ca_certificate.string());
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(10s);
  beast::get_lowest_layer(stream).connect(tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), proxy.port()}, ec);
  ASSERT_FALSE(ec) << ec.message();
  stream.handshake(net::ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, "localhost");
  req.keep_alive(false);
  req.body() = call("1", "eth_chainId");
  req.prepare_payload();
  http::write(stream, req, ec);
  ASSERT_FALSE(ec) << ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_FALSE(res.keep_alive());
  char byte = 0;
  stream.read_some(net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof) << ec.message();
}

TEST_F(FaultProxyTlsTest, AClientThatRejectsTheCertificateGetsNoService) {
  TlsClient untrusting{proxy.port(), "localhost", {}};
  Reply r = untrusting.post(call("1", "eth_chainId"));
  ASSERT_TRUE(r.ec);
  EXPECT_EQ(r.ec.message(), "certificate verify failed (SSL routines)");
  ASSERT_TRUE(handshakes_seen(proxy, 1));
  EXPECT_EQ(proxy.stats().tls_failures, 1u);
  EXPECT_EQ(proxy.stats().tls_handshakes, 0u);
  EXPECT_EQ(proxy.stats().requests, 0u);
  ASSERT_EQ(proxy.handshakes().size(), 1u);
  EXPECT_EQ(proxy.handshakes()[0].server_name, "localhost");
  EXPECT_EQ(proxy.handshakes()[0].error, "tlsv1 alert unknown ca (SSL routines)");
}

TEST_F(FaultProxyTlsTest, AClientForAnotherHostRejectsTheCertificate) {
  TlsClient elsewhere{proxy.port(), "rpc.example.com", certs.ca_certificate};
  Reply r = elsewhere.post(call("1", "eth_chainId"));
  ASSERT_TRUE(r.ec);
  EXPECT_EQ(r.ec.message(), "certificate verify failed (SSL routines)");
  ASSERT_TRUE(handshakes_seen(proxy, 1));
  EXPECT_EQ(proxy.stats().tls_failures, 1u);
  EXPECT_EQ(proxy.stats().requests, 0u);
  ASSERT_EQ(proxy.handshakes().size(), 1u);
  EXPECT_EQ(proxy.handshakes()[0].server_name, "rpc.example.com");
}

TEST_F(FaultProxyTlsTest, PlainHttpToTheHttpsPortIsRefused) {
  Client plain{proxy.port()};
  Reply r = plain.post(call("1", "eth_chainId"));
  EXPECT_TRUE(r.ec == http::error::end_of_stream || r.ec == net::error::connection_reset) << r.ec.message();
  ASSERT_TRUE(handshakes_seen(proxy, 1));
  EXPECT_EQ(proxy.stats().tls_failures, 1u);
  EXPECT_EQ(proxy.stats().requests, 0u);
  ASSERT_EQ(proxy.handshakes().size(), 1u);
  EXPECT_EQ(proxy.handshakes()[0].server_name, "");
  EXPECT_EQ(proxy.handshakes()[0].error, "http request (SSL routines)");
  EXPECT_TRUE(node.requests().empty());
}

TEST(FaultProxyTlsSetup, MissingFilesThrow) {
  EXPECT_THROW(FaultProxy("127.0.0.1", 1, TlsFiles{"/nonexistent/server.pem", "/nonexistent/server.key"}),
               boost::system::system_error);
  EXPECT_FALSE(FaultProxy("127.0.0.1", 1).tls());
}

TEST(FaultProxyTlsSetup, CertificatesCarryTheSubjectAltNames) {
  TempDir dir{"fault-proxy-certs"};
  const TestCertificates certs = make_test_certificates(dir.path(), "DNS:example.invalid");
  EXPECT_EQ(certs.ca_certificate, dir.path() / "ca.pem");
  EXPECT_EQ(certs.server.certificate_chain, dir.path() / "server.pem");
  EXPECT_EQ(certs.server.private_key, dir.path() / "server.key");
  // A certificate for example.invalid only: a client for localhost refuses it.
  FakeNode node;
  FaultProxy proxy{"127.0.0.1", node.port(), certs.server};
  TlsClient invalid{proxy.port(), "example.invalid", certs.ca_certificate};
  Reply r = invalid.post(call("1", "eth_chainId"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  TlsClient local{proxy.port(), "localhost", certs.ca_certificate};
  r = local.post(call("1", "eth_chainId"));
  EXPECT_EQ(r.ec.message(), "certificate verify failed (SSL routines)");
}

TEST(FaultProxyTlsSetup, AnOpensslFailureIsReportedWithItsOutput) {
  TempDir dir{"fault-proxy-bad-san"};
  try {
    make_test_certificates(dir.path(), "BOGUS:value");
    FAIL() << "a bad subjectAltName was accepted";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("openssl x509 -req -in " + (dir.path() / "server.csr").string(), 0), 0u) << message;
    EXPECT_NE(message.find("failed: "), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace givewatch::test
