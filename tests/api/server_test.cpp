// The HTTP server on loopback: keep-alive, limits, slow clients, the connection cap, event streams.

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

#include "api/server.hpp"
#include "tests/api/fixture.hpp"
#include "tests/api/running.hpp"

namespace givewatch::api {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using test::Running;
using namespace std::chrono_literals;

/// How long a test waits for what must happen: a guard against a hang, never reached when the
/// server works, however slow the build (waits end as soon as what they wait for happens).
constexpr auto kPatience = 60s;

/// Waits until `done()` holds or kPatience passes; whether it holds.
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  return done();
}

ServerOptions quick() {
  ServerOptions o;
  o.port = 0;
  o.request_timeout = 400ms;
  o.event_poll = 20ms;
  o.keepalive = 300ms;
  return o;
}

struct Client {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;

  Client() = default;
  explicit Client(std::uint16_t port) { socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)); }

  http::response<http::string_body> request(http::verb verb, const std::string& target,
                                            std::vector<std::pair<std::string, std::string>> headers = {},
                                            std::string body = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::write(socket, req);
    http::response_parser<http::string_body> parser;
    parser.skip(verb == http::verb::head);
    http::read(socket, buffer, parser);
    return parser.release();
  }

  /// Reads raw bytes until `needle` has arrived or `timeout` passes.
  std::string read_until(const std::string& needle, std::chrono::milliseconds timeout, std::string have = {}) {
    socket.non_blocking(true);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (have.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      char buf[8192];
      boost::system::error_code ec;
      const auto n = socket.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      if (ec) break;
      have.append(buf, n);
    }
    socket.non_blocking(false);
    return have;
  }
};

TEST(Server, KeepAliveServesManyRequestsOnOneConnection) {
  test::Fixture f;
  Running server(*f.api, quick());
  Client c(server.port());
  auto a = c.request(http::verb::get, "/healthz");
  EXPECT_EQ(a.result_int(), 200u);
  EXPECT_EQ(a.body(), R"({"status":"ok"})");
  auto b = c.request(http::verb::get, "/v1/campaigns/memorial");
  EXPECT_EQ(b.result_int(), 200u);
  EXPECT_EQ(b[http::field::cache_control], "max-age=1");
  EXPECT_FALSE(b[http::field::etag].empty());
  auto head = c.request(http::verb::head, "/v1/campaigns/memorial");
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[http::field::content_length], std::to_string(b.body().size()));
  auto not_modified = c.request(http::verb::get, "/v1/campaigns/memorial", {{"If-None-Match", std::string(b[http::field::etag])}});
  EXPECT_EQ(not_modified.result_int(), 304u);
  auto cors = c.request(http::verb::get, "/v1/chains", {{"Origin", "https://donate.example"}});
  EXPECT_EQ(cors["Access-Control-Allow-Origin"], "https://donate.example");
}

