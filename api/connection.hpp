#pragma once

// Private to givewatch::api: a server connection, shared by server.cpp and streams.cpp.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>

#include "api/server.hpp"

namespace givewatch::api {

/// Completion token of the socket layer: errors come back as values, never as exceptions.
inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
using Clock = std::chrono::steady_clock;

/// One connection: its socket and the deadline that its watchdog enforces. Moving the deadline
/// later costs a store; only an earlier one wakes the watchdog. The watchdog closes the socket at the
/// deadline, which ends the read or write in flight with operation_aborted.
struct Server::Connection {
  explicit Connection(boost::asio::ip::tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);  // for Server::write's first, synchronous attempt
  }

  boost::asio::ip::tcp::socket socket;
  boost::asio::steady_timer timer;
  std::string head;  ///< the answer's status line and fields, reused from request to request
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point armed = Clock::time_point::max();  ///< when the watchdog's timer fires
  bool done = false;
  bool timed_out = false;

  void expires_after(Clock::duration d) { expires_at(Clock::now() + d); }
  void expires_never() { deadline = Clock::time_point::max(); }
  void expires_at(Clock::time_point t) {
    deadline = t;
    if (deadline < armed) timer.cancel();  // the watchdog re-arms for the earlier deadline
  }
  /// Ends the watchdog; the socket closes when the last owner lets go.
  void finish() {
    done = true;
    timer.cancel();
  }
};

}  // namespace givewatch::api
