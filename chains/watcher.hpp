#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chains/endpoint_pool.hpp"
#include "chains/plan.hpp"
#include "chains/sink.hpp"

namespace givewatch::chains {

struct WatcherOptions {
  std::chrono::milliseconds progress_interval{5000};  ///< how often backfill prints a progress line
  std::uint64_t window_margin = 64;           ///< block hashes kept beyond the confirmation depth
  std::chrono::milliseconds max_backoff{30'000};
  unsigned widen_after = 8;  ///< successful ranges before a narrowed eth_getLogs range is widened again
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
  std::string last_error;
};

/// One chain's watcher. It backfills every campaign address from its start block, then follows
/// the head: donations less than the confirmation depth below the head are pending, deeper ones
/// confirmed. Recent block hashes are kept to notice reorgs by parent hash; on one it finds the
/// common ancestor, rolls back above it and indexes the new branch. Each step it makes goes to the
/// sink as one storage::Step. RPC and storage failures are logged and retried with backoff; the
/// watcher only stops when cancelled.
class Watcher {
 public:
  Watcher(ChainPlan plan, EndpointPool& pool, StepSink& sink, WatcherOptions options = {});

  /// Runs until the coroutine is cancelled (SIGINT/SIGTERM). A step is either applied whole or not
  /// at all, so cancelling at any point is safe.
  Task<void> run();

  WatcherStatus status() const;

 private:
  struct Failure {
    Failure() = default;
    Failure(bool is_cancelled, bool from_storage, std::string text)
        : cancelled(is_cancelled), storage(from_storage), message(std::move(text)) {}
    bool cancelled = false;
    bool storage = false;  ///< the in-memory state may be stale: resume from the store
    std::string message;   ///< empty: not worth a log line (e.g. retry at once with a narrower range)
  };
  template <class T>
  using Outcome = boost::system::result<T, Failure>;
  struct Range {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
  };
  /// A range fetched and turned into a step, not yet written.
  struct Prepared {
    Range range;
    std::vector<eth::Header> headers;
    storage::Step step;
  };

  core::Result<void> resume();
  Task<Outcome<bool>> iterate();
  Task<Outcome<void>> main_step(Range r, std::uint64_t head, std::optional<std::uint64_t> final_block);
  /// Fetches a range of the addresses indexed from `group_from` on; nullopt after a reorg was rolled back.
  Task<Outcome<std::optional<Prepared>>> prepare(Range r, std::uint64_t head, std::optional<std::uint64_t> final_block,
                                                 std::uint64_t group_from);
  void committed(const Prepared& p, std::uint64_t head, std::optional<std::uint64_t> final_block);
  Task<Outcome<void>> apply_async(storage::Step& step);
  Task<Outcome<void>> catch_up_step(std::uint64_t head);
  Task<Outcome<void>> check_tip(std::uint64_t head);
  Task<Outcome<void>> roll_back_from(std::uint64_t block);
  Task<Outcome<std::optional<std::uint64_t>>> final_block(std::uint64_t head);
  Task<Outcome<std::vector<eth::Log>>> fetch_logs(Range r, const std::vector<core::Address>& to);
  Task<Outcome<std::vector<eth::Header>>> fetch_headers(const std::vector<std::uint64_t>& numbers);
  Task<Outcome<void>> fill_timestamps(std::vector<storage::Donation>& donations);
  Outcome<void> apply(storage::Step& step);

  std::vector<core::Address> addresses_from(std::uint64_t from, std::uint64_t to) const;
  /// The next eth_getLogs range from `from`: at most range_ blocks, split where the blocks near the head begin.
  Range range_from(std::uint64_t from, std::uint64_t head) const;
  std::vector<storage::Donation> donations_in(const std::vector<eth::Log>& logs) const;
  std::uint64_t window() const;
  void narrow(const RpcError& e, Range r);
  void widen();
  void progress(std::uint64_t head, bool force);
  Failure rpc_failure(const RpcError& e) const;

  ChainPlan plan_;
  EndpointPool& pool_;
  StepSink& sink_;
  WatcherOptions options_;

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

  mutable std::mutex status_mutex_;
  WatcherStatus status_;
};

}  // namespace givewatch::chains
