#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/connection.hpp"
#include "givewatch/version.hpp"

namespace givewatch::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// Counts a connection for as long as it lives.
class Slot {
 public:
  explicit Slot(std::shared_ptr<std::atomic<std::size_t>> n) : n_(std::move(n)) { ++*n_; }
  ~Slot() { --*n_; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::shared_ptr<std::atomic<std::size_t>> n_;
};

}  // namespace

namespace {

/// Finishes a connection however the coroutine that owns it ends, an exception included.
class Finish {
 public:
  explicit Finish(Server::Connection& c) : c_(c) {}
  ~Finish() { c_.finish(); }
  Finish(const Finish&) = delete;
  Finish& operator=(const Finish&) = delete;

 private:
  Server::Connection& c_;
};

Task<void> watchdog(std::shared_ptr<Server::Connection> c) {
  while (!c->done) {
    c->armed = c->deadline;
    c->timer.expires_at(c->armed);
    co_await c->timer.async_wait(kTuple);
    if (c->done) break;
    if (Clock::now() >= c->deadline) {
      c->timed_out = true;
      boost::system::error_code ignored;
      c->socket.close(ignored);
      break;
    }
  }
}

/// The status line and header fields of `r`, for HTTP/1.0 (version 10) or HTTP/1.1.
void serialize_head(std::string& out, const Response& r, unsigned version, bool keep_alive) {
  const auto status = static_cast<http::status>(r.status);
  const bool bodyless = r.status == 204 || r.status == 304;
  out.clear();
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += http::obsolete_reason(status);
  out += "\r\nServer: givewatch/";
  out += kVersion;
  out += "\r\n";
  auto field = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  if (!r.content_type.empty()) field("Content-Type", r.content_type);
  if (!r.etag.empty()) field("ETag", r.etag);
  if (r.status != 204) field("Cache-Control", r.cache_control);
  for (const auto& [name, value] : r.headers) field(name, value);
  // A streamed body is chunked (HTTP/1.1) or ends when the connection closes (HTTP/1.0).
  if (!bodyless && !r.stream) field("Content-Length", std::to_string(r.payload().size()));
  if (!bodyless && r.stream && version != 10) field("Transfer-Encoding", "chunked");
  // HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless told.
  if (version == 10 && keep_alive) field("Connection", "keep-alive");
  if (version != 10 && !keep_alive) field("Connection", "close");
  out += "\r\n";
}

}  // namespace

Server::Server(asio::any_io_executor executor, Api& api, ServerOptions options)
    : executor_(std::move(executor)), api_(api), options_(std::move(options)), acceptor_(executor_) {}

core::Result<void> Server::listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.host, ec);
  tcp::endpoint endpoint;
  if (ec) {
    tcp::resolver resolver(executor_);
    auto found = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || found.empty()) {
      return core::Error{core::Errc::invalid_argument,
                         "cannot resolve [server] listen host '" + options_.host + "': " + ec.message()};
    }
    endpoint = *found.begin();
  } else {
    endpoint = tcp::endpoint(address, options_.port);
  }
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error{core::Errc::invalid_argument,
                       "cannot listen on " + where + ": " + ec.message() +
                           (ec == asio::error::address_in_use ? " (another process has it; change [server] listen)" : "")};
  }
  port_ = acceptor_.local_endpoint().port();
  return {};
}

