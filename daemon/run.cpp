#include "daemon/run.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <csignal>
#include <list>
#include <memory>
#include <thread>

#include "alerts/dispatcher.hpp"
#include "attest/signer.hpp"
#include "api/server.hpp"
#include "proof/prover.hpp"
#include "chains/endpoint_pool.hpp"
#include "chains/head_subscription.hpp"
#include "chains/sink.hpp"
#include "chains/watcher.hpp"

namespace givewatch::daemon {
namespace {

namespace asio = boost::asio;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

/// One chain: its TLS settings, endpoints and watcher, and the signal that cancels it.
struct ChainRuntime {
  std::unique_ptr<asio::ssl::context> tls;
  std::unique_ptr<chains::EndpointPool> pool;
  std::unique_ptr<chains::Watcher> watcher;
  std::unique_ptr<chains::HeadSubscription> heads;  ///< when the chain has `ws` URLs
  asio::cancellation_signal stop;
  bool running = false;
  bool failed = false;  // stopped by an unexpected error rather than by a signal
};

/// The watchers' status, as the API shows it.
class WatcherStatus final : public api::ChainSource {
 public:
  WatcherStatus(const config::Config& config, const std::list<ChainRuntime>& chains) : config_(config), chains_(chains) {}

  std::vector<api::ChainView> chains() const override {
    std::vector<api::ChainView> out;
    for (const auto& chain : config_.chains) {
      api::ChainView v;
      v.name = chain.name;
      v.chain_id = chain.chain_id;
      for (const auto& rt : chains_) {
        if (!rt.pool || rt.pool->chain() != chain.name) continue;
        const auto s = rt.watcher->status();
        v.head = s.head;
        v.indexed = s.indexed;
        v.confirmed = s.confirmed;
        v.syncing = s.syncing;
        v.reorgs = s.reorgs;
        v.deepest_reorg = s.deepest_reorg;
        if (s.stall) v.stall = api::StallView{std::string(chains::to_string(s.stall->reason)), s.stall->detail};
        v.stalls = s.stalls;
        v.bloom_rechecks = s.bloom_rechecks;
        v.bloom_recovered = s.bloom_recovered;
        v.bloom_unconfirmed = s.bloom_unconfirmed;
        for (const auto& e : rt.pool->status()) {
          api::EndpointView ev{e.url, e.healthy, e.last_error, e.requests, e.errors, {}, e.latency_sum};
          for (std::size_t i = 0; i < chains::kLatencyBuckets.size(); ++i) {
            ev.latency.emplace_back(chains::kLatencyBuckets[i], e.latency_buckets[i]);
          }
          v.endpoints.push_back(std::move(ev));
        }
      }
      out.push_back(std::move(v));
    }
    return out;
  }

