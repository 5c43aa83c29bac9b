#include "chains/http_connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

#include "givewatch/version.hpp"

namespace givewatch::chains {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Clock::time_point step_deadline(Clock::time_point deadline, std::chrono::milliseconds step) {
  return std::min(deadline, Clock::now() + step);
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  std::uint64_t seconds = 0;
  if (value.empty() || value.size() > 6) return std::nullopt;  // an HTTP date: use our own backoff
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return std::chrono::milliseconds(seconds * 1000);
}

}  // namespace

HttpConnection::HttpConnection(asio::any_io_executor executor, asio::ssl::context& tls, Endpoint endpoint,
                               HttpLimits limits)
    : executor_(std::move(executor)), tls_context_(tls), endpoint_(std::move(endpoint)), limits_(limits) {}

void HttpConnection::close() {
  if (secure_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*secure_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    secure_.reset();
  }
  if (plain_) {
    beast::error_code ignored;
    plain_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    plain_.reset();
  }
  buffer_.clear();
}

beast::tcp_stream& HttpConnection::lowest_layer() {
  return secure_ ? beast::get_lowest_layer(*secure_) : *plain_;
}

RpcError HttpConnection::transport_error(const boost::system::error_code& ec, std::string_view doing) const {
  RpcError e;
  e.kind = ec == beast::error::timeout ? RpcErrc::timeout : RpcErrc::connection;
  if (ec == asio::error::operation_aborted) e.kind = RpcErrc::cancelled;
  e.message = std::string(doing) + " " + endpoint_.redacted + ": " + ec.message();
  return e;
}

Task<RpcResult<void>> HttpConnection::connect(Clock::time_point deadline) {
  close();
  asio::ip::tcp::resolver resolver(executor_);
  auto [rec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, kTuple);
  if (rec) co_return transport_error(rec, "resolving");

  beast::tcp_stream stream(executor_);
  stream.expires_at(step_deadline(deadline, limits_.connect_timeout));
  auto [cec, ep] = co_await stream.async_connect(results, kTuple);
  if (cec) co_return transport_error(cec, "connecting to");
  stream.socket().set_option(asio::ip::tcp::no_delay(true));

  if (!endpoint_.tls) {
    plain_.emplace(std::move(stream));
    co_return RpcResult<void>{};
  }
  secure_.emplace(std::move(stream), tls_context_);
  if (!SSL_set_tlsext_host_name(secure_->native_handle(), endpoint_.host.c_str())) {
    secure_.reset();
    co_return RpcError{RpcErrc::connection, "TLS: cannot set the server name for " + endpoint_.redacted};
  }
  secure_->set_verify_mode(asio::ssl::verify_peer);
  secure_->set_verify_callback(asio::ssl::host_name_verification(endpoint_.host));
  beast::get_lowest_layer(*secure_).expires_at(step_deadline(deadline, limits_.connect_timeout));
  auto [hec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    secure_.reset();
    co_return transport_error(hec, "TLS handshake with");
  }
  co_return RpcResult<void>{};
}

template <class Stream>
Task<RpcResult<HttpResponse>> HttpConnection::exchange(Stream& stream, const std::string& body,
                                                       Clock::time_point deadline, bool& sent_nothing_back) {
  http::request<http::string_body> req{http::verb::post, endpoint_.target, 11};
  req.set(http::field::host, endpoint_.host);
  req.set(http::field::user_agent, std::string("givewatch/") + kVersion);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  if (!endpoint_.authorization.empty()) req.set(http::field::authorization, endpoint_.authorization);
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();

  lowest_layer().expires_at(step_deadline(deadline, limits_.io_timeout));
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return transport_error(wec, "sending a request to");

  http::response_parser<http::string_body> parser;
  parser.body_limit(limits_.body_limit);
  parser.header_limit(64 * 1024);
  lowest_layer().expires_at(step_deadline(deadline, limits_.io_timeout));
  auto [rec, read] = co_await http::async_read(stream, buffer_, parser, kTuple);
  if (rec) {
    sent_nothing_back = read == 0 && (rec == http::error::end_of_stream || rec == asio::error::connection_reset ||
                                      rec == asio::error::eof);
    if (rec == http::error::body_limit) {
      co_return RpcError{RpcErrc::bad_response,
                         "answer from " + endpoint_.redacted + " is over " + std::to_string(limits_.body_limit) +
                             " bytes"};
    }
    if (rec == http::error::end_of_stream || rec == http::error::partial_message || rec == asio::error::eof) {
      co_return RpcError{RpcErrc::connection,
                         endpoint_.redacted + " closed the connection before the answer was complete"};
    }
    co_return transport_error(rec, "reading the answer from");
  }
  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  if (auto it = res.find(http::field::retry_after); it != res.end()) out.retry_after = parse_retry_after(it->value());
  out.body = std::move(res.body());
  if (!res.keep_alive()) close();
  co_return out;
}

Task<RpcResult<HttpResponse>> HttpConnection::post(const std::string& body, Clock::time_point deadline) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = plain_ || secure_;
    if (!reused) {
      auto connected = co_await connect(deadline);
      if (!connected) co_return connected.error();
    }
    bool sent_nothing_back = false;
    // Not a conditional expression: g++ 12 mishandles the lifetime of co_await results inside ?:.
    RpcResult<HttpResponse> result = RpcError{};
    if (secure_) {
      result = co_await exchange(*secure_, body, deadline, sent_nothing_back);
    } else {
      result = co_await exchange(*plain_, body, deadline, sent_nothing_back);
    }
    if (result) co_return std::move(result);
    close();
    // A kept-alive connection the server had already closed: try once more on a fresh one.
    if (!(reused && sent_nothing_back)) co_return result;
  }
  co_return RpcError{RpcErrc::connection, endpoint_.redacted + " keeps closing connections"};
}

}  // namespace givewatch::chains
