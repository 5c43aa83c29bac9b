#include "storage/store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <array>
#include <system_error>

#include "storage/codec.hpp"
#include "storage/db.hpp"
#include "storage/tally.hpp"

namespace givewatch::storage {
namespace {

constexpr std::string_view kSchemaKey = "schema_version";
constexpr std::size_t kDonorCacheSize = 50'000;  // about 7 MB of donor counts at most
constexpr std::string_view kLastSeqKey = "last_event_seq";

struct FamilySpec {
  const char* name;
  rocksdb::ColumnFamilyHandle* ColumnFamilies::*member;
  std::size_t write_buffer_mb;
  bool bloom;           ///< SST bloom filters, for families read by key
  bool memtable_bloom;  ///< also in the memtable, for families a step reads mostly-absent keys from
};

// Memtable sizes: families written in key order (donations, events) take large memtables cheaply;
// families with random keys (tx hashes, donor addresses) insert much faster into small ones, whose
// skiplists stay in the CPU cache. Point-looked-up families get bloom filters.
constexpr std::array kFamilies{
    FamilySpec{"default", &ColumnFamilies::meta, 1, false, false},
    FamilySpec{"donations", &ColumnFamilies::donations, 4, true, false},
    FamilySpec{"tx_index", &ColumnFamilies::tx_index, 2, false, false},
    FamilySpec{"campaign_index", &ColumnFamilies::campaign_index, 2, false, false},
    FamilySpec{"pending", &ColumnFamilies::pending, 1, false, false},
    FamilySpec{"totals", &ColumnFamilies::totals, 1, true, true},
    FamilySpec{"donors", &ColumnFamilies::donors, 2, true, true},
    FamilySpec{"campaigns", &ColumnFamilies::campaigns, 1, true, true},
    FamilySpec{"chain_cursors", &ColumnFamilies::chain_cursors, 1, false, false},
    FamilySpec{"address_cursors", &ColumnFamilies::address_cursors, 1, false, false},
    FamilySpec{"blocks", &ColumnFamilies::blocks, 1, false, false},
    FamilySpec{"events", &ColumnFamilies::events, 4, false, false},
};

rocksdb::ColumnFamilyOptions family_options(const FamilySpec& spec,
                                            const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = spec.write_buffer_mb << 20;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (spec.bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  if (spec.memtable_bloom) {
    // A memtable bloom filter answers "absent" without searching the skiplist.
    o.memtable_prefix_bloom_size_ratio = 0.05;
    o.memtable_whole_key_filtering = true;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return o;
}

bool is_lock_error(const rocksdb::Status& s) {
  const std::string text = s.ToString();
  return s.IsIOError() && (text.find("LOCK") != std::string::npos || text.find("lock") != std::string::npos);
}


core::Result<std::vector<Donation>> fetch_donations(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                                    const rocksdb::ReadOptions& ro,
                                                    const std::vector<std::string>& keys) {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db.MultiGet(ro, cf, keys.size(), slices.data(), values.data(), statuses.data());
  std::vector<Donation> out;
  out.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!statuses[i].ok()) {
      if (statuses[i].IsNotFound()) {
        return core::Error{
            core::Errc::corrupt_record,
            "storage: an index points at a donation that is not stored; run `givewatch verify`"};
      }
      return storage_error(statuses[i], "reading donations");
    }
    auto d = codec::decode_donation(view(values[i]));
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace

core::Result<std::vector<std::optional<std::string>>> multi_get(rocksdb::DB& db,
                                                                rocksdb::ColumnFamilyHandle* cf,
                                                                const std::vector<std::string>& keys) {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db.MultiGet(rocksdb::ReadOptions{}, cf, keys.size(), slices.data(), values.data(), statuses.data());
  std::vector<std::optional<std::string>> out(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].ok()) {
      out[i].emplace(view(values[i]));
    } else if (!statuses[i].IsNotFound()) {
      return storage_error(statuses[i], "reading records for a step");
    }
  }
  return out;
}

core::Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, Options options) {
  std::error_code ec;
  if (!options.read_only) std::filesystem::create_directories(path, ec);
  if (ec) {
    return core::Error{core::Errc::storage,
                       "storage: cannot create data directory '" + path.string() + "': " + ec.message()};
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.db_write_buffer_size = 16 << 20;  // all memtables together; bounds memory use
  db_options.keep_log_file_num = 3;
  db_options.max_background_jobs = 2;
  auto cache = rocksdb::NewLRUCache(8 << 20);

  // Every family already in the directory must be opened, known or not.
  std::vector<std::string> existing;
  if (auto s = rocksdb::DB::ListColumnFamilies(db_options, path.string(), &existing); !s.ok())
    existing.clear();

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& spec : kFamilies) descriptors.emplace_back(spec.name, family_options(spec, cache));
  for (const auto& name : existing) {
    bool known = false;
    for (const auto& spec : kFamilies) known = known || name == spec.name;
    if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  }

  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  const auto status =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, path.string(), descriptors, &raw_handles, &raw_db)
          : rocksdb::DB::Open(db_options, path.string(), descriptors, &raw_handles, &raw_db);
  if (!status.ok()) {
    if (is_lock_error(status)) {
      return core::Error{core::Errc::db_locked,
                         "storage: data directory '" + path.string() +
                             "' is in use by another process (another givewatch running?); stop it or "
                             "choose another [storage] path. RocksDB said: " +
                             status.ToString()};
    }
    return storage_error(status, "opening '" + path.string() + "'");
  }

