#include "chains/endpoint_pool.hpp"

#include "chains/logs_check.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace givewatch::chains {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// A provider's Retry-After is honoured up to this; a longer one would silence the endpoint for good.
constexpr std::chrono::milliseconds kMaxRetryAfter{10 * 60 * 1000};

}  // namespace

struct EndpointPool::State {
  State(asio::any_io_executor ex, asio::ssl::context& tls, Endpoint e, HttpLimits limits)
      : client(std::move(ex), tls, std::move(e), limits) {}
  RpcClient client;
  bool verified = false;         ///< eth_chainId answered with the configured id
  bool refused = false;          ///< eth_chainId answered with another id: never used
  bool serves_logs = true;       ///< false once eth_getLogs was refused as unavailable
  bool lagging = false;          ///< far behind the best head
  unsigned failures = 0;         ///< consecutive retryable failures
  Clock::time_point cooldown_until{};
  std::string last_error;
  std::optional<std::uint64_t> head;
  EndpointStatus metrics;  ///< requests, errors and latency so far

  /// Rule 2: whether this endpoint is known to have `block` (its last believed head reached it).
  bool has_block(std::uint64_t block) const { return block == 0 || (!refused && head && *head >= block); }
};

EndpointPool::EndpointPool(asio::any_io_executor executor, std::string chain, std::uint64_t chain_id,
                           const std::vector<std::string>& urls, asio::ssl::context& tls, PoolOptions options)
    : executor_(std::move(executor)),
      chain_(std::move(chain)),
      chain_id_(chain_id),
      options_(options),
      head_view_(options.max_head_lag),
      rng_(std::random_device{}()) {
  for (const auto& url : urls) {
    auto endpoint = parse_endpoint(url);
    if (!endpoint) {
      spdlog::error("{}: {}", chain_, endpoint.error().message);
      continue;
    }
    endpoints_.push_back(std::make_unique<State>(executor_, tls, std::move(*endpoint), options_.http));
  }
  publish();
}

void EndpointPool::record(State& s, Clock::time_point started, std::optional<RpcErrc> error) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  auto& m = s.metrics;
  ++m.requests;
  m.latency_sum += seconds;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++m.latency_buckets[i];
  }
  if (error) ++m.errors[std::string(to_string(*error))];
  publish();
}

void EndpointPool::publish() {
  std::vector<EndpointStatus> out;
  const auto now = Clock::now();
  for (const auto& s : endpoints_) {
    EndpointStatus e = s->metrics;
    e.url = s->client.endpoint().redacted;
    e.healthy = !s->refused && s->serves_logs && !s->lagging && s->cooldown_until <= now;
    e.last_error = s->last_error;
    e.head = s->head;
    out.push_back(std::move(e));
  }
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(out);
}

EndpointPool::~EndpointPool() = default;

std::chrono::milliseconds EndpointPool::backoff(unsigned failures) {
  const auto shift = std::min(failures, 16u);
  const auto ceiling = std::min<std::int64_t>(options_.backoff_cap.count(), options_.backoff_base.count() << shift);
  // Full jitter between half and all of the ceiling keeps retries of many clients apart.
  std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(rng_));
}

void EndpointPool::failed(State& s, const RpcError& e) {
  ++s.failures;
  s.last_error = e.message;
  s.cooldown_until = Clock::now() + (e.retry_after ? std::min(*e.retry_after, kMaxRetryAfter) : backoff(s.failures));
  publish();
  if (s.failures == 1 || s.failures % 10 == 0) {
    spdlog::warn("{}: {} (failure {} in a row; retrying)", chain_, e.message, s.failures);
  }
}

