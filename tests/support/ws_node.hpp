#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace givewatch::test {

/// A WebSocket endpoint that misbehaves the way a provider's head subscription can: it accepts
/// eth_subscribe("newHeads") and confirms it, then never sends a head (`silent`), or closes the
/// socket at once (`drops`). Listens on 127.0.0.1, a thread per connection.
class WsNode {
 public:
  enum class Mode { silent, drops };

  explicit WsNode(Mode mode);
  ~WsNode();
  WsNode(const WsNode&) = delete;
  WsNode& operator=(const WsNode&) = delete;

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
  /// Subscriptions confirmed so far.
  std::uint64_t subscriptions() const { return subscriptions_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> subscriptions_{0};
};

}  // namespace givewatch::test