  std::unique_ptr<rocksdb::DB> db(raw_db);
  auto handles = std::make_unique<ColumnFamilies>();
  handles->all = raw_handles;
  for (std::size_t i = 0; i < kFamilies.size(); ++i) (*handles).*(kFamilies[i].member) = raw_handles[i];

  std::unique_ptr<Store> store(new Store(path, options, std::move(db), std::move(handles)));
  if (auto ok = store->init_schema(); !ok) return ok.error();
  if (auto ok = store->load_last_seq(); !ok) return ok.error();
  return store;
}

Store::Store(std::filesystem::path path, Options options, std::unique_ptr<rocksdb::DB> db,
             std::unique_ptr<ColumnFamilies> handles)
    : path_(std::move(path)),
      options_(options),
      db_(std::move(db)),
      cf_(std::move(handles)),
      donor_cache_(std::make_unique<DonorCache>(kDonorCacheSize)) {}

Store::~Store() {
  if (!db_) return;
  for (auto* h : cf_->all) db_->DestroyColumnFamilyHandle(h);
  db_->Close().PermitUncheckedError();
}

core::Result<void> Store::init_schema() {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions{}, cf_->meta, kSchemaKey, &value);
  if (s.IsNotFound() && options_.read_only) {
    return core::Error{core::Errc::schema_mismatch,
                       "storage: data directory '" + path_.string() + "' has no schema version; not a givewatch store"};
  }
  if (s.IsNotFound()) {
    // A directory without a version must hold nothing of ours, or it is not a givewatch store.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, cf_->donations));
    it->SeekToFirst();
    if (it->Valid()) {
      return core::Error{core::Errc::schema_mismatch, "storage: data directory '" + path_.string() +
                                                          "' holds donations but no schema version; it was "
                                                          "not written by givewatch"};
    }
    s = db_->Put(rocksdb::WriteOptions{}, cf_->meta, kSchemaKey, codec::encode_u64(kSchemaVersion));
    if (!s.ok()) return storage_error(s, "writing the schema version");
    return {};
  }
  if (!s.ok()) return storage_error(s, "reading the schema version");
  auto version = codec::decode_u64(value);
  if (!version || *version != kSchemaVersion) {
    const std::string found = version ? std::to_string(*version) : "unreadable";
    return core::Error{core::Errc::schema_mismatch,
                       "storage: data directory '" + path_.string() + "' has schema version " + found +
                           " but this givewatch reads version " + std::to_string(kSchemaVersion) +
                           "; use the givewatch release that wrote it, or index into an empty directory"};
  }
  return {};
}

core::Result<void> Store::load_last_seq() {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions{}, cf_->meta, kLastSeqKey, &value);
  if (s.IsNotFound()) return {};
  if (!s.ok()) return storage_error(s, "reading the last event sequence");
  auto seq = codec::decode_u64(value);
  if (!seq) return seq.error();
  last_seq_.store(*seq, std::memory_order_release);
  return {};
}

