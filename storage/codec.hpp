#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "storage/types.hpp"

/// Key and value encodings of the store's column families. Integers in keys are big-endian so that
/// RocksDB's bytewise order is numeric order (block order); a campaign id in a key is prefixed with
/// its length so that no id is a key prefix of another.
namespace givewatch::storage::codec {

/// donations: chain | block | log_index → Donation record.
std::string donation_key(std::uint64_t chain_id, std::uint64_t block, std::uint32_t log_index);
/// The first donations/pending/blocks key of `chain_id` at or above `block`.
std::string chain_block_prefix(std::uint64_t chain_id, std::uint64_t block);
std::string chain_prefix(std::uint64_t chain_id);

/// tx_index: chain | tx_hash | log_index → block (u64).
std::string tx_key(std::uint64_t chain_id, const core::Hash& tx, std::uint32_t log_index);
std::string tx_prefix(std::uint64_t chain_id, const core::Hash& tx);

/// Keys built from a campaign id start with this.
std::string campaign_prefix(std::string_view campaign);

/// campaign_index: campaign | ~timestamp | ~chain | ~block | ~log_index → status | token. The
/// complemented numbers make a forward scan go newest first. The part after the campaign prefix is
/// the pagination cursor.
std::string campaign_index_key(const Donation& d);
std::string campaign_index_value(const Donation& d);

/// totals: campaign | chain | token → TokenTotals record.
std::string totals_key(std::string_view campaign, std::uint64_t chain_id, const core::Address& token);
/// donors: campaign | from → confirmed count | pending count.
std::string donor_key(std::string_view campaign, const core::Address& from);

/// blocks: chain | block → hash.
std::string block_key(std::uint64_t chain_id, std::uint64_t block);
/// address_cursors: chain | address → next block.
std::string address_cursor_key(std::uint64_t chain_id, const core::Address& address);
/// events: seq → type | Donation record.
std::string event_key(std::uint64_t seq);

std::string encode_u64(std::uint64_t v);
core::Result<std::uint64_t> decode_u64(std::string_view bytes);
/// Reads the big-endian u64 at `offset` of a key known to be long enough.
std::uint64_t read_u64(std::string_view bytes, std::size_t offset);
/// Reads the big-endian u32 at `offset` of a key known to be long enough.
std::uint32_t read_u32(std::string_view bytes, std::size_t offset);

std::string encode(const Donation& d);
core::Result<Donation> decode_donation(std::string_view bytes);

/// The totals record without its key fields (chain_id and token come from the key).
std::string encode(const TokenTotals& t);
core::Result<TokenTotals> decode_totals(std::string_view bytes);

struct DonorCounts {
  std::uint64_t confirmed = 0;
  std::uint64_t pending = 0;
};
std::string encode(const DonorCounts& c);
core::Result<DonorCounts> decode_donor(std::string_view bytes);

struct CampaignStats {
  std::uint64_t confirmed_donors = 0;
  std::uint64_t pending_donors = 0;
  std::uint64_t donors = 0;
};
std::string encode(const CampaignStats& s);
core::Result<CampaignStats> decode_stats(std::string_view bytes);

std::string encode(const ChainCursor& c);
core::Result<ChainCursor> decode_cursor(std::string_view bytes);

std::string encode_event(EventType type, const Donation& d);
core::Result<Event> decode_event(std::uint64_t seq, std::string_view bytes);

/// Appending forms of the encoders above, for Store::apply's loops that reuse one buffer.
void append_u64(std::string& out, std::uint64_t v);
void append_campaign_prefix(std::string& out, std::string_view campaign);
void append_tx_key(std::string& out, std::uint64_t chain_id, const core::Hash& tx, std::uint32_t log_index);
void append_campaign_index_key(std::string& out, const Donation& d);
void append_campaign_index_value(std::string& out, const Donation& d);
void append_totals_key(std::string& out, std::string_view campaign, std::uint64_t chain_id,
                       const core::Address& token);
void append_donor_key(std::string& out, std::string_view campaign, const core::Address& from);
void append(std::string& out, const Donation& d);

}  // namespace givewatch::storage::codec
