#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>

namespace givewatch::test {

/// A TCP port on 127.0.0.1 that nothing listens on right now: one the kernel just picked for a
/// listener that is closed again.
inline std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace givewatch::test
