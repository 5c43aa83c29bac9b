#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace givewatch::chains {

/// What went wrong with a JSON-RPC call, as far as deciding what to do next is concerned.
enum class RpcErrc {
  timeout,             ///< a deadline passed (connect, write, read or the call's budget); retry
  connection,          ///< refused, reset, closed early, DNS or TLS failure; retry, fail over
  http_status,         ///< an HTTP status other than 200 and 429 (5xx retry, 4xx do not)
  rate_limited,        ///< HTTP 429 or a "rate limit" JSON-RPC error; retry after retry_after
  bad_response,        ///< not the JSON-RPC answer we asked for: malformed, truncated, wrong shape
  rpc_error,           ///< a JSON-RPC error object not covered below
  range_too_wide,      ///< eth_getLogs span or result count over the provider's limit; shrink
  method_unavailable,  ///< the endpoint does not serve the method (e.g. eth_getLogs disabled)
  wrong_chain,         ///< the endpoint's eth_chainId is not the configured chain id
  not_reached,         ///< no endpoint is known to have the block asked for (yet); wait for the chain
  cancelled,           ///< givewatch is shutting down
};

/// The name of an error kind in metrics and logs.
std::string_view to_string(RpcErrc kind) noexcept;

/// A failed JSON-RPC call: the kind, a message that names the endpoint and method, and what the
/// provider said that helps the next attempt.
struct RpcError {
  RpcErrc kind = RpcErrc::rpc_error;
  std::string message;
  std::int64_t code = 0;  ///< JSON-RPC error code, or the HTTP status for http_status
  std::optional<std::chrono::milliseconds> retry_after;
  std::optional<std::uint64_t> max_range;  ///< for range_too_wide: the block span the provider allows

  /// Whether the same request may succeed if tried again (here or on another endpoint).
  bool retryable() const noexcept;
};

template <class T>
using RpcResult = boost::system::result<T, RpcError>;

/// Thrown by RpcResult<T>::value() on an error.
class RpcException : public std::runtime_error {
 public:
  explicit RpcException(RpcError e) : std::runtime_error(e.message), error_(std::move(e)) {}
  const RpcError& error() const noexcept { return error_; }

 private:
  RpcError error_;
};

[[noreturn]] inline void throw_exception_from_error(const RpcError& e, const boost::source_location&) {
  throw RpcException(e);
}

/// Classifies a JSON-RPC error object. Providers signal "range too wide / too many results" with
/// many codes and texts (-32005, -32602, -32614, -32000, ...); this recognises them by message and
/// extracts the block span they allow when the message names one.
RpcError classify_rpc_error(std::int64_t code, std::string_view message);

/// The block span a range-limit message allows, e.g. 2000 for "up to a 2000 block range" or
/// 10000 for "eth_getLogs is limited to a 10,000 range"; nothing when it names no span (a result
/// count cap such as "query returned more than 10000 results" is not a span).
std::optional<std::uint64_t> range_limit_from_message(std::string_view message);

}  // namespace givewatch::chains
