#include "alerts/dispatcher.hpp"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace givewatch::alerts {

namespace asio = boost::asio;

Dispatcher::Dispatcher(const config::Config& config, storage::Store& store) {
  for (const auto& alert : config.alerts) {
    auto& running = sinks_.emplace_back();
    running.sink = std::make_unique<Sink>(io_.get_executor(), config, alert, store);
  }
  if (sinks_.empty()) return;
  store.on_commit([this](std::uint64_t) {
    asio::post(io_, [this] {
      for (auto& r : sinks_) r.sink->wake();
    });
  });
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  if (sinks_.empty() || thread_.joinable()) return;
  for (auto& r : sinks_) {
    asio::co_spawn(io_, r.sink->run(),
                   asio::bind_cancellation_slot(r.stop.slot(), [id = r.sink->view().id](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const boost::system::system_error& ex) {
                       if (ex.code() == asio::error::operation_aborted) return;  // stopped
                       spdlog::error("alert {}: stopped by an unexpected error: {}", id, ex.what());
                     } catch (const std::exception& ex) {
                       spdlog::error("alert {}: stopped by an unexpected error: {}", id, ex.what());
                     }
                   }));
  }
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "gw-alerts");  // its own line in `top -H`
    io_.run();
  });
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    for (auto& r : sinks_) r.stop.emit(asio::cancellation_type::terminal);
  });
  thread_.join();
}

std::vector<api::AlertView> Dispatcher::alerts() const {
  std::vector<api::AlertView> out;
  for (const auto& r : sinks_) out.push_back(r.sink->view());
  return out;
}

}  // namespace givewatch::alerts
