#pragma once

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <list>
#include <memory>
#include <thread>
#include <vector>

#include "alerts/sink.hpp"
#include "api/model.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"

namespace givewatch::alerts {

/// Every configured alert sink, on a thread of its own: a slow or failing receiver never delays
/// the watchers, the API or another sink. Sinks are woken by the store's commits (Store::on_commit),
/// so an event leaves for its receivers as soon as its step is written.
class Dispatcher final : public api::AlertSource {
 public:
  /// Registers with the store's commit listeners: construct before the first step is applied,
  /// and keep the dispatcher alive as long as steps are applied.
  Dispatcher(const config::Config& config, storage::Store& store);
  ~Dispatcher() override;
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Starts delivering; nothing happens without sinks.
  void start();
  /// Cancels every sink (an attempt in flight is abandoned and made again at the next start, with
  /// the same id) and waits for them to end.
  void stop();

  std::vector<api::AlertView> alerts() const override;

 private:
  struct Running {
    std::unique_ptr<Sink> sink;
    boost::asio::cancellation_signal stop;
  };

  boost::asio::io_context io_{1};
  std::list<Running> sinks_;  // stable addresses: coroutines hold references
  std::thread thread_;
};

}  // namespace givewatch::alerts
