// Store::apply: turns one Step into one atomic WriteBatch.

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "storage/codec.hpp"
#include "storage/db.hpp"
#include "storage/sorted_puts.hpp"
#include "storage/store.hpp"
#include "storage/tally.hpp"

namespace givewatch::storage {
/// The state of one apply() call: the WriteBatch being built, and what the step has changed so far
/// (removed donations, the tally of totals and donors), because RocksDB reads do not see the
/// batch's own unwritten changes.
class Store::Batch {
 public:
  Batch(Store& store, const Step& step)
      : store_(store),
        db_(*store.db_),
        cf_(*store.cf_),
        step_(step),
        next_seq_(store.last_seq_.load(std::memory_order_acquire) + 1),
        tally_(db_, cf_, *store.donor_cache_) {
    applied_.first_seq = next_seq_;
  }

  core::Result<Applied> run() {
    if (auto ok = validate(); !ok) return ok.error();
    if (auto ok = load_cursor(); !ok) return ok.error();
    if (step_.rollback_to) {
      if (auto ok = roll_back(*step_.rollback_to); !ok) return ok.error();
    }
    boundary_ = confirmation_boundary();
    if (auto ok = add_donations(); !ok) return ok.error();
    if (auto ok = confirm(); !ok) return ok.error();
    record_blocks();
    write_cursors();
    tally_.write_to(batch_);
    return commit();
  }

 private:
  core::Result<void> validate() const {
    if (step_.chain_id == 0) return invalid("a step needs a chain id");
    for (const auto& d : step_.donations) {
      if (d.chain_id != step_.chain_id) {
        return invalid("donation of chain " + std::to_string(d.chain_id) + " in a step of chain " +
                       std::to_string(step_.chain_id));
      }
      if (d.campaign.empty() || d.campaign.size() > 255) {
        return invalid("donation has a campaign id of " + std::to_string(d.campaign.size()) +
                       " bytes; expected 1 to 255");
      }
    }
    return {};
  }

  static core::Error invalid(std::string message) {
    return core::Error{core::Errc::invalid_argument, "storage: " + std::move(message)};
  }

  core::Result<void> load_cursor() {
    auto c = store_.chain_cursor(step_.chain_id);
    if (!c) return c.error();
    cursor_ = *c;
    return {};
  }

  std::optional<std::uint64_t> confirmation_boundary() const {
    std::optional<std::uint64_t> b;
    if (cursor_) b = cursor_->confirmed_block;
    if (step_.confirm_through) b = std::max(b.value_or(0), *step_.confirm_through);
    return b;
  }

  core::Result<void> roll_back(std::uint64_t to) {
    if (to == UINT64_MAX) return {};
    const std::string chain = codec::chain_prefix(step_.chain_id);
    std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(rocksdb::ReadOptions{}, cf_.donations));
    for (it->Seek(codec::chain_block_prefix(step_.chain_id, to + 1));
         it->Valid() && has_prefix(it->key(), chain); it->Next()) {
      auto d = codec::decode_donation(view(it->value()));
      if (!d) return d.error();
      if (auto ok = remove(*d, std::string(view(it->key()))); !ok) return ok.error();
    }
    if (!it->status().ok()) return storage_error(it->status(), "reading donations to roll back");

    it.reset(db_.NewIterator(rocksdb::ReadOptions{}, cf_.blocks));
    for (it->Seek(codec::block_key(step_.chain_id, to + 1)); it->Valid() && has_prefix(it->key(), chain);
         it->Next()) {
      batch_.Delete(cf_.blocks, it->key());
    }
    if (!it->status().ok()) return storage_error(it->status(), "reading block hashes to roll back");

    auto cursors = store_.address_cursors(step_.chain_id);
    if (!cursors) return cursors.error();
    for (const auto& c : *cursors) {
      if (c.next_block > to + 1) address_cursors_[c.address] = to + 1;
    }

