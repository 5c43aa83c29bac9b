#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/handlers.hpp"
#include "core/task.hpp"

namespace givewatch::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                     ///< 0: any free port (tests)
  std::size_t max_connections = 1024;            ///< more are answered 503 and closed
  std::uint32_t header_limit = 8 * 1024;         ///< larger headers: 431
  std::uint64_t body_limit = 16 * 1024;          ///< larger request bodies: 413 (the API takes none)
  std::chrono::milliseconds request_timeout{15'000};  ///< a request must arrive whole within this
  std::chrono::milliseconds write_timeout{30'000};    ///< a client that reads slower is dropped
  std::chrono::milliseconds event_poll{100};          ///< how often event streams look for news
  std::chrono::milliseconds keepalive{15'000};        ///< comment line on idle event streams
};

/// The HTTP/1.1 server: a thin socket layer over Api. Keep-alive, one strand per connection,
/// deadlines on every read and write, limits on headers, bodies and connections, and Server-Sent
/// Events for /v1/campaigns/{id}/events, read from the store's event log by sequence number.
class Server {
 public:
  Server(boost::asio::any_io_executor executor, Api& api, ServerOptions options);

  /// Binds the listening socket; the error names the address and says what to do.
  core::Result<void> listen();
  /// The port listened on (the chosen one when options.port was 0).
  std::uint16_t port() const noexcept { return port_; }

  /// Accepts connections until cancelled.
  Task<void> run();

  std::size_t connections() const noexcept { return active_->load(); }

  struct Connection;  ///< a socket with its deadline (server.cpp)

 private:
  Task<void> session(boost::asio::ip::tcp::socket socket);
  Task<void> refuse(boost::asio::ip::tcp::socket socket);
  /// Writes `r` whole; false when the connection failed or its write deadline passed.
  Task<bool> write(Connection& c, const Response& r, unsigned version, bool keep_alive, bool head);
  /// Writes the head of `r` and then its streamed body, a piece at a time (streams.cpp).
  Task<bool> write_stream(Connection& c, const Response& r, unsigned version);
  /// Server-Sent Events of one campaign, or of every campaign when `campaign` is null.
  Task<void> event_stream(Connection& c, const config::Campaign* campaign, std::string last_event_id,
                          std::string origin);

  boost::asio::any_io_executor executor_;
  Api& api_;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  /// Open connections. Shared with each session, whose frame can outlive the Server when the
  /// io_context is destroyed with sessions still suspended in it.
  std::shared_ptr<std::atomic<std::size_t>> active_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace givewatch::api
