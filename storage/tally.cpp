#include "storage/tally.hpp"

#include <algorithm>

namespace givewatch::storage {

const codec::DonorCounts* DonorCache::find(std::string_view key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? nullptr : &it->second;
}

void DonorCache::remember(const DonorMap& written) {
  if (counts_.size() + written.size() > capacity_) counts_.clear();
  for (const auto& [key, c] : written) counts_[key] = c;
}

core::Result<void> Tally::prefetch_donors(const std::vector<Donation>& donations) {
  std::vector<std::string> keys;
  for (const auto& d : donations) {
    key_.clear();
    codec::append_donor_key(key_, d.campaign, d.from);
    if (donors_.contains(key_)) continue;
    if (const auto* cached = cache_.find(key_)) {
      donors_.emplace(key_, *cached);
      continue;
    }
    donors_.emplace(key_, codec::DonorCounts{});
    keys.push_back(key_);
  }
  auto stored = multi_get(db_, cf_.donors, keys);
  if (!stored) return stored.error();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!(*stored)[i]) continue;
    auto c = codec::decode_donor(*(*stored)[i]);
    if (!c) return c.error();
    donors_[keys[i]] = *c;
  }
  return {};
}

template <class Map, class Decode>
core::Result<typename Map::mapped_type*> Tally::overlay(Map& map, rocksdb::ColumnFamilyHandle* cf,
                                                        std::string_view key, Decode decode) {
  if (auto it = map.find(key); it != map.end()) return &it->second;
  std::string value;
  auto s = db_.Get(rocksdb::ReadOptions{}, cf, rocksdb::Slice(key.data(), key.size()), &value);
  typename Map::mapped_type rec{};
  if (s.ok()) {
    auto decoded = decode(value);
    if (!decoded) return decoded.error();
    rec = *decoded;
  } else if (!s.IsNotFound()) {
    return storage_error(s, "reading a record for a step");
  }
  return &map.emplace(std::string(key), rec).first->second;
}

core::Result<codec::DonorCounts*> Tally::donor(std::string_view key) {
  if (auto it = donors_.find(key); it != donors_.end()) return &it->second;
  if (const auto* cached = cache_.find(key)) return &donors_.emplace(std::string(key), *cached).first->second;
  return overlay(donors_, cf_.donors, key, codec::decode_donor);
}

core::Result<void> Tally::count(const Donation& d, Status status, int sign) {
  key_.clear();
  codec::append_totals_key(key_, d.campaign, d.chain_id, d.token);
  auto t = overlay(totals_, cf_.totals, key_, codec::decode_totals);
  if (!t) return t.error();
  core::Amount& amount = status == Status::confirmed ? (*t)->confirmed_amount : (*t)->pending_amount;
  std::uint64_t& n = status == Status::confirmed ? (*t)->confirmed_count : (*t)->pending_count;
  auto sum = sign > 0 ? core::checked_add(amount, d.amount) : core::checked_sub(amount, d.amount);
  if (!sum) {
    return core::Error{sum.error().code, "storage: " + std::string(sign > 0 ? "adding" : "removing") +
                                             " donation tx " + core::to_hex(d.tx_hash) + " log " +
                                             std::to_string(d.log_index) + " to campaign '" + d.campaign +
                                             "' totals: " + sum.error().message};
  }
  if (sign < 0 && n == 0) return core::Error{core::Errc::corrupt_record, "storage: totals count below zero"};
  amount = *sum;
  n = sign > 0 ? n + 1 : n - 1;

  key_.clear();
  codec::append_donor_key(key_, d.campaign, d.from);
  auto counts = donor(key_);
  if (!counts) return counts.error();
  key_.clear();
  codec::append_campaign_prefix(key_, d.campaign);
  auto stats = overlay(stats_, cf_.campaigns, key_, codec::decode_stats);
  if (!stats) return stats.error();
  codec::DonorCounts& c = **counts;
  const codec::DonorCounts before = c;
  std::uint64_t& k = status == Status::confirmed ? c.confirmed : c.pending;
  if (sign < 0 && k == 0) return core::Error{core::Errc::corrupt_record, "storage: donor count below zero"};
  k = sign > 0 ? k + 1 : k - 1;
  auto shift = [](std::uint64_t& counter, bool was, bool is) {
    if (!was && is) ++counter;
    if (was && !is) --counter;
  };
  shift((*stats)->confirmed_donors, before.confirmed > 0, c.confirmed > 0);
  shift((*stats)->pending_donors, before.pending > 0, c.pending > 0);
  shift((*stats)->donors, before.confirmed + before.pending > 0, c.confirmed + c.pending > 0);
  return {};
}

void Tally::write_to(rocksdb::WriteBatch& batch) const {
  for (const auto& [key, t] : totals_) {
    if (t.confirmed_count == 0 && t.pending_count == 0) {
      batch.Delete(cf_.totals, key);
    } else {
      batch.Put(cf_.totals, key, codec::encode(t));
    }
  }
  std::vector<const DonorMap::value_type*> donors;
  donors.reserve(donors_.size());
  for (const auto& entry : donors_) donors.push_back(&entry);
  std::sort(donors.begin(), donors.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : donors) {
    const auto& [key, c] = *entry;
    if (c.confirmed == 0 && c.pending == 0) {
      batch.Delete(cf_.donors, key);
    } else {
      batch.Put(cf_.donors, key, codec::encode(c));
    }
  }
  for (const auto& [key, s] : stats_) {
    if (s.donors == 0) {
      batch.Delete(cf_.campaigns, key);
    } else {
      batch.Put(cf_.campaigns, key, codec::encode(s));
    }
  }
}

}  // namespace givewatch::storage