core::Result<CampaignTotals> Store::totals(std::string_view campaign) const {
  SnapshotGuard snap(*db_);
  return read_totals(snap.options(), campaign);
}

core::Result<TotalsAt> Store::totals_at(std::string_view campaign) const {
  SnapshotGuard snap(*db_);
  const auto ro = snap.options();
  auto totals = read_totals(ro, campaign);
  if (!totals) return totals.error();
  std::string value;
  auto s = db_->Get(ro, cf_->meta, kLastSeqKey, &value);
  if (s.IsNotFound()) return TotalsAt{std::move(*totals), 0};
  if (!s.ok()) return storage_error(s, "reading the last event sequence");
  auto seq = codec::decode_u64(value);
  if (!seq) return seq.error();
  return TotalsAt{std::move(*totals), *seq};
}

core::Result<CampaignTotals> Store::read_totals(const rocksdb::ReadOptions& ro, std::string_view campaign) const {
  const std::string prefix = codec::campaign_prefix(campaign);
  CampaignTotals out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_->totals));
  for (it->Seek(prefix); it->Valid() && has_prefix(it->key(), prefix); it->Next()) {
    const auto key = view(it->key());
    if (key.size() != prefix.size() + 28) {
      return core::Error{core::Errc::corrupt_record, "storage: malformed totals key"};
    }
    auto t = codec::decode_totals(view(it->value()));
    if (!t) return t.error();
    t->chain_id = codec::read_u64(key, prefix.size());
    std::copy_n(key.data() + prefix.size() + 8, 20, reinterpret_cast<char*>(t->token.bytes.data()));
    out.tokens.push_back(std::move(*t));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading totals");

  std::string value;
  auto s = db_->Get(ro, cf_->campaigns, prefix, &value);
  if (s.ok()) {
    auto stats = codec::decode_stats(value);
    if (!stats) return stats.error();
    out.confirmed_donors = stats->confirmed_donors;
    out.pending_donors = stats->pending_donors;
    out.donors = stats->donors;
  } else if (!s.IsNotFound()) {
    return storage_error(s, "reading campaign donors");
  }
  return out;
}

core::Result<DonationPage> Store::donations(const DonationQuery& q) const {
  if (q.limit == 0) return core::Error{core::Errc::invalid_argument, "limit must be at least 1"};
  const std::string prefix = codec::campaign_prefix(q.campaign);
  std::string start = prefix;
  if (!q.cursor.empty()) {
    auto raw = core::from_hex(q.cursor);
    if (!raw || raw->size() != 28) {
      return core::Error{core::Errc::invalid_argument,
                         "cursor '" + q.cursor + "' is not a cursor this server issued; start without one"};
    }
    start.append(reinterpret_cast<const char*>(raw->data()), raw->size());
  }

  SnapshotGuard snap(*db_);
  const auto ro = snap.options();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_->campaign_index));
  std::vector<std::string> keys;
  std::string last_suffix;
  bool more = false;
  it->Seek(start);
  if (!q.cursor.empty() && it->Valid() && view(it->key()) == start) it->Next();
  for (; it->Valid() && has_prefix(it->key(), prefix); it->Next()) {
    const auto key = view(it->key());
    const auto value = view(it->value());
    if (key.size() != prefix.size() + 28 || value.size() != 21) {
      return core::Error{core::Errc::corrupt_record, "storage: malformed campaign index entry"};
    }
    const std::uint64_t chain = ~codec::read_u64(key, prefix.size() + 8);
    if (q.chain_id && *q.chain_id != chain) continue;
    if (q.status && static_cast<std::uint8_t>(*q.status) != static_cast<std::uint8_t>(value[0])) continue;
    if (q.token && !std::equal(q.token->bytes.begin(), q.token->bytes.end(),
                               reinterpret_cast<const std::uint8_t*>(value.data() + 1))) {
      continue;
    }
    if (keys.size() == q.limit) {
      more = true;
      break;
    }
    const std::uint64_t block = ~codec::read_u64(key, prefix.size() + 16);
    const std::uint32_t log_index = ~codec::read_u32(key, prefix.size() + 24);
    keys.push_back(codec::donation_key(chain, block, log_index));
    last_suffix.assign(key.substr(prefix.size()));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading campaign donations");

  auto records = fetch_donations(*db_, cf_->donations, ro, keys);
  if (!records) return records.error();
  DonationPage page;
  page.donations = std::move(*records);
  if (more) {
    page.next_cursor = core::to_hex(core::ByteView(reinterpret_cast<const std::uint8_t*>(last_suffix.data()),
                                                   last_suffix.size()))
                           .substr(2);
  }
  return page;
}

