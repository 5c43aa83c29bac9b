#include "storage/codec.hpp"

#include <algorithm>
#include <limits>

namespace givewatch::storage::codec {
namespace {

constexpr std::uint8_t kDonationVersion = 1;

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u32(std::string& out, std::uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i, v >>= 8) buf[i] = static_cast<char>(v & 0xff);
  out.append(buf, 4);
}

template <std::size_t N>
void put_bytes(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

void put_amount(std::string& out, const core::Amount& a) {
  put_bytes(out, core::amount_to_word(a));
}

/// Bounds-checked reader over a stored value; the first short read makes every later read fail.
class Reader {
 public:
  Reader(std::string_view bytes, const char* what) : bytes_(bytes), what_(what) {}

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return v;
  }
  template <std::size_t N>
  void bytes(std::array<std::uint8_t, N>& out) {
    if (!need(N)) return;
    std::copy_n(bytes_.data() + pos_, N, reinterpret_cast<char*>(out.data()));
    pos_ += N;
  }
  core::Amount amount() {
    std::array<std::uint8_t, 32> word{};
    bytes(word);
    return core::amount_from_word(word);
  }
  std::string str(std::size_t n) {
    if (!need(n)) return {};
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  /// Ok only when every read fitted and nothing is left over.
  core::Result<void> finish() const {
    if (short_ || pos_ != bytes_.size()) {
      return core::Error{core::Errc::corrupt_record,
                         std::string("stored ") + what_ + " record has " + std::to_string(bytes_.size()) +
                             " bytes, which does not match its layout; the data directory is damaged"};
    }
    return {};
  }

 private:
  bool need(std::size_t n) {
    if (short_ || bytes_.size() - pos_ < n) {
      short_ = true;
      return false;
    }
    return true;
  }
  std::string_view bytes_;
  const char* what_;
  std::size_t pos_ = 0;
  bool short_ = false;
};

std::string chain_block_log(std::uint64_t chain_id, std::uint64_t block, std::uint32_t log_index) {
  std::string k;
  k.reserve(20);
  put_u64(k, chain_id);
  put_u64(k, block);
  put_u32(k, log_index);
  return k;
}

void put_donation_body(std::string& out, const Donation& d) {
  out.push_back(static_cast<char>(kDonationVersion));
  put_u64(out, d.chain_id);
  put_u64(out, d.block_number);
  put_bytes(out, d.block_hash.bytes);
  put_u64(out, d.timestamp);
  put_bytes(out, d.tx_hash.bytes);
  put_u32(out, d.log_index);
  put_bytes(out, d.token.bytes);
  put_bytes(out, d.from.bytes);
  put_bytes(out, d.to.bytes);
  put_amount(out, d.amount);
  out.push_back(static_cast<char>(d.status));
  out.push_back(static_cast<char>(d.campaign.size()));
  out.append(d.campaign);
}

core::Result<Donation> read_donation_body(Reader& r) {
  Donation d;
  const auto version = r.u8();
  d.chain_id = r.u64();
  d.block_number = r.u64();
  r.bytes(d.block_hash.bytes);
  d.timestamp = r.u64();
  r.bytes(d.tx_hash.bytes);
  d.log_index = r.u32();
  r.bytes(d.token.bytes);
  r.bytes(d.from.bytes);
  r.bytes(d.to.bytes);
  d.amount = r.amount();
  const auto status = r.u8();
  d.campaign = r.str(r.u8());
  if (auto ok = r.finish(); !ok) return ok.error();
  if (version != kDonationVersion || status > 1) {
    return core::Error{core::Errc::corrupt_record, "stored donation record has version " +
                                                       std::to_string(version) + " and status " +
                                                       std::to_string(status) + "; expected version 1"};
  }
  d.status = static_cast<Status>(status);
  return d;
}

}  // namespace

std::string donation_key(std::uint64_t chain_id, std::uint64_t block, std::uint32_t log_index) {
  return chain_block_log(chain_id, block, log_index);
}

std::string chain_block_prefix(std::uint64_t chain_id, std::uint64_t block) {
  std::string k;
  put_u64(k, chain_id);
  put_u64(k, block);
  return k;
}

std::string chain_prefix(std::uint64_t chain_id) {
  return encode_u64(chain_id);
}

std::string tx_prefix(std::uint64_t chain_id, const core::Hash& tx) {
  std::string k;
  k.reserve(44);
  put_u64(k, chain_id);
  put_bytes(k, tx.bytes);
  return k;
}

void append_tx_key(std::string& out, std::uint64_t chain_id, const core::Hash& tx, std::uint32_t log_index) {
  put_u64(out, chain_id);
  put_bytes(out, tx.bytes);
  put_u32(out, log_index);
}

std::string tx_key(std::uint64_t chain_id, const core::Hash& tx, std::uint32_t log_index) {
  std::string k;
  append_tx_key(k, chain_id, tx, log_index);
  return k;
}

void append_campaign_prefix(std::string& out, std::string_view campaign) {
  out.push_back(static_cast<char>(campaign.size()));
  out.append(campaign);
}

std::string campaign_prefix(std::string_view campaign) {
  std::string k;
  append_campaign_prefix(k, campaign);
  return k;
}

void append_campaign_index_key(std::string& out, const Donation& d) {
  append_campaign_prefix(out, d.campaign);
  put_u64(out, ~d.timestamp);
  put_u64(out, ~d.chain_id);
  put_u64(out, ~d.block_number);
  put_u32(out, ~d.log_index);
}

std::string campaign_index_key(const Donation& d) {
  std::string k;
  append_campaign_index_key(k, d);
  return k;
}

void append_campaign_index_value(std::string& out, const Donation& d) {
  out.push_back(static_cast<char>(d.status));
  put_bytes(out, d.token.bytes);
}

std::string campaign_index_value(const Donation& d) {
  std::string v;
  append_campaign_index_value(v, d);
  return v;
}

void append_totals_key(std::string& out, std::string_view campaign, std::uint64_t chain_id,
                       const core::Address& token) {
  append_campaign_prefix(out, campaign);
  put_u64(out, chain_id);
  put_bytes(out, token.bytes);
}

std::string totals_key(std::string_view campaign, std::uint64_t chain_id, const core::Address& token) {
  std::string k;
  append_totals_key(k, campaign, chain_id, token);
  return k;
}

void append_donor_key(std::string& out, std::string_view campaign, const core::Address& from) {
  append_campaign_prefix(out, campaign);
  put_bytes(out, from.bytes);
}

std::string donor_key(std::string_view campaign, const core::Address& from) {
  std::string k;
  append_donor_key(k, campaign, from);
  return k;
}

std::string block_key(std::uint64_t chain_id, std::uint64_t block) {
  return chain_block_prefix(chain_id, block);
}

std::string address_cursor_key(std::uint64_t chain_id, const core::Address& address) {
  std::string k;
  put_u64(k, chain_id);
  put_bytes(k, address.bytes);
  return k;
}

std::string event_key(std::uint64_t seq) {
  return encode_u64(seq);
}

void append_u64(std::string& out, std::uint64_t v) {
  put_u64(out, v);
}

std::string encode_u64(std::uint64_t v) {
  std::string s;
  put_u64(s, v);
  return s;
}

core::Result<std::uint64_t> decode_u64(std::string_view bytes) {
  Reader r(bytes, "integer");
  const auto v = r.u64();
  if (auto ok = r.finish(); !ok) return ok.error();
  return v;
}

std::uint64_t read_u64(std::string_view bytes, std::size_t offset) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  return v;
}

