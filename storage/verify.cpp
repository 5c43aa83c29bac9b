// Store::verify: recomputes every derived record from the donations and compares.

#include <map>

#include "storage/codec.hpp"
#include "storage/db.hpp"
#include "storage/store.hpp"

namespace givewatch::storage {
namespace {

constexpr std::size_t kMaxProblems = 10;

struct Expected {
  std::map<std::string, TokenTotals> totals;
  std::map<std::string, codec::DonorCounts> donors;
  std::map<std::string, codec::CampaignStats> stats;
  std::map<std::string, std::string> tx_index;
  std::map<std::string, std::string> campaign_index;
  std::map<std::string, std::string> pending;
};

}  // namespace

core::Result<void> Store::verify() const {
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::vector<std::string> problems;
  auto problem = [&](std::string p) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(p));
  };

  Expected want;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_->donations));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto d = codec::decode_donation(view(it->value()));
      if (!d) {
        problem(d.error().message);
        continue;
      }
      const std::string key(view(it->key()));
      if (key != codec::donation_key(d->chain_id, d->block_number, d->log_index)) {
        problem("donation stored under a key that does not match its chain, block and log index");
      }
      auto& t = want.totals[codec::totals_key(d->campaign, d->chain_id, d->token)];
      auto& c = want.donors[codec::donor_key(d->campaign, d->from)];
      if (d->status == Status::confirmed) {
        t.confirmed_amount += d->amount;  // uint256 wraps here; a wrapped sum shows up as a mismatch
        ++t.confirmed_count;
        ++c.confirmed;
      } else {
        t.pending_amount += d->amount;
        ++t.pending_count;
        ++c.pending;
        want.pending[key] = "";
      }
      want.tx_index[codec::tx_key(d->chain_id, d->tx_hash, d->log_index)] =
          codec::encode_u64(d->block_number);
      want.campaign_index[codec::campaign_index_key(*d)] = codec::campaign_index_value(*d);
    }
    if (!it->status().ok()) return storage_error(it->status(), "verifying donations");
  }
  for (const auto& [key, c] : want.donors) {
    const std::string campaign = key.substr(0, key.size() - 20);
    auto& s = want.stats[campaign];
    s.confirmed_donors += c.confirmed > 0;
    s.pending_donors += c.pending > 0;
    s.donors += 1;
  }

  // Every family must hold exactly the expected entries with the expected values.
  auto compare = [&](rocksdb::ColumnFamilyHandle* cf, const char* name, const auto& expected, auto encode) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
    std::size_t seen = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key(view(it->key()));
      auto found = expected.find(key);
      if (found == expected.end()) {
        problem(std::string(name) + " has an entry no donation accounts for (key " +
                core::to_hex(core::ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size())) +
                ")");
        continue;
      }
      ++seen;
      if (encode(found->second) != view(it->value())) {
        problem(std::string(name) + " entry (key " +
                core::to_hex(core::ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size())) +
                ") disagrees with the donations");
      }
    }
    if (!it->status().ok()) problem(std::string(name) + ": " + it->status().ToString());
    if (seen != expected.size()) {
      problem(std::string(name) + " lacks " + std::to_string(expected.size() - seen) + " of " +
              std::to_string(expected.size()) + " expected entries");
    }
  };
  auto same = [](const std::string& v) { return v; };
  auto enc = [](const auto& v) { return codec::encode(v); };
  compare(cf_->totals, "totals", want.totals, enc);
  compare(cf_->donors, "donors", want.donors, enc);
  compare(cf_->campaigns, "campaign stats", want.stats, enc);
  compare(cf_->tx_index, "tx index", want.tx_index, same);
  compare(cf_->campaign_index, "campaign index", want.campaign_index, same);
  compare(cf_->pending, "pending index", want.pending, same);
  db_->ReleaseSnapshot(snap);

  if (problems.empty()) return {};
  std::string message = "storage: the data directory is inconsistent:";
  for (const auto& p : problems) message += "\n  - " + p;
  return core::Error{core::Errc::corrupt_record, message};
}

}  // namespace givewatch::storage