    if (cursor_ && cursor_->indexed_block > to) {
      cursor_->indexed_block = to;
      cursor_->indexed_hash = {};
      std::string hash;
      auto s = db_.Get(rocksdb::ReadOptions{}, cf_.blocks, codec::block_key(step_.chain_id, to), &hash);
      if (s.ok() && hash.size() == 32)
        std::copy_n(hash.data(), 32, reinterpret_cast<char*>(cursor_->indexed_hash.bytes.data()));
    }
    if (cursor_) cursor_->confirmed_block = std::min(cursor_->confirmed_block, to);
    return {};
  }

  core::Result<void> remove(const Donation& d, std::string key) {
    batch_.Delete(cf_.donations, key);
    batch_.Delete(cf_.tx_index, codec::tx_key(d.chain_id, d.tx_hash, d.log_index));
    batch_.Delete(cf_.campaign_index, codec::campaign_index_key(d));
    if (d.status == Status::pending) batch_.Delete(cf_.pending, key);
    if (auto ok = tally_.count(d, d.status, -1); !ok) return ok.error();
    append_event(EventType::removed, d);
    removed_.insert(std::move(key));
    ++applied_.removed;
    return {};
  }

  core::Result<void> add_donations() {
    const auto& in = step_.donations;
    if (in.empty()) return {};
    std::vector<std::string> keys;
    keys.reserve(in.size());
    std::uint64_t lowest = UINT64_MAX;
    for (const auto& d : in) {
      keys.push_back(codec::donation_key(d.chain_id, d.block_number, d.log_index));
      lowest = std::min(lowest, d.block_number);
    }
    // A step that only adds blocks above every stored donation (backfill and follow both do)
    // cannot meet a stored one: skip looking them up.
    auto highest = highest_stored_block();
    if (!highest) return highest.error();
    std::vector<std::optional<std::string>> stored(keys.size());
    if (*highest && **highest >= lowest) {
      auto found = multi_get(db_, cf_.donations, keys);
      if (!found) return found.error();
      stored = std::move(*found);
    }
    if (auto ok = tally_.prefetch_donors(step_.donations); !ok) return ok.error();

    std::unordered_map<std::string_view, const Donation*> in_step;
    Donation rec;  // reused: assignment keeps the campaign string's buffer
    for (std::size_t i = 0; i < in.size(); ++i) {
      const Donation& d = in[i];
      if (auto earlier = in_step.find(keys[i]); earlier != in_step.end()) {
        if (auto ok = same_donation(*earlier->second, d); !ok) return ok.error();
        ++applied_.duplicates;
        continue;
      }
      if (stored[i] && !removed_.contains(keys[i])) {
        auto old = codec::decode_donation(*stored[i]);
        if (!old) return old.error();
        if (auto ok = same_donation(*old, d); !ok) return ok.error();
        ++applied_.duplicates;
        continue;
      }
      in_step.emplace(keys[i], &d);

      rec = d;
      rec.status = boundary_ && d.block_number <= *boundary_ ? Status::confirmed : Status::pending;
      record_.clear();
      codec::append(record_, rec);
      batch_.Put(cf_.donations, keys[i], record_);
      tx_puts_.add([&](std::string& b) { codec::append_tx_key(b, rec.chain_id, rec.tx_hash, rec.log_index); },
                   [&](std::string& b) { codec::append_u64(b, rec.block_number); });
      add_index_put(rec);
      if (rec.status == Status::pending) batch_.Put(cf_.pending, keys[i], {});
      if (auto ok = tally_.count(rec, rec.status, +1); !ok) return ok.error();
      append_event(EventType::donation, record_);
      ++applied_.added;
    }
    return {};
  }

