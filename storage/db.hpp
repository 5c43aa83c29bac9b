#pragma once

// Private to givewatch::storage: the column family handles and small RocksDB helpers.

#include <rocksdb/db.h>
#include <rocksdb/status.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "storage/store.hpp"

namespace givewatch::storage {

/// Column families, one per kind of record (see codec.hpp for their keys).
struct ColumnFamilies {
  rocksdb::ColumnFamilyHandle* meta = nullptr;  ///< the default family: schema version, last event seq
  rocksdb::ColumnFamilyHandle* donations = nullptr;
  rocksdb::ColumnFamilyHandle* tx_index = nullptr;
  rocksdb::ColumnFamilyHandle* campaign_index = nullptr;
  rocksdb::ColumnFamilyHandle* pending = nullptr;
  rocksdb::ColumnFamilyHandle* totals = nullptr;
  rocksdb::ColumnFamilyHandle* donors = nullptr;
  rocksdb::ColumnFamilyHandle* campaigns = nullptr;
  rocksdb::ColumnFamilyHandle* chain_cursors = nullptr;
  rocksdb::ColumnFamilyHandle* address_cursors = nullptr;
  rocksdb::ColumnFamilyHandle* blocks = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  /// Every handle opened, including families this build does not know; destroyed before close.
  std::vector<rocksdb::ColumnFamilyHandle*> all;
};

/// Converts a failed RocksDB status into a storage error saying what givewatch was doing.
inline core::Error storage_error(const rocksdb::Status& status, std::string_view doing) {
  return core::Error{core::Errc::storage, "storage: " + std::string(doing) + ": " + status.ToString()};
}

/// True when `key` starts with `prefix`.
inline bool has_prefix(const rocksdb::Slice& key, std::string_view prefix) {
  return key.size() >= prefix.size() && std::string_view(key.data(), prefix.size()) == prefix;
}

inline std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

/// Releases a snapshot when a read is done.
class SnapshotGuard {
 public:
  explicit SnapshotGuard(rocksdb::DB& db) : db_(db), snap_(db.GetSnapshot()) {}
  ~SnapshotGuard() { db_.ReleaseSnapshot(snap_); }
  SnapshotGuard(const SnapshotGuard&) = delete;
  SnapshotGuard& operator=(const SnapshotGuard&) = delete;
  rocksdb::ReadOptions options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap_;
    return ro;
  }

 private:
  rocksdb::DB& db_;
  const rocksdb::Snapshot* snap_;
};

/// Reads `keys` of one family at once; a missing key is nullopt.
core::Result<std::vector<std::optional<std::string>>> multi_get(rocksdb::DB& db,
                                                                rocksdb::ColumnFamilyHandle* cf,
                                                                const std::vector<std::string>& keys);

}  // namespace givewatch::storage