Task<void> Server::run() {
  spdlog::info("API listening on http://{}:{}", options_.host, port_);
  while (true) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      spdlog::warn("API: accept failed: {}", ec.message());
      continue;
    }
    auto strand = asio::make_strand(executor_);
    if (active_->load() >= options_.max_connections) {
      asio::co_spawn(strand, refuse(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(strand, session(std::move(socket)), asio::detached);
    }
  }
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

Task<void> Server::refuse(tcp::socket socket) {
  auto c = std::make_shared<Connection>(std::move(socket));
  Finish finish(*c);
  asio::co_spawn(co_await asio::this_coro::executor, watchdog(c), asio::detached);
  Response r = error(503, "unavailable", "too many open connections; try again shortly");
  r.headers.emplace_back("Retry-After", "1");
  c->expires_after(std::chrono::seconds(1));
  co_await write(*c, r, 11, false, false);
}

Task<bool> Server::write(Connection& c, const Response& r, unsigned version, bool keep_alive, bool head) {
  serialize_head(c.head, r, version, keep_alive);
  const bool bodyless = head || r.status == 204 || r.status == 304;
  if (r.stream && !bodyless) co_return co_await write_stream(c, r, version);
  const std::string_view body = bodyless ? std::string_view() : r.payload();
  std::array<asio::const_buffer, 2> buffers{asio::buffer(c.head), asio::buffer(body.data(), body.size())};
  // Nearly every answer fits in the socket's send buffer: write it at once, without a deadline.
  boost::system::error_code ec;
  std::size_t written = asio::write(c.socket, buffers, ec);
  if (!ec) co_return true;
  if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
  // The rest waits for the client to read, under the write deadline.
  const std::size_t from_head = std::min(written, c.head.size());
  std::array<asio::const_buffer, 2> rest{asio::buffer(c.head) + from_head,
                                         asio::buffer(body.data(), body.size()) + (written - from_head)};
  c.expires_after(options_.write_timeout);
  auto [wec, n] = co_await asio::async_write(c.socket, rest, kTuple);
  c.expires_never();
  co_return !wec;
}

Task<void> Server::session(tcp::socket socket) {
  Slot slot(active_);
  auto c = std::make_shared<Connection>(std::move(socket));
  Finish finish(*c);
  boost::system::error_code ignored;
  c->socket.set_option(tcp::no_delay(true), ignored);
  asio::co_spawn(co_await asio::this_coro::executor, watchdog(c), asio::detached);
  beast::flat_buffer buffer;
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(options_.header_limit);
    parser.body_limit(options_.body_limit);
    c->expires_after(options_.request_timeout);
    auto [rec, read_bytes] = co_await http::async_read(c->socket, buffer, parser, kTuple);
    if (rec) {
      std::optional<Response> answer;
      if (c->timed_out) {
        // the watchdog closed the socket: a request that did not arrive in time
      } else if (rec == http::error::header_limit) {
        answer = error(431, "header_too_large",
                       "request headers are over " + std::to_string(options_.header_limit) + " bytes");
      } else if (rec == http::error::body_limit) {
        answer = error(413, "payload_too_large", "request bodies are limited to " + std::to_string(options_.body_limit) +
                                                      " bytes; this API takes none");
      } else if (rec != http::error::end_of_stream && rec != asio::error::eof &&
                 rec != asio::error::connection_reset && rec != asio::error::operation_aborted) {
        answer = error(400, "bad_request", "malformed HTTP request: " + rec.message());
      }
      if (answer) co_await write(*c, *answer, 11, false, false);
      break;
    }
    auto& req = parser.get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    if (auto it = req.find(http::field::if_none_match); it != req.end()) request.if_none_match = std::string(it->value());
    if (auto it = req.find(http::field::origin); it != req.end()) request.origin = std::string(it->value());

    if (req.method() == http::verb::get) {
      const std::string path = request.target.substr(0, request.target.find('?'));
      if (auto campaign = api_.event_stream(path)) {
        std::string last_event_id;
        if (auto it = req.find("Last-Event-ID"); it != req.end()) last_event_id = std::string(it->value());
        co_await event_stream(*c, *campaign, std::move(last_event_id), request.origin);
        break;
      }
    }
    Response answer = api_.handle(request);
    if (answer.deferred) answer = co_await answer.deferred();
    // An HTTP/1.0 client learns where a streamed body ends only from the connection closing.
    const bool keep_alive = req.keep_alive() && !(answer.stream && req.version() == 10);
    if (!co_await write(*c, answer, req.version(), keep_alive, req.method() == http::verb::head) || !keep_alive) break;
  }
  c->socket.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace givewatch::api
