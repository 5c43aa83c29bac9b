#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "storage/types.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
struct ReadOptions;
}  // namespace rocksdb

namespace givewatch::storage {

struct ColumnFamilies;
class DonorCache;

/// The schema version this build reads and writes; a data directory of another version is refused.
inline constexpr std::uint32_t kSchemaVersion = 1;

struct Options {
  /// fsync the write-ahead log on every step. Off by default: a process crash loses nothing that
  /// apply() returned for; a power loss can lose the last steps, which the watchers index again.
  bool sync = false;
  /// Open beside a running daemon, without its lock: a view of what was committed when opened, for
  /// tests and checks. apply() is refused.
  bool read_only = false;
};

/// The only owner of givewatch's RocksDB. apply() is the only writer (serialised internally);
/// reads may run concurrently from any thread and see whole steps, never half of one.
class Store {
 public:
  /// Opens or creates the database at `path`. Errors: Errc::db_locked when another process holds
  /// it, Errc::schema_mismatch for another schema version, Errc::storage for anything RocksDB says.
  static core::Result<std::unique_ptr<Store>> open(const std::filesystem::path& path, Options options = {});

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// Writes everything `step` changes — donations, totals, donors, confirmations, rollback, block
  /// hashes, cursors and the events they cause — in one atomic WriteBatch. On error nothing is written.
  core::Result<Applied> apply(const Step& step);

  /// A campaign's totals per (chain, token) and its distinct donors; empty when it has none.
  core::Result<CampaignTotals> totals(std::string_view campaign) const;

  /// totals() and the sequence number of the newest event, read at one instant: the totals are
  /// those after that event.
  core::Result<TotalsAt> totals_at(std::string_view campaign) const;

  /// A page of a campaign's donations, newest first, filtered.
  core::Result<DonationPage> donations(const DonationQuery& query) const;

  /// The donations in one transaction, by log index.
  core::Result<std::vector<Donation>> donations_by_tx(std::uint64_t chain_id, const core::Hash& tx) const;

  /// The chain's cursor, or nothing before its first step.
  core::Result<std::optional<ChainCursor>> chain_cursor(std::uint64_t chain_id) const;

  /// Every campaign address cursor stored for the chain.
  core::Result<std::vector<AddressCursor>> address_cursors(std::uint64_t chain_id) const;

  /// Stored block hashes of the chain from `from` (inclusive), ascending, at most `limit`.
  core::Result<std::vector<BlockRef>> blocks(std::uint64_t chain_id, std::uint64_t from,
                                             std::size_t limit) const;

  /// Events with seq > `after`, ascending, at most `limit`.
  core::Result<std::vector<Event>> events_after(std::uint64_t after, std::size_t limit) const;

  /// The sequence number of the newest event, 0 when the log is empty.
  std::uint64_t last_event_seq() const noexcept { return last_seq_.load(std::memory_order_acquire); }

  /// How many steps this process has written: a view derived from the store (a rendered campaign,
  /// say) stays valid while this is unchanged.
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

  /// Where the alert sink `id` stands on the event log; nothing before its first delivery.
  core::Result<std::optional<SinkState>> sink_state(std::string_view id) const;
  /// Every sink state stored, by sink id.
  core::Result<std::vector<std::pair<std::string, SinkState>>> sink_states() const;
  /// Writes a sink's state (not part of any step; refused on a read-only store).
  core::Result<void> put_sink_state(std::string_view id, const SinkState& state);

  /// Calls `listener` with the newest sequence number after every step that appended events, on
  /// the thread that applied it, after the write. Register listeners before the first apply();
  /// a listener must be quick and must not throw (post the work elsewhere).
  void on_commit(std::function<void(std::uint64_t last_seq)> listener);

  /// Recomputes every total, donor count, index and pending entry from the donation records and
  /// reports the first few disagreements (Errc::corrupt_record). For tests and `givewatch verify`.
  core::Result<void> verify() const;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  class Batch;

  Store(std::filesystem::path path, Options options, std::unique_ptr<rocksdb::DB> db,
        std::unique_ptr<ColumnFamilies> handles);
  core::Result<void> init_schema();
  core::Result<void> load_last_seq();
  core::Result<CampaignTotals> read_totals(const rocksdb::ReadOptions& ro, std::string_view campaign) const;

  std::filesystem::path path_;
  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<ColumnFamilies> cf_;
  std::mutex write_mutex_;
  std::atomic<std::uint64_t> last_seq_{0};
  std::atomic<std::uint64_t> version_{0};
  std::vector<std::function<void(std::uint64_t)>> commit_listeners_;
  /// Donor counts of recent steps, so returning donors need not be read back (see tally.hpp).
  std::unique_ptr<DonorCache> donor_cache_;
  /// Per chain, a block at or above its highest stored donation (nullopt: it has none), so that
  /// steps adding only newer blocks skip looking their donations up. Guarded by write_mutex_.
  std::unordered_map<std::uint64_t, std::optional<std::uint64_t>> highest_block_;
};

}  // namespace givewatch::storage
