#pragma once

// Private to givewatch::storage.

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace givewatch::storage {

/// Puts collected in one buffer and added to a batch in key order: a memtable inserts sorted keys
/// far faster than random ones (tx hashes are random), and one buffer spares an allocation a key.
class SortedPuts {
 public:
  /// Appends one entry: `write_key` then `write_value` append their bytes to the given buffer.
  template <class WriteKey, class WriteValue>
  void add(WriteKey write_key, WriteValue write_value) {
    const std::size_t start = buffer_.size();
    write_key(buffer_);
    const std::size_t key_end = buffer_.size();
    write_value(buffer_);
    entries_.push_back({start, key_end - start, buffer_.size() - key_end});
  }

  void write_to(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf) {
    std::sort(entries_.begin(), entries_.end(),
              [this](const Entry& a, const Entry& b) { return key(a) < key(b); });
    for (const auto& e : entries_) {
      batch.Put(cf, rocksdb::Slice(buffer_.data() + e.offset, e.key_size),
                rocksdb::Slice(buffer_.data() + e.offset + e.key_size, e.value_size));
    }
  }

 private:
  struct Entry {
    std::size_t offset;
    std::size_t key_size;
    std::size_t value_size;
  };
  std::string_view key(const Entry& e) const { return {buffer_.data() + e.offset, e.key_size}; }

  std::string buffer_;
  std::vector<Entry> entries_;
};

}  // namespace givewatch::storage
