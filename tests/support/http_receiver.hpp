#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace givewatch::test {

/// A real HTTP/1.1 receiver on 127.0.0.1 for webhook and chat deliveries: records every request and
/// answers as the test scripts it (a status, headers, a body, or no answer at all), and can go down
/// (connection refused) and come back on the same port.
class HttpReceiver {
 public:
  struct Reply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool hang = false;  ///< read the request, never answer (until down() or the end)
  };

  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  ///< names lowercased
    std::string body;
    unsigned answered = 0;  ///< the status sent; 0 when the receiver hung
    std::chrono::steady_clock::time_point at;  ///< when the whole request had arrived
  };

  HttpReceiver();
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string url(const std::string& path = "/hook") const;

  /// The answer to every request from now on (after the queued ones).
  void answer(Reply reply);
  /// Answers the next `times` requests with `reply`, before the default.
  void answer_next(Reply reply, std::size_t times = 1);
  /// Answers every request from now on (after the queued ones) with what `handler` makes of it, on
  /// the receiver's thread: a fake server that reads what it is asked.
  void respond(std::function<Reply(const Request&)> handler);

  /// Stops listening and drops every connection: senders see the connection refused.
  void down();
  /// Listens again on the same port.
  void up();

  std::vector<Request> requests() const;
  std::size_t count() const;  ///< requests().size() without copying them
  /// Waits until `done(requests())` holds, up to `timeout`; false on timeout.
  bool wait_for(const std::function<bool(const std::vector<Request>&)>& done,
                std::chrono::seconds timeout = std::chrono::seconds(60)) const;

 private:
  struct Connection;
  void listen();
  void accept();
  void serve(std::shared_ptr<Connection> c);
  Reply next_reply(const Request& request);
  /// Runs `f` on the receiver's thread and waits for it.
  void on_thread(const std::function<void()>& f);

  boost::asio::io_context io_{1};
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::list<std::weak_ptr<Connection>> connections_;  // receiver's thread only
  mutable std::mutex mutex_;
  Reply default_;
  std::function<Reply(const Request&)> handler_;
  std::deque<Reply> queued_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace givewatch::test
