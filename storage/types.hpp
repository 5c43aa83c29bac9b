#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/amount.hpp"
#include "core/bytes.hpp"

namespace givewatch::storage {

/// Pending donations are less than the chain's confirmation depth below its head.
enum class Status : std::uint8_t { pending = 0, confirmed = 1 };

/// One ERC-20 transfer to a campaign address. Its identity is (chain_id, tx_hash, log_index);
/// on a canonical chain that is the same as (chain_id, block_number, log_index), the store's key.
struct Donation {
  std::uint64_t chain_id = 0;
  std::uint64_t block_number = 0;
  core::Hash block_hash;
  std::uint64_t timestamp = 0;  ///< the block's timestamp, Unix seconds
  core::Hash tx_hash;
  std::uint32_t log_index = 0;  ///< position of the log in its block
  core::Address token;          ///< the ERC-20 contract that emitted the Transfer
  core::Address from;
  core::Address to;      ///< the campaign address
  core::Amount amount;   ///< base units of the token
  std::string campaign;  ///< the campaign id `to` belongs to
  Status status = Status::pending;

  friend bool operator==(const Donation&, const Donation&) = default;
};

/// A block the watcher has indexed, kept for a while to detect reorgs by parent hash.
struct BlockRef {
  std::uint64_t number = 0;
  core::Hash hash;
  friend bool operator==(const BlockRef&, const BlockRef&) = default;
};

/// Where a chain's watcher stands, maintained by Store::apply from the steps it writes.
struct ChainCursor {
  std::uint64_t indexed_block = 0;    ///< every log up to and including this block is stored
  core::Hash indexed_hash;            ///< hash of indexed_block, as seen when indexing it
  std::uint64_t confirmed_block = 0;  ///< donations at or below this block are confirmed
  std::uint64_t head_block = 0;       ///< the chain head when the step was made
  friend bool operator==(const ChainCursor&, const ChainCursor&) = default;
};

/// How far one campaign address has been indexed on its chain. Addresses added to the
/// configuration later start behind the others and catch up on their own.
struct AddressCursor {
  core::Address address;
  std::uint64_t next_block = 0;  ///< the first block whose logs are not yet stored for this address
  friend bool operator==(const AddressCursor&, const AddressCursor&) = default;
};

/// Everything one indexing step of one chain changes. Store::apply writes it in one atomic batch,
/// in this order: roll back, add donations, confirm, record blocks and cursors.
struct Step {
  std::uint64_t chain_id = 0;
  /// After a reorg: remove every donation and block hash above this block first.
  std::optional<std::uint64_t> rollback_to;
  /// Donations found; ones already stored are ignored. Their status is decided by the store from
  /// the confirmation boundary (confirm_through, else the stored cursor's confirmed_block).
  std::vector<Donation> donations;
  /// Pending donations at or below this block become confirmed.
  std::optional<std::uint64_t> confirm_through;
  /// Hashes of the blocks this step indexed (only the recent window needs them).
  std::vector<BlockRef> blocks;
  /// Forget stored block hashes below this block.
  std::optional<std::uint64_t> prune_blocks_below;
  std::vector<AddressCursor> address_cursors;
  /// The new tip of what is indexed (every log up to it stored). After a rollback without one,
  /// the store moves the tip down to rollback_to itself.
  std::optional<BlockRef> indexed;
  /// The chain head the watcher saw, for lag reporting.
  std::optional<std::uint64_t> head;
};

/// What a step changed; sequence numbers are those of the events it appended.
struct Applied {
  std::uint64_t added = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t confirmed = 0;
  std::uint64_t removed = 0;
  std::uint64_t first_seq = 0;  ///< 0 when the step appended no event
  std::uint64_t last_seq = 0;
};

/// Sums of one token on one chain for one campaign, pending and confirmed kept apart.
struct TokenTotals {
  std::uint64_t chain_id = 0;
  core::Address token;
  core::Amount confirmed_amount;
  std::uint64_t confirmed_count = 0;
  core::Amount pending_amount;
  std::uint64_t pending_count = 0;
  friend bool operator==(const TokenTotals&, const TokenTotals&) = default;
};

/// A campaign's running totals: per (chain, token), and distinct sender addresses.
struct CampaignTotals {
  std::vector<TokenTotals> tokens;     ///< ordered by (chain_id, token)
  std::uint64_t confirmed_donors = 0;  ///< senders with at least one confirmed donation
  std::uint64_t pending_donors = 0;    ///< senders with at least one pending donation
  std::uint64_t donors = 0;            ///< senders with any donation
  friend bool operator==(const CampaignTotals&, const CampaignTotals&) = default;
};

/// A campaign's totals and the newest event's sequence number when they were read.
struct TotalsAt {
  CampaignTotals totals;
  std::uint64_t seq = 0;
};

/// Where an alert sink stands on the event log, kept across restarts.
struct SinkState {
  std::uint64_t cursor = 0;  ///< every event with seq <= cursor was delivered or did not concern the sink
  bool stopped = false;      ///< the receiver asked to stop (410 Gone); nothing is sent until re-enabled
  std::string stop_reason;   ///< why, for the API and logs
  std::string fingerprint;   ///< the sink's configuration when it stopped: a change re-enables it
  friend bool operator==(const SinkState&, const SinkState&) = default;
};

/// A filtered, paginated read of one campaign's donations, newest block timestamp first.
struct DonationQuery {
  std::string campaign;
  std::optional<std::uint64_t> chain_id;
  std::optional<core::Address> token;
  std::optional<Status> status;
  std::size_t limit = 50;
  /// Opaque position from a previous page's next_cursor; empty for the first page. A cursor stays
  /// valid while donations arrive: later pages have no duplicates and no gaps.
  std::string cursor;
};

struct DonationPage {
  std::vector<Donation> donations;
  std::optional<std::string> next_cursor;
};

enum class EventType : std::uint8_t { donation = 1, confirmed = 2, removed = 3 };

/// An entry of the append-only event log; `seq` increases by one per event, starting at 1.
struct Event {
  std::uint64_t seq = 0;
  EventType type = EventType::donation;
  Donation donation;  ///< as it was after the change (for `removed`: as it was when removed)
};

}  // namespace givewatch::storage