Task<RpcResult<void>> EndpointPool::verify(State& s, Clock::time_point deadline) {
  const auto started = Clock::now();
  auto answer = co_await s.client.call("eth_chainId", json::array{}, deadline);
  record(s, started, answer ? std::nullopt : std::optional(answer.error().kind));
  if (!answer) {
    // Being stopped says nothing about the endpoint, and the caller must stop too.
    if (answer.error().kind != RpcErrc::cancelled) failed(s, answer.error());
    co_return answer.error();
  }
  auto id = eth::parse_quantity(*answer, "eth_chainId");
  if (!id) {
    RpcError e{RpcErrc::bad_response, "eth_chainId on " + s.client.endpoint().redacted + ": " + id.error().message};
    failed(s, e);
    co_return e;
  }
  if (*id != chain_id_) {
    s.refused = true;
    s.last_error = "eth_chainId is " + std::to_string(*id) + ", not " + std::to_string(chain_id_);
    publish();
    spdlog::error("{}: endpoint {} is on chain {} but [[chains]] '{}' has chain_id {}; not using it", chain_,
                  s.client.endpoint().redacted, *id, chain_, chain_id_);
    co_return RpcError{RpcErrc::wrong_chain, s.client.endpoint().redacted + ": " + s.last_error};
  }
  s.verified = true;
  spdlog::info("{}: endpoint {} verified (chain id {})", chain_, s.client.endpoint().redacted, chain_id_);
  co_return RpcResult<void>{};
}

EndpointPool::State* EndpointPool::pick(const CallOptions& options) {
  const auto now = Clock::now();
  State* avoided = nullptr;
  for (auto& s : endpoints_) {
    if (s->refused || s->cooldown_until > now) continue;
    if (options.needs_logs && !s->serves_logs) continue;
    if (s->lagging || !s->has_block(options.min_head)) continue;
    if (!options.avoid.empty() && s->client.endpoint().redacted == options.avoid) {
      avoided = s.get();
      continue;
    }
    return s.get();
  }
  return avoided;
}

template <class T>
Task<RpcResult<T>> EndpointPool::run(std::string what, CallOptions options, Attempt<T> attempt) {
  const auto deadline = Clock::now() + options_.call_budget;
  std::optional<RpcError> last;
  while (true) {
    State* s = pick(options);
    if (!s && options.min_head &&
        std::none_of(endpoints_.begin(), endpoints_.end(), [&](const auto& e) { return e->has_block(options.min_head); })) {
      // Rule 2: a block is asked only of an endpoint known to have it. None is: the step waits.
      co_return RpcError{RpcErrc::not_reached, what + ": no endpoint has reached block " +
                                                   std::to_string(options.min_head) + " yet"};
    }
    if (!s) {
      const bool any_possible = std::any_of(endpoints_.begin(), endpoints_.end(), [&](const auto& e) {
        return !e->refused && (!options.needs_logs || e->serves_logs);
      });
      if (!any_possible) {
        if (options.needs_logs && std::any_of(endpoints_.begin(), endpoints_.end(), [](const auto& e) { return !e->refused; })) {
          co_return RpcError{RpcErrc::method_unavailable,
                             "no endpoint serves eth_getLogs; configure a provider URL that does"};
        }
        co_return RpcError{RpcErrc::wrong_chain, "no usable RPC endpoint (every one is refused)"};
      }
      auto wake = deadline;
      for (const auto& e : endpoints_) {
        if (!e->refused) wake = std::min(wake, e->cooldown_until);
      }
      if (Clock::now() >= deadline) break;
      asio::steady_timer timer(executor_, std::max(wake, Clock::now() + std::chrono::milliseconds(10)));
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return RpcError{RpcErrc::cancelled, "cancelled"};
      // Endpoints cool down one by one; a lagging one may be the only one left.
      for (auto& e : endpoints_) e->lagging = e->lagging && Clock::now() < e->cooldown_until;
      continue;
    }
    const auto attempt_deadline = std::min(deadline, Clock::now() + options_.attempt_timeout);
    if (!s->verified) {
      if (auto verified = co_await verify(*s, attempt_deadline); !verified) {
        if (verified.error().kind == RpcErrc::cancelled) co_return verified.error();
        continue;
      }
    }
    const auto started = Clock::now();
    auto result = co_await attempt(s->client, attempt_deadline);
    record(*s, started, result ? std::nullopt : std::optional(result.error().kind));
    if (result) {
      if (s->failures > 0) spdlog::info("{}: endpoint {} answers again", chain_, s->client.endpoint().redacted);
      s->failures = 0;
      s->last_error.clear();
      co_return result;
    }
    const RpcError& e = result.error();
    if (e.kind == RpcErrc::cancelled) co_return e;
    if (e.kind == RpcErrc::method_unavailable && options.needs_logs) {
      s->serves_logs = false;
      s->last_error = e.message;
      publish();
      spdlog::error("{}: endpoint {} does not serve eth_getLogs ({}); givewatch needs a provider URL that does — "
                    "public endpoints often disable it", chain_, s->client.endpoint().redacted, e.message);
      continue;
    }
    if (!e.retryable()) co_return e;
    failed(*s, e);
    last = e;
    if (Clock::now() >= deadline) break;
  }
  RpcError e = last ? *last : RpcError{RpcErrc::timeout, ""};
  e.message = what + " failed on every endpoint for " +
              std::to_string(options_.call_budget.count() / 1000) + " s; last error: " + e.message;
  co_return e;
}

