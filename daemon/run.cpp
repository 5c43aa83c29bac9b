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
#include <list>
#include <memory>

#include "chains/endpoint_pool.hpp"
#include "chains/sink.hpp"
#include "chains/watcher.hpp"

namespace givewatch::daemon {
namespace {

namespace asio = boost::asio;

std::unique_ptr<asio::ssl::context> tls_context(const config::Chain& chain) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  tls->set_default_verify_paths();
  tls->set_verify_mode(asio::ssl::verify_peer);
  if (!chain.ca_file.empty()) tls->load_verify_file(chain.ca_file.string());
  return tls;
}

/// One chain: its TLS settings, endpoints and watcher, and the signal that cancels it.
struct ChainRuntime {
  std::unique_ptr<asio::ssl::context> tls;
  std::unique_ptr<chains::EndpointPool> pool;
  std::unique_ptr<chains::Watcher> watcher;
  asio::cancellation_signal stop;
  bool running = false;
};

}  // namespace

int run_daemon(const config::Config& config, storage::Store& store) {
  asio::io_context io(1);
  // Steps are written on a thread of their own, so a backfill fetches while it writes.
  asio::thread_pool writer(1);
  chains::StoreSink sink(store);
  std::list<ChainRuntime> chains;  // stable addresses: coroutines hold references

  // Signals first: from here on SIGINT/SIGTERM end the daemon cleanly.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received; finishing the current steps", signal);
    for (auto& rt : chains) rt.stop.emit(asio::cancellation_type::terminal);
  });

  for (const auto& chain : config.chains) {
    auto& rt = chains.emplace_back();
    try {
      rt.tls = tls_context(chain);
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
    asio::co_spawn(io, rt.watcher->run(),
                   asio::bind_cancellation_slot(rt.stop.slot(), [&rt, name = chain.name](std::exception_ptr e) {
                     rt.running = false;
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("{}: watcher stopped by an unexpected error: {}", name, ex.what());
                     }
                   }));
  }

  // The io_context runs until every watcher has returned; then the signal wait is the only work.
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        asio::steady_timer poll(co_await asio::this_coro::executor);
        while (std::any_of(chains.begin(), chains.end(), [](const auto& rt) { return rt.running; })) {
          poll.expires_after(std::chrono::milliseconds(50));
          co_await poll.async_wait(asio::use_awaitable);
        }
        signals.cancel();
      },
      asio::detached);
  io.run();
  writer.join();
  return 0;
}

}  // namespace givewatch::daemon
