#pragma once

// Private to givewatch::storage: the totals, donor counts and distinct-donor stats one step changes.

#include <rocksdb/write_batch.h>

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/codec.hpp"
#include "storage/db.hpp"

namespace givewatch::storage {

/// Hashes std::string and std::string_view alike, so maps keyed by std::string take views.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Donor counts by donors-family key.
using DonorMap = std::unordered_map<std::string, codec::DonorCounts, StringHash, std::equal_to<>>;

/// Donor counts Store::apply wrote recently, so that steps from returning donors need not read
/// them back. Write-through: updated only after a batch is written, under the store's write mutex.
/// Cleared when it would grow past its capacity.
class DonorCache {
 public:
  explicit DonorCache(std::size_t capacity) : capacity_(capacity) {}
  const codec::DonorCounts* find(std::string_view key) const;
  /// Records what a written batch left in the donors family.
  void remember(const DonorMap& written);

 private:
  std::size_t capacity_;
  DonorMap counts_;
};

/// The overlay of totals, donors and campaign stats a step reads and changes, since RocksDB reads do
/// not see the step's unwritten batch. Each record is read at most once and written once.
class Tally {
 public:
  Tally(rocksdb::DB& db, const ColumnFamilies& cf, DonorCache& cache) : db_(db), cf_(cf), cache_(cache) {}

  /// Loads the donor records of every sender in `donations`: from the cache, the rest in one MultiGet.
  core::Result<void> prefetch_donors(const std::vector<Donation>& donations);

  /// Adds (+1) or removes (-1) one donation in `status` to its campaign's totals and donors.
  /// Errc::overflow when a sum would pass 2^256 - 1.
  core::Result<void> count(const Donation& d, Status status, int sign);

  /// Puts the changed records into `batch` in key order; records back at zero are deleted.
  void write_to(rocksdb::WriteBatch& batch) const;

  /// After the batch is written: lets the cache know the donor records it now holds.
  void remember_donors() { cache_.remember(donors_); }

 private:
  template <class Map, class Decode>
  core::Result<typename Map::mapped_type*> overlay(Map& map, rocksdb::ColumnFamilyHandle* cf,
                                                   std::string_view key, Decode decode);
  core::Result<codec::DonorCounts*> donor(std::string_view key);

  rocksdb::DB& db_;
  const ColumnFamilies& cf_;
  DonorCache& cache_;
  std::map<std::string, TokenTotals, std::less<>> totals_;
  DonorMap donors_;  // sorted on write
  std::map<std::string, codec::CampaignStats, std::less<>> stats_;
  std::string key_;  ///< reused buffer for building lookup keys
};

}  // namespace givewatch::storage