Task<RpcResult<json::value>> EndpointPool::call(std::string method, json::array params, CallOptions options) {
  Attempt<json::value> attempt = [method, params](RpcClient& c, Clock::time_point deadline) {
    return c.call(method, params, deadline);
  };
  co_return co_await run<json::value>(method, options, std::move(attempt));
}

Task<RpcResult<std::vector<RpcResult<json::value>>>> EndpointPool::batch(std::vector<RpcRequest> requests,
                                                                         CallOptions options) {
  const std::string what = requests.empty() ? "batch" : "batch of " + requests.front().method;
  const bool needs_logs = options.needs_logs;
  Attempt<std::vector<RpcResult<json::value>>> attempt =
      [requests = std::move(requests), needs_logs](
          RpcClient& c, Clock::time_point deadline) -> Task<RpcResult<std::vector<RpcResult<json::value>>>> {
    auto answers = co_await c.batch(requests, deadline);
    // An endpoint that refuses eth_getLogs inside a batch is as unusable for it as outside one.
    if (answers && needs_logs) {
      for (const auto& a : *answers) {
        if (!a && a.error().kind == RpcErrc::method_unavailable) co_return a.error();
      }
    }
    co_return answers;
  };
  co_return co_await run<std::vector<RpcResult<json::value>>>(what, options, std::move(attempt));
}

Task<RpcResult<LogsAnswer>> EndpointPool::get_logs(json::object filter, std::uint64_t from, std::uint64_t to,
                                                    std::string avoid) {
  filter["fromBlock"] = eth::quantity(from);
  filter["toBlock"] = eth::quantity(to);
  Attempt<LogsAnswer> attempt = [filter = std::move(filter), from, to](
                                    RpcClient& c, Clock::time_point deadline) -> Task<RpcResult<LogsAnswer>> {
    auto logs = co_await c.get_logs(filter, deadline);
    if (!logs) co_return logs.error();
    if (auto problem = check_logs_answer(*logs, from, to)) {
      co_return RpcError{RpcErrc::bad_response, "eth_getLogs on " + c.endpoint().redacted + ": " + *problem};
    }
    co_return LogsAnswer{std::move(*logs), c.endpoint().redacted};
  };
  co_return co_await run<LogsAnswer>("eth_getLogs", CallOptions{to, true, avoid}, std::move(attempt));
}

void EndpointPool::distrust(std::string_view source, const std::string& why) {
  for (auto& s : endpoints_) {
    if (s->client.endpoint().redacted == source) failed(*s, RpcError{RpcErrc::bad_response, why});
  }
}

