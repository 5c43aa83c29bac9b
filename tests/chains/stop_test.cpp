// Stopping a chain at any moment: a call cancelled while the endpoint is still being verified says
// it was cancelled (and does not count against the endpoint), and a watcher stopped then returns
// quietly instead of retrying or throwing.

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <list>
#include <optional>
#include <thread>

#include "chains/endpoint_pool.hpp"
#include "chains/watcher.hpp"

namespace givewatch::chains {
namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

/// Accepts connections on 127.0.0.1, reads whatever arrives and never answers: a node that hangs.
class SilentNode {
 public:
  SilentNode() : acceptor_(io_, {net::ip::make_address_v4("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SilentNode() {
    io_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  std::size_t connections() const { return accepted_.load(); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket socket) {
      if (ec) return;
      ++accepted_;
      auto& s = sockets_.emplace_back(std::move(socket), std::array<char, 4096>{});
      read(s);
      accept();
    });
  }
  void read(std::pair<net::ip::tcp::socket, std::array<char, 4096>>& s) {
    s.first.async_read_some(net::buffer(s.second), [this, &s](boost::system::error_code ec, std::size_t) {
      if (!ec) read(s);
    });
  }

  net::io_context io_;
  net::ip::tcp::acceptor acceptor_;
  std::list<std::pair<net::ip::tcp::socket, std::array<char, 4096>>> sockets_;
  std::atomic<std::size_t> accepted_{0};
  std::thread thread_;
};

/// Runs `task` on `io`, emitting a terminal cancellation once `node` has a connection open (the
/// call is then waiting for an answer). Returns the task's result, or rethrows what it threw.
template <class T>
T run_and_stop(net::io_context& io, const SilentNode& node, Task<T> task) {
  net::cancellation_signal stop;
  std::optional<T> out;
  std::exception_ptr error;
  bool done = false;
  net::co_spawn(io, std::move(task), net::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e, T value) {
                  done = true;
                  error = e;
                  if (!e) out.emplace(std::move(value));
                }));
  net::steady_timer poll(io);
  std::function<void()> wait = [&] {
    poll.expires_after(10ms);
    poll.async_wait([&](boost::system::error_code) {
      if (done) return;
      if (node.connections() == 0) return wait();
      // Let the request reach the socket before stopping.
      poll.expires_after(50ms);
      poll.async_wait([&](boost::system::error_code) { stop.emit(net::cancellation_type::terminal); });
    });
  };
  wait();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

/// A pool that waits far longer for an answer than any test runs.
struct Pool {
  explicit Pool(const SilentNode& node)
      : pool(io.get_executor(), "bsc", 56, {node.url()}, tls,
             PoolOptions{.call_budget = 600s, .attempt_timeout = 300s}) {}
  net::io_context io;
  net::ssl::context tls{net::ssl::context::tls_client};
  EndpointPool pool;
};

TEST(Stop, AHeadQueryStoppedWhileTheEndpointIsVerifiedIsCancelled) {
  SilentNode node;
  Pool p(node);
  const auto started = std::chrono::steady_clock::now();
  auto head = run_and_stop(p.io, node, p.pool.head());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, RpcErrc::cancelled) << head.error().message;
  // At once, not at head()'s 5 s deadline for an attempt, and the endpoint is not blamed for it.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  const auto status = p.pool.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].healthy);
  EXPECT_EQ(status[0].last_error, "");
}

TEST(Stop, ACallStoppedWhileTheEndpointIsVerifiedIsCancelled) {
  SilentNode node;
  Pool p(node);
  auto answer = run_and_stop(p.io, node, p.pool.call("eth_blockNumber", json::array{}, {}));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, RpcErrc::cancelled) << answer.error().message;
  EXPECT_TRUE(p.pool.status()[0].healthy);
}

/// A store with nothing in it; nothing is ever written, since the node never answers.
class EmptySink final : public StepSink {
 public:
  core::Result<ResumeState> resume(std::uint64_t) override { return ResumeState{}; }
  core::Result<storage::Applied> apply(const storage::Step&) override {
    ADD_FAILURE() << "nothing should be written";
    return storage::Applied{};
  }
};

TEST(Stop, AWatcherStoppedWhileItsEndpointIsVerifiedReturnsQuietly) {
  SilentNode node;
  Pool p(node);
  ChainPlan plan;
  plan.chain.name = "bsc";
  plan.chain.chain_id = 56;
  plan.chain.rpc = {node.url()};
  EmptySink sink;
  Watcher watcher(plan, p.pool, sink);
  // run() throwing would rethrow here; the daemon would count it as a failed chain.
  EXPECT_NO_THROW(run_and_stop(p.io, node, [&]() -> Task<bool> {
    co_await watcher.run();
    co_return true;
  }()));
  EXPECT_FALSE(watcher.status().stall) << watcher.status().stall->detail;
}

}  // namespace
}  // namespace givewatch::chains
