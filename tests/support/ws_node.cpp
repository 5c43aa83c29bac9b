#include "tests/support/ws_node.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <list>
#include <mutex>

namespace givewatch::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsNode::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread accepting;
  std::mutex mutex;
  std::list<std::thread> connections;
  std::list<std::shared_ptr<tcp::socket>> sockets;
  std::atomic<bool> closing{false};
};

WsNode::WsNode(Mode mode) : impl_(std::make_unique<Impl>()) {
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accepting = std::thread([this, mode] {
    while (!impl_->closing) {
      auto socket = std::make_shared<tcp::socket>(impl_->io);
      boost::system::error_code ec;
      impl_->acceptor.accept(*socket, ec);
      if (ec || impl_->closing) break;
      std::lock_guard lock(impl_->mutex);
      impl_->sockets.push_back(socket);
      impl_->connections.emplace_back([this, mode, socket] {
        try {
          websocket::stream<tcp::socket&> ws(*socket);
          ws.accept();
          beast::flat_buffer buffer;
          ws.read(buffer);  // eth_subscribe
          ws.write(asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"result":"0x9ce59a13059e417087c02d3236a0b1cc"})")));
          ++subscriptions_;
          if (mode == Mode::drops) {
            socket->close();
            return;
          }
          while (true) {  // silent: reads (and answers pings, which Beast does) until the client leaves
            buffer.clear();
            ws.read(buffer);
          }
        } catch (const std::exception&) {
        }
      });
    }
  });
}

WsNode::~WsNode() {
  impl_->closing = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& s : impl_->sockets) s->shutdown(tcp::socket::shutdown_both, ignored);
  }
  // A blocked accept() is not always woken by close(): connect once to end it.
  try {
    tcp::socket poke(impl_->io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  } catch (...) {
  }
  impl_->accepting.join();
  std::lock_guard lock(impl_->mutex);
  for (auto& s : impl_->sockets) s->shutdown(tcp::socket::shutdown_both, ignored);  // wakes blocked reads
  for (auto& t : impl_->connections) t.join();
}

}  // namespace givewatch::test