Task<RpcResult<std::uint64_t>> EndpointPool::head() {
  std::optional<std::uint64_t> best;
  std::optional<RpcError> last;
  const auto now = Clock::now();
  for (auto& s : endpoints_) {
    if (s->refused || s->cooldown_until > now) continue;
    const auto deadline = Clock::now() + std::min(options_.attempt_timeout, std::chrono::milliseconds(5'000));
    auto claim = co_await head_of(*s, deadline);
    if (!claim) {
      if (claim.error().kind == RpcErrc::cancelled) co_return claim.error();
      last = claim.error();
      continue;
    }
    s->failures = 0;
    s->head = *claim;
    best = std::max(best.value_or(0), *claim);
  }
  if (!best) {
    if (last) co_return *last;
    if (std::all_of(endpoints_.begin(), endpoints_.end(), [](const auto& e) { return e->refused; })) {
      co_return RpcError{RpcErrc::wrong_chain, "no usable RPC endpoint (every one is refused)"};
    }
    co_return RpcError{RpcErrc::not_reached, "every endpoint is cooling down after errors; no head is known"};
  }
  head_view_.believe(*best);
  for (auto& s : endpoints_) {
    const bool lagging = s->head && *s->head + options_.max_head_lag < *best;
    if (lagging != s->lagging) {
      if (lagging) {
        spdlog::warn("{}: endpoint {} is at block {}, {} behind the best head {}; not using it until it catches up",
                     chain_, s->client.endpoint().redacted, *s->head, *best - *s->head, *best);
      } else {
        spdlog::info("{}: endpoint {} caught up", chain_, s->client.endpoint().redacted);
      }
      s->lagging = lagging;
    }
  }
  publish();
  co_return *best;
}

Task<RpcResult<std::uint64_t>> EndpointPool::head_of(State& s, Clock::time_point deadline) {
  if (!s.verified) {
    if (auto verified = co_await verify(s, deadline); !verified) co_return verified.error();
  }
  const auto& url = s.client.endpoint().redacted;
  const auto started = Clock::now();
  auto answer = co_await s.client.call("eth_blockNumber", json::array{}, deadline);
  record(s, started, answer ? std::nullopt : std::optional(answer.error().kind));
  if (!answer) {
    if (answer.error().kind != RpcErrc::cancelled) failed(s, answer.error());
    co_return answer.error();
  }
  auto n = eth::parse_quantity(*answer, "eth_blockNumber");
  if (!n) {
    RpcError e{RpcErrc::bad_response, "eth_blockNumber on " + url + ": " + n.error().message};
    failed(s, e);
    co_return e;
  }
  if (!head_view_.needs_proof(*n)) co_return *n;
  // Rule 3: a jump is believed once the endpoint shows the block it claims.
  json::array params;
  params.emplace_back(eth::quantity(*n));
  params.emplace_back(false);
  const auto proving = Clock::now();
  auto block = co_await s.client.call("eth_getBlockByNumber", std::move(params), deadline);
  record(s, proving, block ? std::nullopt : std::optional(block.error().kind));
  if (!block) {
    if (block.error().kind != RpcErrc::cancelled) failed(s, block.error());
    co_return block.error();
  }
  auto header = eth::parse_header(*block);
  if (header && *header && (*header)->number == *n) co_return *n;
  const std::string believed =
      head_view_.believed() ? "the believed head is " + std::to_string(*head_view_.believed()) : "no head is believed yet";
  RpcError e{RpcErrc::bad_response, "eth_blockNumber on " + url + " claims head " + std::to_string(*n) +
                                        " but the endpoint has no block " + std::to_string(*n) + " (" + believed +
                                        "); not believing it"};
  spdlog::warn("{}: {}", chain_, e.message);
  failed(s, e);
  co_return e;
}

Task<RpcResult<eth::Header>> EndpointPool::block(std::string tag, CallOptions options) {
  json::array params;  // built apart: g++ 12 rejects initializer lists inside co_await expressions
  params.emplace_back(tag);
  params.emplace_back(false);
  auto answer = co_await call("eth_getBlockByNumber", std::move(params), options);
  if (!answer) co_return answer.error();
  auto header = eth::parse_header(*answer);
  if (!header) co_return RpcError{RpcErrc::bad_response, "eth_getBlockByNumber(" + tag + "): " + header.error().message};
  if (!*header) co_return RpcError{RpcErrc::rpc_error, "block " + tag + " is not known to the endpoint"};
  co_return **header;
}

std::vector<EndpointStatus> EndpointPool::status() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

}  // namespace givewatch::chains
