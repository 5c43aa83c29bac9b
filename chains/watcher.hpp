#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chains/endpoint_pool.hpp"
#include "chains/logs_guard.hpp"
#include "chains/plan.hpp"
#include "chains/sink.hpp"
#include "chains/stall.hpp"

namespace givewatch::chains {

struct WatcherOptions {
  std::chrono::milliseconds progress_interval{5000};  ///< how often backfill prints a progress line
  std::uint64_t window_margin = 64;           ///< block hashes kept beyond the confirmation depth
  std::chrono::milliseconds max_backoff{30'000};
  unsigned widen_after = 8;  ///< successful ranges before a narrowed eth_getLogs range is widened again
  /// Rule 7: how long the missing-log guard waits before asking for a suspect block's logs again.
  std::chrono::milliseconds logs_recheck_delay = kLogsRecheckDelay;
  /// Where steps are written. Given one (a thread of its own), a backfill fetches its next range
  /// while the current one is written; without, steps are written on the watcher's own executor.
  std::optional<boost::asio::any_io_executor> writer;
};

/// What the API and the metrics show about a chain.
struct WatcherStatus {
  std::uint64_t head = 0;
  std::uint64_t indexed = 0;
  std::uint64_t confirmed = 0;
  bool syncing = true;
  std::uint64_t reorgs = 0;
  std::uint64_t deepest_reorg = 0;
  std::uint64_t donations = 0;  ///< added since start
  std::optional<Stall> stall;   ///< why the chain is not advancing now; empty while it is
  std::map<std::string, std::uint64_t, std::less<>> stalls;  ///< stalls since start, by reason
  // Rule 7, the missing-log guard, since start (blocks):
  std::uint64_t bloom_rechecks = 0;     ///< empty in an answer although the bloom names a donation; asked again
  std::uint64_t bloom_recovered = 0;    ///< of those, the second answer held the logs (a provider lagged)
  std::uint64_t bloom_unconfirmed = 0;  ///< of those, empty again: taken as a bloom false positive
};

/// One chain's watcher. It backfills every campaign address from its start block, then follows
/// the head: donations less than the confirmation depth below the head are pending, deeper ones
/// confirmed. Recent block hashes are kept to notice reorgs by parent hash; on one it finds the
/// common ancestor, rolls back above it and indexes the new branch. Each step it makes goes to the
/// sink as one storage::Step. It holds the rules of docs/watchers.md, each in one named place:
/// rule 2 in fetch_range (watcher_fetch.cpp) and EndpointPool::pick, rules 3 and 4 in HeadView,
/// follow and check_tip (watcher_reorg.cpp), rule 5 in iterate, rule 6 in report, rule 7 in
/// MissingLogGuard and guard_logs (logs_guard.cpp). It only stops when cancelled.
class Watcher {
 public:
  Watcher(ChainPlan plan, EndpointPool& pool, StepSink& sink, WatcherOptions options = {});

  /// Runs until the coroutine is cancelled (SIGINT/SIGTERM). A step is either applied whole or not
  /// at all, so cancelling at any point is safe.
  Task<void> run();

  WatcherStatus status() const;

  /// Runs the next step now instead of at the end of the poll interval: a new head was pushed
  /// (HeadSubscription). A watcher backing off after an error keeps backing off. Call it on the
  /// watcher's executor.
  void wake();

 private:
  template <class T>
  using Outcome = boost::system::result<T, Stall>;
  struct Range {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
  };
  /// A range proven complete (rule 2) and turned into a step, not yet written.
  struct Fetched {
    Range range;
    std::vector<eth::Header> headers;
    storage::Step step;
    std::string logs_source;  ///< the endpoint whose eth_getLogs answer the step holds
  };
  /// The range's first block does not extend the stored block `block`: a reorg below the range.
  struct ForkBelow {
    std::uint64_t block = 0;
  };
  using FetchResult = std::variant<Fetched, ForkBelow>;
  struct Logs {
    std::vector<eth::Log> logs;
    std::string source;
  };

