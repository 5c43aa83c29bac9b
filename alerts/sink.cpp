#include "alerts/sink.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alerts/filter.hpp"
#include "alerts/payload.hpp"
#include "alerts/signing.hpp"
#include "chains/endpoint_pool.hpp"
#include "core/bytes.hpp"
#include "core/keccak.hpp"

namespace givewatch::alerts {
namespace {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// How many events one read of the log takes.
constexpr std::size_t kBatch = 256;
/// How often an idle sink looks at the log even without being woken.
constexpr std::chrono::seconds kIdleCheck{1};
/// Failures in a row that are logged one by one; after that, every tenth.
constexpr std::uint64_t kLoggedFailures = 3;

constexpr std::array<std::uint32_t, 6> kBackoffSteps{1, 6, 24, 120, 360, 720};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Task<bool> cancelled() {
  auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

std::chrono::milliseconds backoff(std::uint32_t base_ms, std::uint64_t failures, std::mt19937_64& random) {
  const std::size_t step = std::min<std::uint64_t>(failures == 0 ? 0 : failures - 1, kBackoffSteps.size() - 1);
  const double nominal = static_cast<double>(base_ms) * kBackoffSteps[step];
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(nominal * jitter(random)));
}

std::string fingerprint(const config::Alert& alert) {
  std::string material = std::string(to_string(alert.kind)) + '\n' + alert.target_url() + '\n' + alert.secret;
  const auto digest = core::keccak256(material);
  return core::to_hex(core::ByteView(digest.bytes.data(), 8));
}

Sink::Sink(asio::any_io_executor executor, const config::Config& config, const config::Alert& alert,
           storage::Store& store)
    : config_(config), alert_(alert), store_(store), idle_(executor), usd_(config, store), random_(std::random_device{}()) {
  view_.id = alert.id;
  view_.kind = std::string(to_string(alert.kind));
  view_.target = config::redact_url(alert.kind == config::AlertKind::telegram ? alert.api_base : alert.url);
  view_.state = "starting";
  auto courier = Courier::make(executor, alert);
  if (courier) {
    courier_ = std::move(*courier);
  } else {
    view_.state = "stopped";
    view_.last_error = courier.error().message;
  }
}

api::AlertView Sink::view() const {
  std::lock_guard lock(mutex_);
  api::AlertView v = view_;
  const std::uint64_t last = store_.last_event_seq();
  v.behind = last > v.cursor ? last - v.cursor : 0;
  for (std::size_t i = 0; i < latency_buckets_.size(); ++i) {
    v.latency.emplace_back(chains::kLatencyBuckets[i], latency_buckets_[i]);
  }
  return v;
}

core::Result<void> Sink::save_cursor(std::uint64_t seq) {
  auto saved = store_.put_sink_state(alert_.id, storage::SinkState{seq, false, "", ""});
  if (!saved) return saved;
  cursor_ = seq;
  std::lock_guard lock(mutex_);
  view_.cursor = seq;
  return {};
}

void Sink::record(const Attempt& a) {
  std::lock_guard lock(mutex_);
  view_.attempts[std::string(to_string(a.outcome))]++;
  const double seconds = a.took.count();
  view_.latency_sum += seconds;
  for (std::size_t i = 0; i < latency_buckets_.size(); ++i) {
    if (seconds <= chains::kLatencyBuckets[i]) latency_buckets_[i]++;
  }
  if (a.outcome == Outcome::delivered) {
    view_.state = "ok";
    view_.last_success = unix_now();
    view_.failures = 0;
  } else {
    view_.state = a.outcome == Outcome::gone ? "stopped" : "retrying";
    view_.last_error = a.detail;
    view_.failures++;
  }
}

Task<void> Sink::sleep(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(asio::use_awaitable);  // throws when the sink is stopped
}

Task<void> Sink::stopped_for_good(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    view_.state = "stopped";
    view_.last_error = std::move(reason);
  }
  for (;;) co_await sleep(std::chrono::hours(24));  // until the daemon stops
}

Task<bool> Sink::start() {
  auto state = store_.sink_state(alert_.id);
  if (!state) {
    spdlog::error("alert {}: {}; it delivers nothing until givewatch restarts", alert_.id, state.error().message);
    co_await stopped_for_good(state.error().message);
  }
  const std::string mine = fingerprint(alert_);
  if (*state && (*state)->stopped) {
    if ((*state)->fingerprint == mine) {
      spdlog::warn("alert {}: STOPPED since its receiver answered {}; change its configuration or run "
                   "`givewatch alerts enable --id {}` to deliver again",
                   alert_.id, (*state)->stop_reason, alert_.id);
      {
        std::lock_guard lock(mutex_);
        view_.cursor = (*state)->cursor;
      }
      co_await stopped_for_good((*state)->stop_reason);
    }
    spdlog::info("alert {}: its configuration changed since its receiver stopped it; delivering again", alert_.id);
  }
  std::uint64_t cursor = 0;
  if (*state) {
    cursor = (*state)->cursor;
  } else if (alert_.from == config::AlertFrom::end) {
    cursor = store_.last_event_seq();
  }
  if (auto saved = save_cursor(cursor); !saved) {
    spdlog::error("alert {}: {}", alert_.id, saved.error().message);
    co_return false;
  }
  spdlog::info("alert {} ({} to {}): delivering from event {}", alert_.id, to_string(alert_.kind),
               courier_->redacted(), cursor + 1);
  {
    std::lock_guard lock(mutex_);
    view_.state = "ok";
  }
  co_return true;
}

Task<void> Sink::run() {
  if (!courier_) {
    spdlog::error("alert {}: {}", alert_.id, view_.last_error);
    co_await stopped_for_good(view_.last_error);
  }
  while (!co_await start()) co_await sleep(kIdleCheck);
  for (;;) {
    if (store_.last_event_seq() <= cursor_) {
      // Woken by wake() when a step commits events; the check above and this wait start without a
      // suspension between them, so no wake-up is lost.
      idle_.expires_after(kIdleCheck);
      co_await idle_.async_wait(kTuple);
      if (co_await cancelled()) co_return;
      continue;
    }
    auto events = store_.events_after(cursor_, kBatch);
    if (!events) {
      spdlog::error("alert {}: {}; trying again", alert_.id, events.error().message);
      co_await sleep(kIdleCheck);
      continue;
    }
    std::uint64_t passed = cursor_;
    for (const auto& e : *events) {
      usd_.advance(e);
      if (!matches(config_, alert_, e)) {
        passed = e.seq;
        continue;
      }
      if (!co_await deliver(e)) {
        co_await stopped_for_good(view().last_error);
      }
      passed = e.seq;
      if (auto saved = save_cursor(e.seq); !saved) spdlog::error("alert {}: {}", alert_.id, saved.error().message);
    }
    if (passed > cursor_) {
      if (auto saved = save_cursor(passed); !saved) spdlog::error("alert {}: {}", alert_.id, saved.error().message);
    }
  }
}

Task<bool> Sink::deliver(const storage::Event& event) {
  auto usd = usd_.usd(event.donation.campaign);
  if (!usd) {
    spdlog::warn("alert {}: campaign totals for event {}: {}", alert_.id, event.seq, usd.error().message);
    usd = CampaignUsd{};
  }
  const std::string id = event_id(event);
  const std::string body = alert_.kind == config::AlertKind::webhook ? webhook_body(config_, event, *usd)
                                                                     : chat_body(config_, alert_, event, *usd);
  for (std::uint64_t failures = 0;;) {
    {
      std::lock_guard lock(mutex_);
      if (view_.state != "retrying") view_.state = "delivering";
    }
    const Attempt attempt = co_await courier_->send(id, body);
    record(attempt);
    if (attempt.outcome == Outcome::delivered) {
      if (failures > 0) spdlog::info("alert {}: event {} delivered after {} failed attempts", alert_.id, event.seq, failures);
      co_return true;
    }
    if (attempt.outcome == Outcome::gone) {
      spdlog::error("alert {}: STOPPED: {} answered {} to event {}; nothing more is sent until its configuration "
                    "changes or `givewatch alerts enable --id {}`",
                    alert_.id, courier_->redacted(), attempt.detail, event.seq, alert_.id);
      auto saved = store_.put_sink_state(alert_.id, storage::SinkState{cursor_, true, attempt.detail, fingerprint(alert_)});
      if (!saved) spdlog::error("alert {}: {}", alert_.id, saved.error().message);
      co_return false;
    }
    ++failures;
    const auto delay = attempt.retry_after ? *attempt.retry_after : backoff(alert_.retry_base_ms, failures, random_);
    if (failures <= kLoggedFailures || failures % 10 == 0) {
      spdlog::warn("alert {}: event {} not delivered ({}: {}); attempt {} in {} ms", alert_.id, event.seq,
                   to_string(attempt.outcome), attempt.detail, failures + 1, delay.count());
    }
    co_await sleep(delay);
  }
}

}  // namespace givewatch::alerts
