#include "tests/integration/store_tamper.hpp"

#include <rocksdb/db.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/codec.hpp"

namespace givewatch::test {
namespace {

/// The data directory's RocksDB with every column family, by name; closed when it goes.
struct Raw {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<std::string> names;

  explicit Raw(const std::filesystem::path& data) {
    rocksdb::DBOptions options;
    // Families are opened without givewatch's options (the totals' merge operator among them):
    // nothing may be flushed or compacted here, so the records wait in the log for the store.
    options.avoid_flush_during_recovery = true;
    options.avoid_flush_during_shutdown = true;
    if (auto s = rocksdb::DB::ListColumnFamilies(options, data.string(), &names); !s.ok()) {
      throw std::runtime_error(s.ToString());
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    rocksdb::ColumnFamilyOptions family_options;
    family_options.disable_auto_compactions = true;
    for (const auto& n : names) families.emplace_back(n, family_options);
    rocksdb::DB* raw = nullptr;
    if (auto s = rocksdb::DB::Open(options, data.string(), families, &handles, &raw); !s.ok()) {
      throw std::runtime_error(s.ToString());
    }
    db.reset(raw);
  }
  ~Raw() {
    for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  rocksdb::ColumnFamilyHandle* family(const std::string& name) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return handles[i];
    }
    throw std::runtime_error("no column family " + name);
  }
  void check(const rocksdb::Status& s) const {
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
};

}  // namespace

void tamper_amount(const std::filesystem::path& data, const storage::Donation& d, const core::Amount& amount) {
  Raw raw(data);
  const auto key = storage::codec::donation_key(d.chain_id, d.block_number, d.log_index);
  std::string value;
  raw.check(raw.db->Get(rocksdb::ReadOptions{}, raw.family("donations"), key, &value));
  auto stored = storage::codec::decode_donation(value).value();
  stored.amount = amount;
  raw.check(raw.db->Put(rocksdb::WriteOptions{}, raw.family("donations"), key, storage::codec::encode(stored)));
}

void remove_donation(const std::filesystem::path& data, const storage::Donation& d) {
  Raw raw(data);
  rocksdb::WriteBatch batch;
  raw.check(batch.Delete(raw.family("donations"), storage::codec::donation_key(d.chain_id, d.block_number, d.log_index)));
  raw.check(batch.Delete(raw.family("tx_index"), storage::codec::tx_key(d.chain_id, d.tx_hash, d.log_index)));
  raw.check(batch.Delete(raw.family("campaign_index"), storage::codec::campaign_index_key(d)));
  raw.check(raw.db->Write(rocksdb::WriteOptions{}, &batch));
}

}  // namespace givewatch::test