TEST(Server, OversizedHeadersAndBodiesAreRefused) {
  test::Fixture f;
  Running server(*f.api, quick());
  {
    Client c(server.port());
    auto r = c.request(http::verb::get, "/healthz", {{"X-Padding", std::string(10'000, 'a')}});
    EXPECT_EQ(r.result_int(), 431u);
    EXPECT_EQ(r.body(), R"({"error":{"code":"header_too_large","message":"request headers are over 8192 bytes"}})");
  }
  {
    Client c(server.port());
    auto r = c.request(http::verb::post, "/v1/campaigns", {}, std::string(20'000, 'x'));
    EXPECT_EQ(r.result_int(), 413u);
    EXPECT_EQ(r.body(),
              R"({"error":{"code":"payload_too_large","message":"request bodies are limited to 16384 bytes; this API takes none"}})");
  }
  {
    Client c(server.port());
    asio::write(c.socket, asio::buffer(std::string("GARBAGE\r\n\r\n")));
    const auto text = c.read_until("\r\n\r\n", kPatience);
    EXPECT_EQ(text.rfind("HTTP/1.1 400 Bad Request", 0), 0u) << text;
  }
}

TEST(Server, ASlowClientIsDisconnected) {
  test::Fixture f;
  Running server(*f.api, quick());
  Client c(server.port());
  asio::write(c.socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));  // never finished
  const auto started = std::chrono::steady_clock::now();
  char byte;
  boost::system::error_code ec;
  c.socket.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 300ms);
  // Long before the default deadline: the configured one ended it.
  EXPECT_LT(waited, ServerOptions{}.request_timeout);
}

/// A connected client whose receive buffer is small, so that the server's writes to it block.
std::unique_ptr<Client> small_window_client(std::uint16_t port) {
  auto c = std::make_unique<Client>();
  c->socket.open(tcp::v4());
  c->socket.set_option(asio::socket_base::receive_buffer_size(2048));
  c->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return c;
}

std::string pipelined(const std::string& target, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
  return out;
}

TEST(Server, AnswersLargerThanTheSocketBufferArriveWholeAtASlowReader) {
  test::Fixture f;
  Running server(*f.api, quick());
  Client reference(server.port());
  const auto expected = reference.request(http::verb::get, "/app.js");
  ASSERT_EQ(expected.result_int(), 200u);
  ASSERT_GT(expected.body().size(), 16'000u);

  auto c = small_window_client(server.port());
  constexpr int kRequests = 100;  // about 2.8 MB: more than the socket buffers grow to on loopback
  asio::write(c->socket, asio::buffer(pipelined("/app.js", kRequests)));
  std::this_thread::sleep_for(200ms);  // the server's writes block meanwhile; its write deadline is 30 s
  for (int i = 0; i < kRequests; ++i) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    boost::system::error_code ec;
    http::read(c->socket, c->buffer, parser, ec);
    ASSERT_FALSE(ec) << "response " << i << ": " << ec.message();
    EXPECT_EQ(parser.get().result_int(), 200u);
    EXPECT_EQ(parser.get().body(), expected.body()) << "response " << i;
  }
}

TEST(Server, AClientThatStopsReadingIsDroppedAtTheWriteDeadline) {
  test::Fixture f;
  auto options = quick();
  options.write_timeout = 500ms;
  options.request_timeout = 10min;  // only the write deadline can end this connection
  Running server(*f.api, options);
  auto c = small_window_client(server.port());
  // Far more than the socket buffers hold: the server blocks in a write and never reads again.
  asio::write(c->socket, asio::buffer(pipelined("/app.js", 100)));
  const auto started = std::chrono::steady_clock::now();
  // The server's close reaches the client socket (a FIN or a reset), whether or not it reads.
  pollfd closed{c->socket.native_handle(), POLLRDHUP, 0};
  ASSERT_EQ(poll(&closed, 1, static_cast<int>(std::chrono::milliseconds(kPatience).count())), 1)
      << "the stalled connection is still open";
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 450ms);
  EXPECT_TRUE(eventually([&] { return server.connections() == 0; }));
}

TEST(Server, ConnectionsOverTheCapAreAnswered503) {
  test::Fixture f;
  auto options = quick();
  options.max_connections = 2;
  options.request_timeout = 10min;  // the first two stay open however long the test takes
  Running server(*f.api, options);
  Client a(server.port()), b(server.port());
  ASSERT_TRUE(eventually([&] { return server.connections() == 2; }));  // both accepted, waiting for a request
  Client c(server.port());
  const auto text = c.read_until("}}", kPatience);
  EXPECT_EQ(text.rfind("HTTP/1.1 503 Service Unavailable", 0), 0u) << text;
  EXPECT_NE(text.find("Retry-After: 1"), std::string::npos);
  EXPECT_NE(text.find(R"({"error":{"code":"unavailable","message":"too many open connections; try again shortly"}})"),
            std::string::npos);
  // The first two still work.
  EXPECT_EQ(a.request(http::verb::get, "/healthz").result_int(), 200u);
}

TEST(Server, EventStreamsDeliverTotalsDonationsRemovalsAndKeepAlives) {
  test::Fixture f;
  Running server(*f.api, quick());
  Client c(server.port());
  asio::write(c.socket, asio::buffer(std::string("GET /v1/campaigns/memorial/events HTTP/1.1\r\nHost: x\r\nOrigin: "
                                                 "https://donate.example\r\n\r\n")));
  auto text = c.read_until("event: totals", kPatience);
  EXPECT_EQ(text.rfind("HTTP/1.1 200 OK", 0), 0u) << text;
  EXPECT_NE(text.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(text.find("Access-Control-Allow-Origin: https://donate.example"), std::string::npos);
  EXPECT_NE(text.find("retry: 3000"), std::string::npos);
  EXPECT_NE(text.find("id: 0\nevent: totals\ndata: {\"id\":\"memorial\""), std::string::npos) << text;

  // A donation to memorial and one to rbb: only memorial's reaches this stream, then its totals.
  f.apply(56, {f.donation(56, "BUSD", "memorial", 42, 3, 0, 5), f.donation(56, "BUSD", "rbb", 1, 3, 1, 5)});
  text = c.read_until("\"usd\":\"0.000000000000000042\"", kPatience);
  EXPECT_NE(text.find("id: 1\nevent: donation\ndata: {\"chain\":\"bsc\""), std::string::npos) << text;
  EXPECT_EQ(text.find("\"to\":\"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\""), std::string::npos) << "rbb's donation";
  EXPECT_NE(text.find("id: 2\nevent: totals"), std::string::npos) << text;

  storage::Step back;
  back.chain_id = 56;
  back.rollback_to = 2;
  ASSERT_TRUE(f.store->apply(back));
  text = c.read_until("event: removed", kPatience);
  EXPECT_NE(text.find("id: 3\nevent: removed\ndata: {\"chain\":\"bsc\""), std::string::npos) << text;

  text = c.read_until(": keep-alive", kPatience);
  EXPECT_NE(text.find(": keep-alive\n\n"), std::string::npos);
}

TEST(Server, OneStreamCarriesEveryCampaignsEvents) {
  test::Fixture f;
  Running server(*f.api, quick());
  Client c(server.port());
  asio::write(c.socket, asio::buffer(std::string("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")));
  auto text = c.read_until("event: totals\ndata: {\"id\":\"rbb\"", kPatience);
  EXPECT_EQ(text.rfind("HTTP/1.1 200 OK", 0), 0u) << text;
  EXPECT_NE(text.find("id: 0\nevent: totals\ndata: {\"id\":\"memorial\""), std::string::npos) << text;

  f.apply(56, {f.donation(56, "BUSD", "memorial", 42, 3, 0, 5), f.donation(56, "BUSD", "rbb", 7, 3, 1, 5)});
  text = c.read_until("id: 2\nevent: totals\ndata: {\"id\":\"rbb\"", kPatience, text);
  const auto memorial = text.find("id: 1\nevent: donation\ndata: {");
  const auto rbb = text.find("id: 2\nevent: donation\ndata: {");
  ASSERT_NE(memorial, std::string::npos) << text;
  ASSERT_NE(rbb, std::string::npos) << text;
  EXPECT_NE(text.find("\"campaign\":\"memorial\"}", memorial), std::string::npos) << text;
  EXPECT_NE(text.find("\"campaign\":\"rbb\"}", rbb), std::string::npos) << text;
  // After the two donations, the totals of both campaigns, in configuration order.
  const auto memorial_totals = text.find("id: 2\nevent: totals\ndata: {\"id\":\"memorial\"", rbb);
  const auto rbb_totals = text.find("id: 2\nevent: totals\ndata: {\"id\":\"rbb\"", rbb);
  EXPECT_NE(memorial_totals, std::string::npos) << text;
  EXPECT_NE(rbb_totals, std::string::npos) << text;
}

TEST(Server, EventStreamsResumeAfterLastEventId) {
  test::Fixture f;
  f.apply(56, {f.donation(56, "BUSD", "memorial", 1, 3, 0, 5)});
  f.apply(56, {f.donation(56, "BUSD", "memorial", 2, 4, 0, 6)});
  f.apply(56, {f.donation(56, "BUSD", "memorial", 3, 5, 0, 7)});
  Running server(*f.api, quick());
  Client c(server.port());
  asio::write(c.socket, asio::buffer(std::string(
                            "GET /v1/campaigns/memorial/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 1\r\n\r\n")));
  const auto text = c.read_until("id: 3\nevent: totals", kPatience);
  EXPECT_EQ(text.find("id: 1\nevent: donation"), std::string::npos) << "seen before, not sent again";
  EXPECT_NE(text.find("id: 2\nevent: donation"), std::string::npos) << text;
  EXPECT_NE(text.find("id: 3\nevent: donation"), std::string::npos) << text;
}

TEST(Server, AResumeFromFarBackArrivesWholeInOrder) {
  // 1,200 events: more than one batch of 512, to another campaign in between.
  test::Fixture f;
  for (std::uint64_t block = 10; block < 13; ++block) {
    std::vector<storage::Donation> ds;
    for (std::uint32_t i = 0; i < 400; ++i) {
      ds.push_back(f.donation(56, "BUSD", i % 2 ? "rbb" : "memorial", 1 + i, block, i, static_cast<std::uint8_t>(i % 200)));
    }
    f.apply(56, std::move(ds));
  }
  Running server(*f.api, quick());
  Client c(server.port());
  asio::write(c.socket, asio::buffer(std::string(
                            "GET /v1/campaigns/memorial/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n")));
  const auto text = c.read_until("id: 1199\nevent: donation", kPatience);
  std::vector<std::uint64_t> ids;
  for (auto at = text.find("\nid: "); at != std::string::npos; at = text.find("\nid: ", at + 1)) {
    const auto end = text.find('\n', at + 5);
    if (text.compare(end, 16, "\nevent: donation") == 0) ids.push_back(std::stoull(text.substr(at + 5, end - at - 5)));
  }
  ASSERT_EQ(ids.size(), 600u) << "memorial's donations, every one";
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], 2 * i + 1) << i;
}

TEST(Server, AnAddressInUseIsAClearError) {
  test::Fixture f;
  Running first(*f.api, quick());
  asio::io_context io;
  auto options = quick();
  options.port = first.port();
  Server second(io.get_executor(), *f.api, options);
  auto r = second.listen();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                                   ": Address already in use (another process has it; change [server] listen)");
}

}  // namespace
}  // namespace givewatch::api
