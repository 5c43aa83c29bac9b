#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chains/endpoint.hpp"
#include "core/task.hpp"

namespace givewatch::chains {

struct HeadSubscriptionOptions {
  std::chrono::milliseconds connect_timeout{10'000};  ///< resolve, connect, TLS and WebSocket handshakes
  /// A socket silent this long is dropped; a ping goes out at half of it, so a live node answers.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds backoff_base{500};  ///< first reconnect delay; doubles, with jitter
  std::chrono::milliseconds backoff_cap{30'000};
  std::chrono::milliseconds stall_check{1'000};  ///< how often the socket's heads are compared with polling's
  std::uint64_t stall_blocks = 3;                ///< polling this far ahead of the pushed heads: stalled
  std::size_t max_message = 1 << 20;             ///< a larger frame ends the socket
};

/// What a HeadSubscription has done, for logs, tests and metrics.
struct HeadSubscriptionStats {
  std::uint64_t connects = 0;  ///< subscriptions confirmed by a node
  std::uint64_t heads = 0;     ///< new heads pushed (each higher than the one before)
  std::uint64_t stalls = 0;    ///< sockets dropped because polling found blocks they did not push
  std::uint64_t failures = 0;  ///< sockets that could not connect or subscribe, or broke
};

/// New heads pushed by the chain's nodes: eth_subscribe("newHeads") over WebSocket (ws:// or wss://,
/// TLS as for rpc), one socket at a time, the next URL after a failure. Each head higher than the
/// last one pushed calls `on_head`, which runs a watcher step at once, and so does each new
/// subscription (for the heads that came while there was no socket); polling stays the safety net. The socket is kept alive with pings and dropped when it is silent for idle_timeout, when a
/// frame is over max_message, or when it stalls: polling (`polled_head`) has seen stall_blocks
/// blocks beyond the last head it pushed (or beyond the head when it subscribed). A dropped socket
/// is reconnected with capped exponential backoff. Frames are untrusted: anything that is not a
/// subscription answer or a head notification with a number is ignored. Runs until cancelled.
class HeadSubscription {
 public:
  HeadSubscription(boost::asio::any_io_executor executor, std::string chain, std::vector<std::string> urls,
                   boost::asio::ssl::context& tls, std::function<void(std::uint64_t)> on_head,
                   std::function<std::uint64_t()> polled_head, HeadSubscriptionOptions options = {});

  Task<void> run();
  /// Ends run(): closes the socket and the wait for the next one. Call on the executor.
  void stop();
  const HeadSubscriptionStats& stats() const noexcept { return stats_; }

 private:
  struct Watch;  ///< the stall check of one socket (head_subscription.cpp)

  /// One socket's life; the reason it ended, for the log.
  Task<std::string> session(const std::string& url);
  /// The WebSocket handshake on a connected `ws`, the subscription, then its heads.
  template <class Ws>
  Task<std::string> subscribe(Ws& ws, const Endpoint& endpoint);

  boost::asio::any_io_executor executor_;
  std::string chain_;
  std::vector<std::string> urls_;
  boost::asio::ssl::context& tls_;
  std::function<void(std::uint64_t)> on_head_;
  std::function<std::uint64_t()> polled_head_;
  HeadSubscriptionOptions options_;
  HeadSubscriptionStats stats_;
  std::uint64_t last_head_ = 0;
  bool stopping_ = false;
  std::function<void()> close_socket_;  ///< closes the socket of the session in progress
  boost::asio::steady_timer retry_;
};

}  // namespace givewatch::chains
