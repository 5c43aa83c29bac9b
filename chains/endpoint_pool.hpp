#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "chains/eth.hpp"
#include "chains/head_view.hpp"
#include "chains/rpc_client.hpp"

namespace givewatch::chains {

struct PoolOptions {
  std::chrono::milliseconds call_budget{60'000};     ///< a call gives up after this, retries included
  std::chrono::milliseconds attempt_timeout{30'000};  ///< one attempt on one endpoint
  std::chrono::milliseconds backoff_base{200};        ///< first retry delay; doubles, with jitter
  std::chrono::milliseconds backoff_cap{10'000};
  std::uint64_t max_head_lag = 32;  ///< an endpoint this many blocks behind the best is not trusted for the head
  HttpLimits http;
};

/// Upper bounds, in seconds, of the RPC latency histogram buckets.
inline constexpr std::array<double, 11> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

/// What the API and the metrics report about an endpoint (URL redacted).
struct EndpointStatus {
  std::string url;
  bool healthy = false;
  std::string last_error;
  std::optional<std::uint64_t> head;
  std::uint64_t requests = 0;
  std::map<std::string, std::uint64_t> errors;  ///< by kind: timeout, connection, rate_limited, ...
  std::array<std::uint64_t, kLatencyBuckets.size()> latency_buckets{};  ///< cumulative counts per bound
  double latency_sum = 0;  ///< seconds
};

/// An eth_getLogs answer and the endpoint (redacted URL) that gave it.
struct LogsAnswer {
  std::vector<eth::Log> logs;
  std::string source;
};

/// Which endpoints may answer a call.
struct CallOptions {
  std::uint64_t min_head = 0;  ///< only endpoints known to have reached this block
  bool needs_logs = false;     ///< only endpoints that serve eth_getLogs
  /// An endpoint (redacted URL) asked only when no other one may answer; the text must outlive the
  /// call. A view keeps CallOptions trivial: g++ 12 frees a temporary with a string member twice when
  /// it is built inside a co_await expression.
  std::string_view avoid;
};

/// The endpoints of one chain. Each must answer eth_chainId with the configured id or it is
/// refused with a log line. Calls go to the first healthy endpoint in configuration order; a
/// retryable failure (timeout, connection, 429, 5xx, garbage) cools that endpoint down with capped
/// exponential backoff and jitter (or its Retry-After) and the call moves on, until the call budget
/// is spent. Errors that retrying cannot fix (range too wide, invalid params) return at once.
class EndpointPool {
 public:

  EndpointPool(boost::asio::any_io_executor executor, std::string chain, std::uint64_t chain_id,
               const std::vector<std::string>& urls, boost::asio::ssl::context& tls, PoolOptions options = {});
  ~EndpointPool();

  Task<RpcResult<boost::json::value>> call(std::string method, boost::json::array params, CallOptions options);
  Task<RpcResult<std::vector<RpcResult<boost::json::value>>>> batch(std::vector<RpcRequest> requests,
                                                                    CallOptions options);

  /// eth_getLogs of blocks from..to (`filter` gives the rest) on an endpoint that serves it and has
  /// reached `to`, parsed straight into logs. An answer that check_logs_answer refuses is an error of
  /// that endpoint: it cools down and the call moves on.
  /// With `avoid` (a LogsAnswer's source), another endpoint answers when one may.
  Task<RpcResult<LogsAnswer>> get_logs(boost::json::object filter, std::uint64_t from, std::uint64_t to,
                                       std::string avoid = {});

  /// Cools down the endpoint `source` (a LogsAnswer's) after its answer proved wrong, so that the
  /// next call asks another one; `why` is logged and shown as its last error.
  void distrust(std::string_view source, const std::string& why);

  /// The chain head (eth_blockNumber) from every usable endpoint: the highest answer that rule 3
  /// lets count (HeadView), with endpoints far behind it marked lagging. An endpoint whose claim is
  /// not proven is cooled down with a warning. RpcErrc::not_reached when every endpoint is cooling down.
  Task<RpcResult<std::uint64_t>> head();

  /// eth_getBlockByNumber(tag): "latest", "finalized", "safe" or a block number.
  Task<RpcResult<eth::Header>> block(std::string tag, CallOptions options = {});

  /// A snapshot, safe to take from any thread.
  std::vector<EndpointStatus> status() const;
  const std::string& chain() const noexcept { return chain_; }

 private:
  struct State;
  template <class T>
  using Attempt = std::function<Task<RpcResult<T>>(RpcClient&, Clock::time_point)>;

  template <class T>
  Task<RpcResult<T>> run(std::string what, CallOptions options, Attempt<T> attempt);
  /// The head `s` reports, once rule 3 (see HeadView) lets it count; an error says why it does not.
  Task<RpcResult<std::uint64_t>> head_of(State& s, Clock::time_point deadline);
  /// Asks the endpoint's eth_chainId; an error says why it is not (yet) usable.
  Task<RpcResult<void>> verify(State& s, Clock::time_point deadline);
  State* pick(const CallOptions& options);
  void failed(State& s, const RpcError& e);
  /// Counts one request to `s` and its latency (and its error), and publishes the status snapshot.
  void record(State& s, Clock::time_point started, std::optional<RpcErrc> error);
  void publish();
  std::chrono::milliseconds backoff(unsigned failures);

  boost::asio::any_io_executor executor_;
  std::string chain_;
  std::uint64_t chain_id_;
  PoolOptions options_;
  std::vector<std::unique_ptr<State>> endpoints_;
  HeadView head_view_;
  std::mt19937 rng_;
  mutable std::mutex snapshot_mutex_;
  std::vector<EndpointStatus> snapshot_;
};

}  // namespace givewatch::chains
