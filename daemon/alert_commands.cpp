// `givewatch alerts`: operating one alert sink from the command line.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <iostream>

#include "alerts/courier.hpp"
#include "alerts/payload.hpp"
#include "alerts/signing.hpp"
#include "alerts/sink.hpp"
#include "daemon/commands.hpp"
#include "storage/store.hpp"

namespace givewatch::daemon {
namespace {

namespace asio = boost::asio;

const config::Alert* find_alert(const config::Config& config, const std::string& id) {
  for (const auto& a : config.alerts) {
    if (a.id == id) return &a;
  }
  std::string known;
  for (const auto& a : config.alerts) known += (known.empty() ? "" : ", ") + a.id;
  std::cerr << "givewatch: no alert '" << id << "' in " << config.source.string() << "; its alerts are: "
            << (known.empty() ? "(none)" : known) << '\n';
  return nullptr;
}

/// Sends one sample event, once, and prints how the receiver answered.
int test(const config::Config& config, const config::Alert& alert) {
  const storage::Event event = alerts::sample_event(config);
  const alerts::CampaignUsd usd;
  const std::string body = alert.kind == config::AlertKind::webhook ? alerts::webhook_body(config, event, usd)
                                                                    : alerts::chat_body(config, alert, event, usd);
  asio::io_context io(1);
  auto courier = alerts::Courier::make(io.get_executor(), alert);
  if (!courier) {
    std::cerr << "givewatch: " << courier.error().message << '\n';
    return kExitFailure;
  }
  const std::string id = alerts::event_id(event);  // "msg_0_…": sequence number 0 is never a real event
  auto future = asio::co_spawn(io, (*courier)->send(id, body), asio::use_future);
  io.run();
  const alerts::Attempt attempt = future.get();
  const auto ms = static_cast<long long>(attempt.took.count() * 1000);
  std::cout << alert.id << " (" << config::to_string(alert.kind) << " to " << (*courier)->redacted() << "): sample "
            << (event.type == storage::EventType::donation ? "donation" : "event") << " " << id << "\n";
  if (attempt.outcome == alerts::Outcome::delivered) {
    std::cout << "delivered: HTTP " << attempt.status << " in " << ms << " ms\n";
    return kExitOk;
  }
  std::cout << "not delivered (" << alerts::to_string(attempt.outcome) << ") after " << ms << " ms: " << attempt.detail
            << '\n';
  return kExitFailure;
}

/// Changes a sink's stored state; the daemon must be stopped (the store is locked while it runs).
int change_state(const config::Config& config, const config::Alert& alert, const Command& cmd) {
  auto store = storage::Store::open(config.storage.path, storage::Options{.sync = true});
  if (!store) {
    std::cerr << "givewatch: " << store.error().message << '\n';
    if (store.error().code == core::Errc::db_locked) {
      std::cerr << "givewatch: stop the daemon first; the sink's cursor is read when it starts\n";
    }
    return kExitFailure;
  }
  auto state = (*store)->sink_state(alert.id);
  if (!state) {
    std::cerr << "givewatch: " << state.error().message << '\n';
    return kExitFailure;
  }
  storage::SinkState next = state->value_or(storage::SinkState{});
  const std::uint64_t last = (*store)->last_event_seq();
  if (cmd.alert_action == AlertAction::replay) {
    if (cmd.from_seq > last + 1) {
      std::cerr << "givewatch: the event log ends at " << last << "; --from-seq can be 1 to " << last + 1 << '\n';
      return kExitFailure;
    }
    next.cursor = cmd.from_seq - 1;
  } else if (!*state) {
    std::cout << alert.id << " has not started yet; nothing to enable\n";
    return kExitOk;
  }
  const bool was_stopped = next.stopped;
  next.stopped = false;
  next.stop_reason.clear();
  next.fingerprint.clear();
  if (auto saved = (*store)->put_sink_state(alert.id, next); !saved) {
    std::cerr << "givewatch: " << saved.error().message << '\n';
    return kExitFailure;
  }
  std::cout << alert.id << ": " << (was_stopped ? "enabled; " : "") << "the next start delivers from event "
            << next.cursor + 1 << " (the log ends at " << last << ")\n";
  return kExitOk;
}

}  // namespace

int alerts_command(const Command& cmd) {
  auto cfg = load_config(cmd.config);
  if (!cfg) return kExitUsage;
  const config::Alert* alert = find_alert(*cfg, cmd.alert_id);
  if (!alert) return kExitUsage;
  if (cmd.alert_action == AlertAction::test) return test(*cfg, *alert);
  return change_state(*cfg, *alert, cmd);
}

}  // namespace givewatch::daemon