std::uint32_t read_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  return v;
}

void append(std::string& out, const Donation& d) {
  put_donation_body(out, d);
}

std::string encode(const Donation& d) {
  std::string out;
  out.reserve(192 + d.campaign.size());
  put_donation_body(out, d);
  return out;
}

core::Result<Donation> decode_donation(std::string_view bytes) {
  Reader r(bytes, "donation");
  return read_donation_body(r);
}

std::string encode(const TokenTotals& t) {
  std::string out;
  out.reserve(80);
  put_amount(out, t.confirmed_amount);
  put_u64(out, t.confirmed_count);
  put_amount(out, t.pending_amount);
  put_u64(out, t.pending_count);
  return out;
}

core::Result<TokenTotals> decode_totals(std::string_view bytes) {
  Reader r(bytes, "totals");
  TokenTotals t;
  t.confirmed_amount = r.amount();
  t.confirmed_count = r.u64();
  t.pending_amount = r.amount();
  t.pending_count = r.u64();
  if (auto ok = r.finish(); !ok) return ok.error();
  return t;
}

std::string encode(const DonorCounts& c) {
  std::string out;
  put_u64(out, c.confirmed);
  put_u64(out, c.pending);
  return out;
}

core::Result<DonorCounts> decode_donor(std::string_view bytes) {
  Reader r(bytes, "donor");
  DonorCounts c;
  c.confirmed = r.u64();
  c.pending = r.u64();
  if (auto ok = r.finish(); !ok) return ok.error();
  return c;
}

std::string encode(const CampaignStats& s) {
  std::string out;
  put_u64(out, s.confirmed_donors);
  put_u64(out, s.pending_donors);
  put_u64(out, s.donors);
  return out;
}

core::Result<CampaignStats> decode_stats(std::string_view bytes) {
  Reader r(bytes, "campaign stats");
  CampaignStats s;
  s.confirmed_donors = r.u64();
  s.pending_donors = r.u64();
  s.donors = r.u64();
  if (auto ok = r.finish(); !ok) return ok.error();
  return s;
}

std::string encode(const ChainCursor& c) {
  std::string out;
  put_u64(out, c.indexed_block);
  put_bytes(out, c.indexed_hash.bytes);
  put_u64(out, c.confirmed_block);
  put_u64(out, c.head_block);
  return out;
}

core::Result<ChainCursor> decode_cursor(std::string_view bytes) {
  Reader r(bytes, "chain cursor");
  ChainCursor c;
  c.indexed_block = r.u64();
  r.bytes(c.indexed_hash.bytes);
  c.confirmed_block = r.u64();
  c.head_block = r.u64();
  if (auto ok = r.finish(); !ok) return ok.error();
  return c;
}

std::string encode_event(EventType type, const Donation& d) {
  std::string out;
  out.reserve(193 + d.campaign.size());
  out.push_back(static_cast<char>(type));
  put_donation_body(out, d);
  return out;
}

core::Result<Event> decode_event(std::uint64_t seq, std::string_view bytes) {
  Reader r(bytes, "event");
  Event e;
  e.seq = seq;
  const auto type = r.u8();
  auto d = read_donation_body(r);
  if (!d) return d.error();
  if (type < 1 || type > 3) {
    return core::Error{core::Errc::corrupt_record,
                       "stored event " + std::to_string(seq) + " has unknown type " + std::to_string(type)};
  }
  e.type = static_cast<EventType>(type);
  e.donation = std::move(*d);
  return e;
}

}  // namespace givewatch::storage::codec
