#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "chains/eth.hpp"
#include "chains/http_connection.hpp"

namespace givewatch::chains {

/// One JSON-RPC request of a batch.
struct RpcRequest {
  std::string method;
  boost::json::array params;
};

/// JSON-RPC 2.0 over one HTTP connection to one endpoint: one attempt per call; retries and
/// failover are the EndpointPool's. Answers are checked to be the answer to what was asked (the
/// same id, a result or an error object); anything else is RpcErrc::bad_response, never a crash:
/// an answer over its size limit (HttpLimits: small for single calls, large for eth_getLogs and
/// batches) and anything thrown while one answer is parsed are errors of that call. A provider's
/// error text is bounded (core::bounded_text) before it is classified or put in a message.
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

  /// eth_getLogs with `filter`, its answer parsed straight into logs (see parse_logs_answer).
  Task<RpcResult<std::vector<eth::Log>>> get_logs(boost::json::object filter, Clock::time_point deadline);

  const Endpoint& endpoint() const noexcept { return http_.endpoint(); }
  void close() { http_.close(); }

 private:
  /// One HTTP exchange; 429 and other non-200 statuses become errors (keeping a JSON-RPC error's
  /// message when the body holds one).
  Task<RpcResult<HttpResponse>> post(const std::string& body, std::string_view what,
                                     Clock::time_point deadline, AnswerSize size);
  Task<RpcResult<boost::json::value>> exchange(const std::string& body, std::string_view what,
                                               Clock::time_point deadline, AnswerSize size);
  /// Matches the answer to a batch to its requests (ids from `first` on).
  RpcResult<std::vector<RpcResult<boost::json::value>>> batch_answers(boost::json::value answer,
                                                                      const std::vector<RpcRequest>& requests,
                                                                      std::uint64_t first,
                                                                      std::string_view what);

  HttpConnection http_;
  std::uint64_t next_id_ = 1;
};

/// Parses the body of one HTTP answer into a JSON document. A body that is not JSON, or that cannot
/// be held (std::bad_alloc or anything else thrown while parsing), is a bad_response of `what`.
RpcResult<boost::json::value> parse_answer(std::string_view body, std::string_view what,
                                           const Endpoint& endpoint);

/// Interprets one JSON-RPC response object answering request `id`. Pass the response by move: the
/// result is moved out of it, not copied (an eth_getLogs result can be tens of megabytes).
RpcResult<boost::json::value> parse_response(boost::json::value response, std::uint64_t id, std::string_view what,
                                             const Endpoint& endpoint);

}  // namespace givewatch::chains
