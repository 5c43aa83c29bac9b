// The alert sinks' durable cursors: one record per sink in the default family, written on their own
// (not in a step): a sink that delivered an event moves its cursor whatever the watchers do.


#include "storage/codec.hpp"
#include "storage/db.hpp"

namespace givewatch::storage {
namespace {

constexpr std::string_view kSinkPrefix = "sink/";

void put_text(std::string& out, std::string_view text) {
  out += codec::encode_u64(text.size());
  out += text;
}

/// Reads a length-prefixed text at `at`, advancing it; nullopt when the record is too short.
std::optional<std::string> take_text(std::string_view value, std::size_t& at) {
  if (value.size() < at + 8) return std::nullopt;
  auto size = codec::decode_u64(value.substr(at, 8));
  if (!size || value.size() - at - 8 < *size) return std::nullopt;
  std::string out(value.substr(at + 8, *size));
  at += 8 + *size;
  return out;
}

std::string encode(const SinkState& state) {
  std::string out = codec::encode_u64(state.cursor);
  out += static_cast<char>(state.stopped ? 1 : 0);
  put_text(out, state.stop_reason);
  put_text(out, state.fingerprint);
  return out;
}

core::Result<SinkState> decode(std::string_view id, std::string_view value) {
  auto corrupt = [id] {
    return core::Error{core::Errc::corrupt_record, "storage: the state of alert sink '" + std::string(id) +
                                                       "' is unreadable"};
  };
  if (value.size() < 9) return corrupt();
  SinkState state;
  auto cursor = codec::decode_u64(value.substr(0, 8));
  if (!cursor) return corrupt();
  state.cursor = *cursor;
  state.stopped = value[8] != 0;
  std::size_t at = 9;
  auto reason = take_text(value, at);
  auto fingerprint = reason ? take_text(value, at) : std::nullopt;
  if (!fingerprint || at != value.size()) return corrupt();
  state.stop_reason = std::move(*reason);
  state.fingerprint = std::move(*fingerprint);
  return state;
}

}  // namespace

core::Result<std::optional<SinkState>> Store::sink_state(std::string_view id) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions{}, cf_->meta, std::string(kSinkPrefix) + std::string(id), &value);
  if (s.IsNotFound()) return std::optional<SinkState>{};
  if (!s.ok()) return storage_error(s, "reading the state of alert sink '" + std::string(id) + "'");
  auto state = decode(id, value);
  if (!state) return state.error();
  return std::optional<SinkState>{std::move(*state)};
}

core::Result<std::vector<std::pair<std::string, SinkState>>> Store::sink_states() const {
  std::vector<std::pair<std::string, SinkState>> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}, cf_->meta));
  for (it->Seek(kSinkPrefix); it->Valid() && has_prefix(it->key(), kSinkPrefix); it->Next()) {
    const std::string id(view(it->key()).substr(kSinkPrefix.size()));
    auto state = decode(id, view(it->value()));
    if (!state) return state.error();
    out.emplace_back(id, std::move(*state));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading the alert sinks' states");
  return out;
}

core::Result<void> Store::put_sink_state(std::string_view id, const SinkState& state) {
  if (options_.read_only) {
    return core::Error{core::Errc::invalid_argument, "storage: the store was opened read-only; sink states are not written"};
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  auto s = db_->Put(wo, cf_->meta, std::string(kSinkPrefix) + std::string(id), encode(state));
  if (!s.ok()) return storage_error(s, "writing the state of alert sink '" + std::string(id) + "'");
  return {};
}

void Store::on_commit(std::function<void(std::uint64_t)> listener) {
  commit_listeners_.push_back(std::move(listener));
}

}  // namespace givewatch::storage
