#pragma once

#include <string>
#include <string_view>

namespace givewatch::chains {

/// Why a watcher's step did not advance the chain. Every stall but a narrowed range (retried at
/// once) and a stop is logged (rate-limited), counted in /metrics and shown in /v1/chains (rule 6).
enum class StallReason {
  rpc,              ///< a call failed on every endpoint within its budget
  not_reached,      ///< no endpoint has reached the blocks to fetch yet: wait (rule 2)
  head_behind_tip,  ///< the believed head is below the indexed tip: pause, never roll back (rule 4)
  inconsistent,     ///< answers disagree (a log and its header, parent links, a header the endpoint
                    ///< should have): the chain is changing or an endpoint is wrong; fetched again
  malformed,        ///< an answer that is not what was asked
  refused,          ///< the store refused the step (e.g. another transfer at a stored position)
  storage,          ///< the store failed: resume from what it holds
  range_narrowed,   ///< the provider refused the span: retried at once with a narrower one
  stopped,          ///< givewatch is shutting down
};

/// The name of a stall reason in logs, metrics and the API.
std::string_view to_string(StallReason reason) noexcept;

/// A step that did not advance: the reason, and what happened, for the log line and /v1/chains.
struct Stall {
  StallReason reason = StallReason::rpc;
  std::string detail;
};

}  // namespace givewatch::chains
