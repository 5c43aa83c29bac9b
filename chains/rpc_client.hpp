#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "chains/http_connection.hpp"

namespace givewatch::chains {

/// One JSON-RPC request of a batch.
struct RpcRequest {
  std::string method;
  boost::json::array params;
};

/// JSON-RPC 2.0 over one HTTP connection to one endpoint: one attempt per call; retries and
/// failover are the EndpointPool's. Answers are checked to be the answer to what was asked (the
/// same id, a result or an error object); anything else is RpcErrc::bad_response, never a crash.
class RpcClient {
 public:
  RpcClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, Endpoint endpoint,
            HttpLimits limits = {});

  Task<RpcResult<boost::json::value>> call(std::string_view method, boost::json::array params,
                                           Clock::time_point deadline);

  /// Sends all requests in one HTTP request. The outer result fails when the whole exchange does;
  /// each element carries its own answer, in the order of `requests`.
  Task<RpcResult<std::vector<RpcResult<boost::json::value>>>> batch(const std::vector<RpcRequest>& requests,
                                                                    Clock::time_point deadline);

  const Endpoint& endpoint() const noexcept { return http_.endpoint(); }
  void close() { http_.close(); }

 private:
  Task<RpcResult<boost::json::value>> exchange(const std::string& body, std::string_view what,
                                               Clock::time_point deadline);

  HttpConnection http_;
  std::uint64_t next_id_ = 1;
};

/// Interprets one JSON-RPC response object answering request `id`.
RpcResult<boost::json::value> parse_response(const boost::json::value& response, std::uint64_t id,
                                             std::string_view what, const Endpoint& endpoint);

}  // namespace givewatch::chains