 private:
  const config::Config& config_;
  const std::list<ChainRuntime>& chains_;
};

}  // namespace

void hold_stop_signals() {
  const auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int run_daemon(const config::Config& config, storage::Store& store) {
  asio::io_context io(1);
  // Steps are written on a thread of their own, so a backfill fetches while it writes.
  asio::thread_pool writer(1);
  chains::StoreSink sink(store);
  std::list<ChainRuntime> chains;  // stable addresses: coroutines hold references

  // The API on a thread of its own, so that reads never wait behind indexing.
  asio::io_context api_io(1);
  WatcherStatus status(config, chains);
  // Before any step is applied: the dispatcher listens to the store's commits.
  alerts::Dispatcher alerts(config, store);
  std::unique_ptr<attest::Signer> signer;
  if (config.attestation) {
    auto loaded = attest::load_signer(config.attestation->key_file);
    if (!loaded) {
      spdlog::error("{}", loaded.error().message);
      return 1;
    }
    signer = std::move(*loaded);
    spdlog::info("attestations of campaign totals are signed by {}", core::to_checksum(signer->address()));
  }
  // Receipt proofs read blocks on connections and a thread of their own.
  proof::Prover prover(config);
  api::Api api(config, store, status, &alerts, signer.get(), &prover);
  api::ServerOptions server_options;
  server_options.host = config.server.host;
  server_options.port = config.server.port;
  api::Server server(api_io.get_executor(), api, server_options);
  if (auto listening = server.listen(); !listening) {
    spdlog::error("{}", listening.error().message);
    return 1;
  }
  asio::co_spawn(api_io, server.run(), asio::detached);

  // Signals first: from here on SIGINT/SIGTERM end the daemon cleanly.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  // A signal held back while the store opened (hold_stop_signals) arrives here now.
  const auto held = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &held, nullptr);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received; finishing the current steps", signal);
    for (auto& rt : chains) rt.stop.emit(asio::cancellation_type::terminal);
  });

  for (const auto& chain : config.chains) {
    auto& rt = chains.emplace_back();
    try {
      rt.tls = chains::tls_context(chain);
    } catch (const std::exception& e) {
      spdlog::error("{}: cannot set up TLS ({}); this chain is not watched", chain.name, e.what());
      chains.pop_back();
      continue;
    }
    rt.pool = std::make_unique<chains::EndpointPool>(io.get_executor(), chain.name, chain.chain_id, chain.rpc, *rt.tls);
    chains::WatcherOptions options;
    options.writer = writer.get_executor();
    rt.watcher = std::make_unique<chains::Watcher>(chains::make_plan(config, chain), *rt.pool, sink, options);
    rt.running = true;
    if (!chain.ws.empty()) {
      auto* watcher = rt.watcher.get();
      rt.heads = std::make_unique<chains::HeadSubscription>(
          io.get_executor(), chain.name, chain.ws, *rt.tls, [watcher](std::uint64_t) { watcher->wake(); },
          [watcher] { return watcher->status().head; });
      asio::co_spawn(io, rt.heads->run(), asio::detached);
    }
    asio::co_spawn(io, rt.watcher->run(),
                   asio::bind_cancellation_slot(rt.stop.slot(), [&, &rt = rt, name = chain.name](std::exception_ptr e) {
                     rt.running = false;
                     if (!e) return;
                     rt.failed = true;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("{}: watcher stopped by an unexpected error: {}", name, ex.what());
                     } catch (...) {
                       spdlog::error("{}: watcher stopped by an unexpected error", name);
                     }
                     // Errors a watcher expects (RPC, storage) it retries; this one it did not, so
                     // its state is not to be trusted. Stop the others cleanly and exit 1, for the
                     // service manager to start givewatch afresh.
                     spdlog::error("stopping every chain; givewatch exits with status 1");
                     for (auto& other : chains) {
                       if (other.running) other.stop.emit(asio::cancellation_type::terminal);
                     }
                   }));
  }

  if (chains.empty()) {
    spdlog::error("no chain could be started; nothing to watch");
    signals.cancel();
    writer.join();
    return 1;
  }
  // The API runs from here on, when the list of chains its status reads no longer changes (the
  // listening socket queues connections until then).
  std::thread api_thread([&] { api_io.run(); });
  alerts.start();

  // The io_context runs until every watcher has returned; then the signal wait is the only work.
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        asio::steady_timer poll(co_await asio::this_coro::executor);
        while (std::any_of(chains.begin(), chains.end(), [](const auto& rt) { return rt.running; })) {
          poll.expires_after(std::chrono::milliseconds(50));
          co_await poll.async_wait(asio::use_awaitable);
        }
        for (auto& rt : chains) {
          if (rt.heads) rt.heads->stop();
        }
        signals.cancel();
      },
      asio::detached);
  io.run();
  writer.join();
  alerts.stop();
  // Open connections and streams end with the io_context; the listening socket with the server.
  api_io.stop();
  api_thread.join();
  // A watcher that stopped on its own is a failure the service manager should see and restart.
  const auto failed = std::count_if(chains.begin(), chains.end(), [](const auto& rt) { return rt.failed; });
  if (failed > 0) {
    spdlog::error("{} of {} watchers stopped by an unexpected error; exiting with status 1", failed, chains.size());
    return 1;
  }
  return 0;
}

}  // namespace givewatch::daemon