  core::Result<void> resume();
  /// One poll: the head, a range of any address still catching up (rule 5), then the main range or,
  /// once caught up, the tip check and confirmations. True when there is more to do at once.
  Task<Outcome<bool>> iterate();
  Task<Outcome<void>> follow(std::uint64_t head, std::optional<std::uint64_t> final_block);
  Task<Outcome<void>> main_step(Range r, std::uint64_t head, std::optional<std::uint64_t> final_block);
  /// Fetches a range of the addresses indexed from `group_from` on. Writes nothing, rolls nothing back.
  Task<Outcome<FetchResult>> fetch_range(Range r, std::uint64_t head, std::optional<std::uint64_t> final_block,
                                         std::uint64_t group_from);
  void committed(const Fetched& f, std::uint64_t head);
  Task<Outcome<void>> apply_async(storage::Step& step, const std::string& logs_source);
  Task<Outcome<void>> catch_up_step(std::uint64_t head);
  /// Rule 4: the stored tip against the chain; rolls back only on a proven hash mismatch.
  Task<Outcome<void>> check_tip(std::uint64_t head);
  /// The hash of block `number` from an endpoint that has reached it.
  Task<Outcome<core::Hash>> chain_hash(std::uint64_t number);
  Task<Outcome<void>> roll_back_from(std::uint64_t block);
  Task<Outcome<std::optional<std::uint64_t>>> final_block(std::uint64_t head);
  Task<Outcome<Logs>> fetch_logs(Range r, const std::vector<core::Address>& to);
  /// Rule 7: asks again for the logs of the blocks of `headers` whose bloom MissingLogGuard suspects
  /// and adds what the second answer holds for them to `logs`. Writes nothing.
  Task<Outcome<void>> guard_logs(const std::vector<core::Address>& to, const std::vector<eth::Header>& headers,
                                 Logs& logs);
  Task<Outcome<std::vector<eth::Header>>> fetch_headers(const std::vector<std::uint64_t>& numbers);
  /// The block of every donation of a deep range, from its header: the hash must be the one the
  /// log names, and the timestamp is the header's.
  Task<Outcome<void>> stamp_from_headers(std::vector<storage::Donation>& donations);
  Outcome<void> apply(storage::Step& step, const std::string& logs_source);
  Outcome<void> applied(const core::Result<storage::Applied>& result, const storage::Step& step,
                        const std::string& logs_source);

  std::vector<core::Address> addresses_from(std::uint64_t from, std::uint64_t to) const;
  /// The next eth_getLogs range from `from`: at most range_ blocks, split where the blocks near the head begin.
  Range range_from(std::uint64_t from, std::uint64_t head) const;
  std::vector<storage::Donation> donations_in(const std::vector<eth::Log>& logs) const;
  std::uint64_t window() const;
  /// Narrows the eth_getLogs span after `e`; false when it cannot get narrower.
  bool narrow(const RpcError& e, Range r);
  void widen();
  void progress(std::uint64_t head, bool force);
  /// Rule 6: a stall is logged (once per reason, again after a minute), counted and shown.
  void report(const Stall& stall, std::chrono::milliseconds retry_in);
  void advanced();

  ChainPlan plan_;
  EndpointPool& pool_;
  StepSink& sink_;
  WatcherOptions options_;
  boost::asio::steady_timer* polling_ = nullptr;  ///< the poll wait in progress, which wake() ends
  bool woken_ = false;                            ///< a head came during a step: do not wait

  // In-memory view of what the store holds for this chain, updated after each applied step.
  bool resumed_ = false;
  std::optional<storage::BlockRef> indexed_;
  std::uint64_t confirmed_ = 0;
  std::uint64_t next_ = 0;                             ///< first block the main group has not indexed
  std::map<std::uint64_t, core::Hash> hashes_;         ///< recent block hashes
  std::map<core::Address, std::uint64_t> next_block_;  ///< per campaign address

  std::uint64_t range_;                   ///< current eth_getLogs span
  std::optional<std::uint64_t> limit_;    ///< span the provider said it allows
  unsigned successes_ = 0;

  // Progress reporting.
  Clock::time_point last_report_{};
  std::uint64_t report_block_ = 0;
  std::uint64_t report_logs_ = 0;
  std::uint64_t logs_seen_ = 0;
  std::optional<std::uint64_t> backfill_from_;
  Clock::time_point backfill_started_{};
  std::optional<Stall> logged_stall_;
  Clock::time_point logged_stall_at_{};

  mutable std::mutex status_mutex_;
  WatcherStatus status_;
};

/// eth_getBlockByNumber(block, false): a header without its transactions.
RpcRequest header_request(std::uint64_t block);

/// Rule 6's error for a failed RPC call: a stop is `stopped`, a block nobody has is `not_reached`.
Stall rpc_stall(const RpcError& e);

}  // namespace givewatch::chains
