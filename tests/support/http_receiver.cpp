#include "tests/support/http_receiver.hpp"

#include <fcntl.h>
#include <pthread.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cctype>
#include <future>
#include <random>

namespace givewatch::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpReceiver::Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), hang(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer hang;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;

  void close() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    hang.cancel();
  }
};

HttpReceiver::HttpReceiver() {
  listen();
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "receiver");
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
}

HttpReceiver::~HttpReceiver() {
  down();
  io_.stop();
  thread_.join();
}

std::string HttpReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpReceiver::answer(Reply reply) {
  std::lock_guard lock(mutex_);
  default_ = std::move(reply);
}

void HttpReceiver::answer_next(Reply reply, std::size_t times) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < times; ++i) queued_.push_back(reply);
}

void HttpReceiver::respond(std::function<Reply(const Request&)> handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

HttpReceiver::Reply HttpReceiver::next_reply(const Request& request) {
  std::function<Reply(const Request&)> handler;
  {
    std::lock_guard lock(mutex_);
    if (!queued_.empty()) {
      Reply r = std::move(queued_.front());
      queued_.pop_front();
      return r;
    }
    if (!handler_) return default_;
    handler = handler_;
  }
  return handler(request);
}

std::vector<HttpReceiver::Request> HttpReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t HttpReceiver::count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool HttpReceiver::wait_for(const std::function<bool(const std::vector<Request>&)>& done,
                            std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(requests())) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void HttpReceiver::on_thread(const std::function<void()>& f) {
  if (!thread_.joinable()) return f();
  std::promise<void> done;
  asio::post(io_, [&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

void HttpReceiver::listen() {
  // The port is drawn below Linux's ephemeral range (32768 and up): while the receiver is down, an
  // outgoing connection could otherwise take its number as a local port and keep up() from binding
  // it again.
  std::mt19937 random(std::random_device{}());
  for (int attempt = 0;; ++attempt) {
    const auto port = port_ != 0 ? port_ : static_cast<std::uint16_t>(std::uniform_int_distribution<int>(20000, 32000)(random));
    acceptor_.emplace(io_);
    const tcp::endpoint at(asio::ip::make_address_v4("127.0.0.1"), port);
    acceptor_->open(at.protocol());
    // Not inherited by the processes a test starts (givewatch): a copy there would keep the port
    // listening after down().
    ::fcntl(acceptor_->native_handle(), F_SETFD, FD_CLOEXEC);
    acceptor_->set_option(tcp::acceptor::reuse_address(true));
    boost::system::error_code ec;
    acceptor_->bind(at, ec);
    if (!ec) {
      port_ = port;
      break;
    }
    if (port_ != 0 || attempt > 200) throw boost::system::system_error(ec, "HttpReceiver: bind 127.0.0.1:" + std::to_string(port));
  }
  acceptor_->listen();
  accept();
}

void HttpReceiver::down() {
  on_thread([this] {
    if (acceptor_) {
      boost::system::error_code ignored;
      acceptor_->close(ignored);
      acceptor_.reset();
    }
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) c->close();
    }
    connections_.clear();
  });
}

void HttpReceiver::up() {
  on_thread([this] {
    if (!acceptor_) listen();
  });
}

void HttpReceiver::accept() {
  acceptor_->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed by down()
    ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
    auto c = std::make_shared<Connection>(std::move(socket));
    connections_.remove_if([](const auto& w) { return w.expired(); });
    connections_.push_back(c);
    serve(c);
    if (acceptor_) accept();
  });
}

void HttpReceiver::serve(std::shared_ptr<Connection> c) {
  c->request = {};
  http::async_read(c->socket, c->buffer, c->request, [this, c](boost::system::error_code ec, std::size_t) {
    if (ec) return c->close();
    Request r;
    r.method = std::string(c->request.method_string());
    r.target = std::string(c->request.target());
    for (const auto& field : c->request) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
      r.headers[name] = std::string(field.value());
    }
    r.body = c->request.body();
    r.at = std::chrono::steady_clock::now();
    const Reply reply = next_reply(r);
    r.answered = reply.hang ? 0 : reply.status;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(r));
    }
    if (reply.hang) {
      c->hang.expires_after(std::chrono::hours(1));
      c->hang.async_wait([c](boost::system::error_code) { c->close(); });
      return;
    }
    c->response = http::response<http::string_body>(static_cast<http::status>(reply.status), 11);
    for (const auto& [name, value] : reply.headers) c->response.set(name, value);
    c->response.body() = reply.body;
    c->response.keep_alive(c->request.keep_alive());
    c->response.prepare_payload();
    http::async_write(c->socket, c->response, [this, c](boost::system::error_code wec, std::size_t) {
      if (wec || !c->response.keep_alive()) return c->close();
      serve(c);
    });
  });
}

}  // namespace givewatch::test
