#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>
#include <thread>

#include "api/server.hpp"

namespace givewatch::api::test {

namespace asio = boost::asio;

/// The server on its own thread, like the daemon runs it.
class Running {
 public:
  Running(Api& api, ServerOptions options) : server_(io_.get_executor(), api, std::move(options)) {
    auto ok = server_.listen();
    if (!ok) throw std::runtime_error(ok.error().message);
    asio::co_spawn(io_, server_.run(), asio::bind_cancellation_slot(stop_.slot(), asio::detached));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Running() {
    asio::post(io_, [this] { stop_.emit(asio::cancellation_type::terminal); });
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }
  std::size_t connections() const { return server_.connections(); }

 private:
  asio::io_context io_;
  Server server_;
  asio::cancellation_signal stop_;
  std::thread thread_;
};

}  // namespace givewatch::api::test
