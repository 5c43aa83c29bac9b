#include "chains/endpoint_pool.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace givewatch::chains {

namespace asio = boost::asio;
namespace json = boost::json;

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
};

EndpointPool::EndpointPool(asio::any_io_executor executor, std::string chain, std::uint64_t chain_id,
                           const std::vector<std::string>& urls, asio::ssl::context& tls, PoolOptions options)
    : executor_(std::move(executor)),
      chain_(std::move(chain)),
      chain_id_(chain_id),
      options_(options),
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
  s.cooldown_until = Clock::now() + (e.retry_after ? *e.retry_after : backoff(s.failures));
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
  for (auto& s : endpoints_) {
    if (s->refused || s->cooldown_until > now) continue;
    if (options.needs_logs && !s->serves_logs) continue;
    if (s->lagging || (options.min_head && s->head && *s->head < options.min_head)) continue;
    return s.get();
  }
  return nullptr;
}

template <class T>
Task<RpcResult<T>> EndpointPool::run(std::string what, CallOptions options, Attempt<T> attempt) {
  const auto deadline = Clock::now() + options_.call_budget;
  std::optional<RpcError> last;
  while (true) {
    State* s = pick(options);
    if (!s && options.min_head) {
      // Nobody is known to have the block yet; the freshest endpoint may have it by now.
      CallOptions relaxed = options;
      relaxed.min_head = 0;
      s = pick(relaxed);
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

Task<RpcResult<std::vector<eth::Log>>> EndpointPool::get_logs(json::object filter, std::uint64_t min_head) {
  Attempt<std::vector<eth::Log>> attempt = [filter = std::move(filter)](RpcClient& c, Clock::time_point deadline) {
    return c.get_logs(filter, deadline);
  };
  co_return co_await run<std::vector<eth::Log>>("eth_getLogs", CallOptions{min_head, true}, std::move(attempt));
}

Task<RpcResult<std::uint64_t>> EndpointPool::head() {
  std::optional<std::uint64_t> best;
  std::optional<RpcError> last;
  const auto now = Clock::now();
  for (auto& s : endpoints_) {
    if (s->refused || s->cooldown_until > now) continue;
    const auto deadline = Clock::now() + std::min(options_.attempt_timeout, std::chrono::milliseconds(5'000));
    if (!s->verified) {
      if (auto verified = co_await verify(*s, deadline); !verified) {
        if (verified.error().kind == RpcErrc::cancelled) co_return verified.error();
        last = verified.error();
        continue;
      }
    }
    const auto started = Clock::now();
    auto answer = co_await s->client.call("eth_blockNumber", json::array{}, deadline);
    record(*s, started, answer ? std::nullopt : std::optional(answer.error().kind));
    if (!answer) {
      if (answer.error().kind == RpcErrc::cancelled) co_return answer.error();
      failed(*s, answer.error());
      last = answer.error();
      continue;
    }
    auto n = eth::parse_quantity(*answer, "eth_blockNumber");
    if (!n) {
      RpcError e{RpcErrc::bad_response, "eth_blockNumber on " + s->client.endpoint().redacted + ": " + n.error().message};
      failed(*s, e);
      last = e;
      continue;
    }
    s->failures = 0;
    s->head = *n;
    best = std::max(best.value_or(0), *n);
  }
  if (!best) {
    if (last) co_return *last;
    // Every endpoint is cooling down: wait through the usual retry path.
    auto answer = co_await call("eth_blockNumber", json::array{}, {});
    if (!answer) co_return answer.error();
    auto n = eth::parse_quantity(*answer, "eth_blockNumber");
    if (!n) co_return RpcError{RpcErrc::bad_response, "eth_blockNumber: " + n.error().message};
    co_return *n;
  }
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
