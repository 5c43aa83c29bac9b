#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace givewatch::api {

/// An RPC endpoint as the API shows it; the URL is already redacted.
struct EndpointView {
  std::string url;
  bool healthy = false;
  std::string last_error;
  std::uint64_t requests = 0;
  std::map<std::string, std::uint64_t> errors;               ///< by kind
  std::vector<std::pair<double, std::uint64_t>> latency;     ///< (bucket bound in s, cumulative count)
  double latency_sum = 0;
};

/// A chain's watcher as the API shows it.
/// Why a chain's watcher is not advancing: a reason name (e.g. "not_reached", "head_behind_tip")
/// and what happened.
struct StallView {
  std::string reason;
  std::string message;
};

struct ChainView {
  std::string name;
  std::uint64_t chain_id = 0;
  std::uint64_t head = 0;  ///< 0 until the first head is known
  std::uint64_t indexed = 0;
  std::uint64_t confirmed = 0;
  bool syncing = true;
  std::uint64_t reorgs = 0;
  std::uint64_t deepest_reorg = 0;
  std::vector<EndpointView> endpoints;
  std::optional<StallView> stall;  ///< why the chain is not advancing now; empty while it is
  std::map<std::string, std::uint64_t, std::less<>> stalls;  ///< stalls since start, by reason
  std::uint64_t bloom_rechecks = 0;     ///< blocks the missing-log guard asked again for since start
  std::uint64_t bloom_recovered = 0;    ///< of those, blocks whose logs only the second answer held
  std::uint64_t bloom_unconfirmed = 0;  ///< of those, blocks empty twice (a bloom false positive)

  /// Blocks between the head and what is indexed.
  std::uint64_t lag() const noexcept { return head > indexed ? head - indexed : 0; }
};

/// Where the API learns how the watchers are doing; the daemon provides it. Must be safe to call
/// from the API's thread while the watchers run.
class ChainSource {
 public:
  virtual ~ChainSource() = default;
  virtual std::vector<ChainView> chains() const = 0;
};

/// An alert sink as the API and metrics show it; nothing in it holds a secret or a token.
struct AlertView {
  std::string id;
  std::string kind;    ///< webhook, slack, discord, telegram
  std::string target;  ///< redacted: scheme://host[:port] and "/…"
  std::string state;   ///< starting, ok (idle), delivering, retrying, stopped
  std::uint64_t cursor = 0;  ///< the last event delivered or passed over
  std::uint64_t behind = 0;  ///< events in the log after the cursor
  std::optional<std::int64_t> last_success;  ///< Unix seconds of the last delivery
  std::string last_error;                    ///< the last failed attempt, redacted; empty when none
  std::uint64_t failures = 0;                ///< failed attempts in a row at the current event
  std::map<std::string, std::uint64_t> attempts;  ///< since start, by outcome (delivered, refused, ...)
  std::vector<std::pair<double, std::uint64_t>> latency;  ///< (bucket bound in s, cumulative count)
  double latency_sum = 0;
};

/// Where the API learns how the alert sinks are doing; the daemon provides it. Thread-safe.
class AlertSource {
 public:
  virtual ~AlertSource() = default;
  virtual std::vector<AlertView> alerts() const = 0;
};

}  // namespace givewatch::api