  /// A block at or above the chain's highest stored donation, if it has any: remembered by the
  /// store, read from the donations family the first time.
  core::Result<std::optional<std::uint64_t>> highest_stored_block() {
    if (auto known = store_.highest_block_.find(step_.chain_id); known != store_.highest_block_.end()) {
      return known->second;
    }
    std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(rocksdb::ReadOptions{}, cf_.donations));
    it->SeekForPrev(codec::donation_key(step_.chain_id, UINT64_MAX, UINT32_MAX));
    if (!it->status().ok()) return storage_error(it->status(), "finding the highest stored donation");
    std::optional<std::uint64_t> highest;
    if (it->Valid() && has_prefix(it->key(), codec::chain_prefix(step_.chain_id))) {
      highest = codec::read_u64(view(it->key()), 8);
    }
    store_.highest_block_[step_.chain_id] = highest;
    return highest;
  }

  /// After a successful write: removed donations lower the bound no further than needed, added
  /// ones raise it.
  void update_highest_block() {
    auto& highest = store_.highest_block_[step_.chain_id];
    if (step_.rollback_to && highest && *highest > *step_.rollback_to) highest = *step_.rollback_to;
    for (const auto& d : step_.donations) highest = std::max(highest.value_or(0), d.block_number);
  }

  /// The same (chain, block, log index) must be the same transfer, or a reorg went unnoticed.
  static core::Result<void> same_donation(const Donation& stored, const Donation& d) {
    if (stored.tx_hash == d.tx_hash && stored.block_hash == d.block_hash) return {};
    return core::Error{core::Errc::invalid_argument,
                       "storage: chain " + std::to_string(d.chain_id) + " block " +
                           std::to_string(d.block_number) + " log " + std::to_string(d.log_index) +
                           " is stored as tx " + core::to_hex(stored.tx_hash) + " in block " +
                           core::to_hex(stored.block_hash) + " but the step has tx " +
                           core::to_hex(d.tx_hash) + " in block " + core::to_hex(d.block_hash) +
                           "; a reorg must be rolled back before the new blocks are applied"};
  }

  core::Result<void> confirm() {
    if (!boundary_) return {};
    const std::string chain = codec::chain_prefix(step_.chain_id);
    // Nothing at or below the stored boundary is pending; seeking past it skips the tombstones
    // that earlier confirmations left.
    const std::uint64_t from = cursor_ ? cursor_->confirmed_block + 1 : 0;
    if (from > *boundary_) return {};
    std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(rocksdb::ReadOptions{}, cf_.pending));
    std::vector<std::string> keys;
    for (it->Seek(codec::chain_block_prefix(step_.chain_id, from));
         it->Valid() && has_prefix(it->key(), chain); it->Next()) {
      if (it->key().size() != 20)
        return core::Error{core::Errc::corrupt_record, "storage: malformed pending entry"};
      if (codec::read_u64(view(it->key()), 8) > *boundary_) break;
      std::string key(view(it->key()));
      if (!removed_.contains(key)) keys.push_back(std::move(key));
    }
    if (!it->status().ok()) return storage_error(it->status(), "reading pending donations");

    auto stored = multi_get(db_, cf_.donations, keys);
    if (!stored) return stored.error();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!(*stored)[i]) {
        return core::Error{
            core::Errc::corrupt_record,
            "storage: a pending entry points at a donation that is not stored; run `givewatch verify`"};
      }
      auto d = codec::decode_donation(*(*stored)[i]);
      if (!d) return d.error();
      if (auto ok = tally_.count(*d, Status::pending, -1); !ok) return ok.error();
      d->status = Status::confirmed;
      if (auto ok = tally_.count(*d, Status::confirmed, +1); !ok) return ok.error();
      batch_.Put(cf_.donations, keys[i], codec::encode(*d));
      add_index_put(*d);
      batch_.Delete(cf_.pending, keys[i]);
      append_event(EventType::confirmed, *d);
      ++applied_.confirmed;
    }
    return {};
  }

  void record_blocks() {
    const std::uint64_t prune = step_.prune_blocks_below.value_or(0);
    for (const auto& b : step_.blocks) {
      if (b.number >= prune) {
        batch_.Put(cf_.blocks, codec::block_key(step_.chain_id, b.number),
                   rocksdb::Slice(reinterpret_cast<const char*>(b.hash.bytes.data()), 32));
      }
    }
    // One range tombstone instead of a delete per block keeps later scans of the family fast.
    if (prune > 0) {
      batch_.DeleteRange(cf_.blocks, codec::block_key(step_.chain_id, 0),
                         codec::block_key(step_.chain_id, prune));
    }
  }

  void write_cursors() {
    for (const auto& c : step_.address_cursors) address_cursors_[c.address] = c.next_block;
    for (const auto& [address, next] : address_cursors_) {
      batch_.Put(cf_.address_cursors, codec::address_cursor_key(step_.chain_id, address),
                 codec::encode_u64(next));
    }
    const bool touched = step_.indexed || step_.head || step_.confirm_through || step_.rollback_to;
    if (!cursor_ && !touched) return;
    ChainCursor c = cursor_.value_or(ChainCursor{});
    if (step_.indexed) {
      c.indexed_block = step_.indexed->number;
      c.indexed_hash = step_.indexed->hash;
    }
    if (boundary_) c.confirmed_block = *boundary_;
    if (step_.head) c.head_block = *step_.head;
    batch_.Put(cf_.chain_cursors, codec::chain_prefix(step_.chain_id), codec::encode(c));
  }

  void add_index_put(const Donation& d) {
    index_puts_.add([&](std::string& b) { codec::append_campaign_index_key(b, d); },
                    [&](std::string& b) { codec::append_campaign_index_value(b, d); });
  }

  void append_event(EventType type, const Donation& d) { append_event(type, codec::encode(d)); }

  /// An event is its type byte followed by the donation record (codec::encode_event's layout),
  /// put from its two parts without building the whole value.
  void append_event(EventType type, std::string_view record) {
    const std::string key = codec::event_key(next_seq_++);
    const char type_byte = static_cast<char>(type);
    const rocksdb::Slice key_part(key);
    const rocksdb::Slice value_parts[] = {rocksdb::Slice(&type_byte, 1),
                                          rocksdb::Slice(record.data(), record.size())};
    batch_.Put(cf_.events, rocksdb::SliceParts(&key_part, 1), rocksdb::SliceParts(value_parts, 2));
  }

  core::Result<Applied> commit() {
    // Reordering the index puts after everything else is safe: no key of theirs is deleted later
    // in the same step, and every delete is in the batch already.
    tx_puts_.write_to(batch_, cf_.tx_index);
    index_puts_.write_to(batch_, cf_.campaign_index);
    const std::uint64_t last = next_seq_ - 1;
    if (last >= applied_.first_seq) {
      batch_.Put(cf_.meta, "last_event_seq", codec::encode_u64(last));
      applied_.last_seq = last;
    } else {
      applied_.first_seq = 0;
    }
    rocksdb::WriteOptions wo;
    wo.sync = store_.options_.sync;
    if (auto s = db_.Write(wo, &batch_); !s.ok()) return storage_error(s, "writing a step");
    update_highest_block();
    tally_.remember_donors();
    if (applied_.last_seq != 0) store_.last_seq_.store(applied_.last_seq, std::memory_order_release);
    store_.version_.fetch_add(1, std::memory_order_acq_rel);
    return applied_;
  }

  Store& store_;
  rocksdb::DB& db_;
  const ColumnFamilies& cf_;
  const Step& step_;
  rocksdb::WriteBatch batch_;
  Applied applied_;
  std::uint64_t next_seq_;
  std::optional<ChainCursor> cursor_;
  std::optional<std::uint64_t> boundary_;
  std::unordered_set<std::string> removed_;
  SortedPuts tx_puts_;
  SortedPuts index_puts_;
  Tally tally_;
  std::string record_;  ///< reused buffer for encoding donation records
  std::map<core::Address, std::uint64_t> address_cursors_;
};

core::Result<Applied> Store::apply(const Step& step) {
  if (options_.read_only) {
    return core::Error{core::Errc::invalid_argument, "storage: the store was opened read-only; steps are not written"};
  }
  auto applied = [&] {
    std::lock_guard lock(write_mutex_);
    return Batch(*this, step).run();
  }();
  if (applied && applied->last_seq != 0) {
    for (const auto& listener : commit_listeners_) listener(applied->last_seq);
  }
  return applied;
}

}  // namespace givewatch::storage
