#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "alerts/courier.hpp"
#include "alerts/usd.hpp"
#include "api/model.hpp"
#include "config/config.hpp"
#include "core/task.hpp"
#include "storage/store.hpp"

namespace givewatch::alerts {

/// The wait before retry `failures` (1 for the first) of one event: about base × 1, 6, 24, 120,
/// 360, then 720 (5 s, 30 s, 2 min, 10 min, 30 min, then hourly for the default base), each drawn
/// within ±20 % so that sinks failing together do not retry together.
std::chrono::milliseconds backoff(std::uint32_t base_ms, std::uint64_t failures, std::mt19937_64& random);

/// A fingerprint of what a sink delivers to (kind, target, secret): a sink stopped by a 410 is
/// delivered to again once its fingerprint changes. A digest, never the secret itself.
std::string fingerprint(const config::Alert& alert);

/// One alert sink: delivers the events of the store's log in sequence order, one at a time, and
/// moves its durable cursor after each 2xx (or past each event it does not want). A failure holds
/// the cursor and retries the same event, with the same id and body, until it is delivered; a 410
/// stops the sink until its configuration changes or `givewatch alerts enable` re-enables it.
class Sink {
 public:
  Sink(boost::asio::any_io_executor executor, const config::Config& config, const config::Alert& alert,
       storage::Store& store);

  /// Delivers until cancelled. Runs on the executor given to the constructor.
  Task<void> run();

  /// New events were committed; call on the sink's executor.
  void wake() { idle_.cancel(); }

  /// How the sink is doing; thread-safe.
  api::AlertView view() const;

 private:
  Task<bool> start();
  /// Delivers one event until it is delivered (true) or the receiver said 410 Gone (false).
  Task<bool> deliver(const storage::Event& event);
  core::Result<void> save_cursor(std::uint64_t seq);
  void record(const Attempt& attempt);
  Task<void> sleep(std::chrono::milliseconds delay);
  Task<void> stopped_for_good(std::string reason);

  const config::Config& config_;
  const config::Alert& alert_;
  storage::Store& store_;
  std::unique_ptr<Courier> courier_;
  boost::asio::steady_timer idle_;
  UsdTracker usd_;
  std::mt19937_64 random_;
  std::uint64_t cursor_ = 0;

  mutable std::mutex mutex_;  ///< guards view_ (read by the API's thread)
  api::AlertView view_;
  std::array<std::uint64_t, 11> latency_buckets_{};
};

}  // namespace givewatch::alerts
