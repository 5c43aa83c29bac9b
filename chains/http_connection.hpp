#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chains/endpoint.hpp"
#include "chains/rpc_error.hpp"
#include "core/task.hpp"

namespace givewatch::chains {

using Clock = std::chrono::steady_clock;

/// An HTTP answer as received; the JSON-RPC layer decides what it means.
struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::optional<std::chrono::milliseconds> retry_after;  ///< from a Retry-After header in seconds
};

struct HttpLimits {
  std::chrono::milliseconds connect_timeout{5'000};  ///< resolve + connect + TLS handshake
  std::chrono::milliseconds io_timeout{30'000};      ///< each write and each read
  /// An answer to one call of any other method: a quantity, a block header with its transaction
  /// hashes. Reading stops here, so an endpoint cannot make givewatch hold more.
  std::uint64_t body_limit = 4ull << 20;
  std::uint64_t large_body_limit = 512ull << 20;  ///< eth_getLogs and batches: can be hundreds of MB
};

/// Extra request headers, name and value, sent as given.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// Which of the HttpLimits bounds an answer: large for eth_getLogs and batches, small for the rest.
enum class AnswerSize { small, large };

/// Names the TLS peer `host` for a client connection: SNI and the certificate's host name, or its
/// IP address for an address literal. False when OpenSSL refuses the name.
bool set_tls_peer_name(SSL* ssl, const std::string& host);

/// One keep-alive HTTP/1.1 connection to one endpoint, over TCP or TLS (SNI, certificate and host
/// name verified against the context's trust store). Not thread-safe: one request at a time.
class HttpConnection {
 public:
  HttpConnection(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, Endpoint endpoint,
                 HttpLimits limits = {});

  /// POSTs a JSON body and reads the whole answer. Every step has a deadline: the step's own
  /// timeout or `deadline`, whichever comes first. A connection the server closed while idle is
  /// reopened once. An answer over the limit for `size` is a bad_response, read no further than
  /// the limit, and its connection is closed.
  Task<RpcResult<HttpResponse>> post(const std::string& body, Clock::time_point deadline, AnswerSize size,
                                     HttpHeaders headers = {});

  /// Drops the connection; the next post opens a new one.
  void close();

  const Endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  Task<RpcResult<void>> connect(Clock::time_point deadline);
  template <class Stream>
  Task<RpcResult<HttpResponse>> exchange(Stream& stream, const std::string& body, Clock::time_point deadline,
                                         std::uint64_t body_limit, const HttpHeaders& headers,
                                         bool& sent_nothing_back);
  RpcError transport_error(const boost::system::error_code& ec, std::string_view doing) const;
  boost::beast::tcp_stream& lowest_layer();

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context& tls_context_;
  Endpoint endpoint_;
  HttpLimits limits_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace givewatch::chains
