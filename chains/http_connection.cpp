#include "chains/http_connection.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
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

/// The server closed the connection: a clean TCP end, or a TLS stream that ended without a
/// close_notify (how most servers and load balancers drop idle keep-alive connections).
bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

/// The Host header for `endpoint`: IPv6 literals in brackets, the port when it is not the default.
std::string host_header(const Endpoint& endpoint) {
  std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  if (endpoint.port != (endpoint.tls ? "443" : "80")) host += ":" + endpoint.port;
  return host;
}

}  // namespace

bool set_tls_peer_name(SSL* ssl, const std::string& host) {
  // An address literal is checked against the certificate's IP addresses and is not sent as SNI,
  // which carries host names only (RFC 6066, section 3). OpenSSL checks the name as part of
  // verification, so a mismatch is reported as such.
  boost::system::error_code not_an_address;
  asio::ip::make_address(host, not_an_address);
  const bool address = !not_an_address;
  X509_VERIFY_PARAM* verify = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return address ? X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str()) == 1
                 : SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
                       X509_VERIFY_PARAM_set1_host(verify, host.c_str(), 0) == 1;
}

HttpConnection::HttpConnection(asio::any_io_executor executor, asio::ssl::context& tls, Endpoint endpoint,
                               HttpLimits limits)
    : executor_(std::move(executor)), tls_context_(tls), endpoint_(std::move(endpoint)), limits_(limits) {
  // Beast reads at most what the buffer has room for: without room, a 6 MB answer arrives in
  // hundreds of thousands of 512-byte reads.
  buffer_.reserve(64 * 1024);
}

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
  SSL* ssl = secure_->native_handle();
  if (!set_tls_peer_name(ssl, endpoint_.host)) {
    secure_.reset();
    co_return RpcError{RpcErrc::connection, "TLS: cannot set the server name for " + endpoint_.redacted};
  }
  secure_->set_verify_mode(asio::ssl::verify_peer);
  beast::get_lowest_layer(*secure_).expires_at(step_deadline(deadline, limits_.connect_timeout));
  auto [hec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    RpcError e = transport_error(hec, "TLS handshake with");
    const long verified = SSL_get_verify_result(ssl);
    if (hec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(hec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED &&
        verified != X509_V_OK) {
      e.message = "TLS handshake with " + endpoint_.redacted + ": certificate verify failed (" +
                  X509_verify_cert_error_string(verified) + ")";
      if (verified == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || verified == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
          verified == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || verified == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
        e.message += "; if the endpoint uses a private CA, name its certificate in ca_file";
      }
    }
    secure_.reset();
    co_return e;
  }
  co_return RpcResult<void>{};
}

template <class Stream>
Task<RpcResult<HttpResponse>> HttpConnection::exchange(Stream& stream, const std::string& body,
                                                       Clock::time_point deadline, std::uint64_t body_limit,
                                                       const HttpHeaders& headers, bool& sent_nothing_back) {
  http::request<http::string_body> req{http::verb::post, endpoint_.target, 11};
  req.set(http::field::host, host_header(endpoint_));
  req.set(http::field::user_agent, std::string("givewatch/") + kVersion);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  if (!endpoint_.authorization.empty()) req.set(http::field::authorization, endpoint_.authorization);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();

  lowest_layer().expires_at(step_deadline(deadline, limits_.io_timeout));
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return transport_error(wec, "sending a request to");

  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(64 * 1024);
  lowest_layer().expires_at(step_deadline(deadline, limits_.io_timeout));
  auto [rec, read] = co_await http::async_read(stream, buffer_, parser, kTuple);
  if (rec) {
    sent_nothing_back = read == 0 && (closed_by_peer(rec) || rec == asio::error::connection_reset);
    if (rec == http::error::body_limit) {
      co_return RpcError{RpcErrc::bad_response, "the answer from " + endpoint_.redacted + " is over " +
                                                    std::to_string(body_limit) +
                                                    " bytes, the limit for this call"};
    }
    if (closed_by_peer(rec) || rec == http::error::partial_message) {
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

Task<RpcResult<HttpResponse>> HttpConnection::post(const std::string& body, Clock::time_point deadline,
                                                   AnswerSize size, HttpHeaders headers) {
  const std::uint64_t body_limit = size == AnswerSize::large ? limits_.large_body_limit : limits_.body_limit;
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
      result = co_await exchange(*secure_, body, deadline, body_limit, headers, sent_nothing_back);
    } else {
      result = co_await exchange(*plain_, body, deadline, body_limit, headers, sent_nothing_back);
    }
    if (result) co_return std::move(result);
    close();
    // A kept-alive connection the server had already closed: try once more on a fresh one.
    if (!(reused && sent_nothing_back)) co_return result;
  }
  co_return RpcError{RpcErrc::connection, endpoint_.redacted + " keeps closing connections"};
}

}  // namespace givewatch::chains