core::Result<std::vector<Donation>> Store::donations_by_tx(std::uint64_t chain_id,
                                                           const core::Hash& tx) const {
  SnapshotGuard snap(*db_);
  const auto ro = snap.options();
  const std::string prefix = codec::tx_prefix(chain_id, tx);
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_->tx_index));
  for (it->Seek(prefix); it->Valid() && has_prefix(it->key(), prefix); it->Next()) {
    const auto key = view(it->key());
    auto block = codec::decode_u64(view(it->value()));
    if (!block || key.size() != prefix.size() + 4) {
      return core::Error{core::Errc::corrupt_record, "storage: malformed transaction index entry"};
    }
    const std::uint32_t log_index = codec::read_u32(key, prefix.size());
    keys.push_back(codec::donation_key(chain_id, *block, log_index));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading the transaction index");
  return fetch_donations(*db_, cf_->donations, ro, keys);
}

core::Result<std::optional<ChainCursor>> Store::chain_cursor(std::uint64_t chain_id) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions{}, cf_->chain_cursors, codec::chain_prefix(chain_id), &value);
  if (s.IsNotFound()) return std::optional<ChainCursor>{};
  if (!s.ok()) return storage_error(s, "reading a chain cursor");
  auto c = codec::decode_cursor(value);
  if (!c) return c.error();
  return std::optional<ChainCursor>{*c};
}

core::Result<std::vector<AddressCursor>> Store::address_cursors(std::uint64_t chain_id) const {
  const std::string prefix = codec::chain_prefix(chain_id);
  std::vector<AddressCursor> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, cf_->address_cursors));
  for (it->Seek(prefix); it->Valid() && has_prefix(it->key(), prefix); it->Next()) {
    const auto key = view(it->key());
    auto next = codec::decode_u64(view(it->value()));
    if (!next || key.size() != 28) {
      return core::Error{core::Errc::corrupt_record, "storage: malformed address cursor"};
    }
    AddressCursor c;
    std::copy_n(key.data() + 8, 20, reinterpret_cast<char*>(c.address.bytes.data()));
    c.next_block = *next;
    out.push_back(c);
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading address cursors");
  return out;
}

core::Result<std::vector<BlockRef>> Store::blocks(std::uint64_t chain_id, std::uint64_t from,
                                                  std::size_t limit) const {
  const std::string prefix = codec::chain_prefix(chain_id);
  std::vector<BlockRef> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, cf_->blocks));
  for (it->Seek(codec::block_key(chain_id, from));
       it->Valid() && has_prefix(it->key(), prefix) && out.size() < limit; it->Next()) {
    const auto key = view(it->key());
    const auto value = view(it->value());
    if (key.size() != 16 || value.size() != 32) {
      return core::Error{core::Errc::corrupt_record, "storage: malformed block hash entry"};
    }
    BlockRef b;
    b.number = codec::read_u64(key, 8);
    std::copy_n(value.data(), 32, reinterpret_cast<char*>(b.hash.bytes.data()));
    out.push_back(b);
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading block hashes");
  return out;
}

core::Result<std::vector<Event>> Store::events_after(std::uint64_t after, std::size_t limit) const {
  std::vector<Event> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, cf_->events));
  for (it->Seek(codec::event_key(after + 1)); it->Valid() && out.size() < limit; it->Next()) {
    auto seq = codec::decode_u64(view(it->key()));
    if (!seq) return seq.error();
    auto e = codec::decode_event(*seq, view(it->value()));
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading events");
  return out;
}

}  // namespace givewatch::storage
