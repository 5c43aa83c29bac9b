#include "chains/eth.hpp"

#include <boost/json.hpp>

#include "core/keccak.hpp"

namespace givewatch::chains::eth {
namespace {

namespace json = boost::json;

core::Error bad(std::string message) { return core::Error{core::Errc::invalid_argument, std::move(message)}; }

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Fixed-size hex (addresses, hashes) without going through core's messages for every log.
template <std::size_t N>
core::Result<void> fixed_hex(const json::value* v, std::string_view field, std::array<std::uint8_t, N>& out) {
  const auto* s = v ? v->if_string() : nullptr;
  if (!s || s->size() != 2 + 2 * N || (*s)[0] != '0' || (*s)[1] != 'x') {
    return bad("'" + std::string(field) + "' is not 0x and " + std::to_string(2 * N) + " hex digits");
  }
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = nibble((*s)[2 + 2 * i]);
    const int lo = nibble((*s)[3 + 2 * i]);
    if (hi < 0 || lo < 0) return bad("'" + std::string(field) + "' has a character that is not hex");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return {};
}

core::Result<std::uint64_t> quantity_field(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v) return bad("'" + std::string(field) + "' is missing");
  return parse_quantity(*v, field);
}

core::Result<Log> parse_log(const json::value& v) {
  const auto* o = v.if_object();
  if (!o) return bad("a log is not an object");
  Log log;
  if (auto ok = fixed_hex(o->if_contains("address"), "address", log.address.bytes); !ok) return ok.error();
  const auto* topics = o->if_contains("topics");
  if (!topics || !topics->is_array()) return bad("'topics' is not an array");
  log.topics.resize(topics->get_array().size());
  for (std::size_t i = 0; i < log.topics.size(); ++i) {
    if (auto ok = fixed_hex(&topics->get_array()[i], "topics", log.topics[i].bytes); !ok) return ok.error();
  }
  const auto* data = o->if_contains("data");
  const auto* ds = data ? data->if_string() : nullptr;
  if (!ds || ds->size() < 2 || (*ds)[0] != '0' || (*ds)[1] != 'x' || ds->size() % 2 != 0) {
    return bad("'data' is not 0x-prefixed hex of whole bytes");
  }
  log.data.resize((ds->size() - 2) / 2);
  for (std::size_t i = 0; i < log.data.size(); ++i) {
    const int hi = nibble((*ds)[2 + 2 * i]);
    const int lo = nibble((*ds)[3 + 2 * i]);
    if (hi < 0 || lo < 0) return bad("'data' has a character that is not hex");
    log.data[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  auto block = quantity_field(*o, "blockNumber");
  if (!block) return block.error();
  log.block_number = *block;
  if (auto ok = fixed_hex(o->if_contains("blockHash"), "blockHash", log.block_hash.bytes); !ok) return ok.error();
  if (auto ok = fixed_hex(o->if_contains("transactionHash"), "transactionHash", log.tx_hash.bytes); !ok) {
    return ok.error();
  }
  auto index = quantity_field(*o, "logIndex");
  if (!index) return index.error();
  if (*index > UINT32_MAX) return bad("'logIndex' is out of range");
  log.log_index = static_cast<std::uint32_t>(*index);
  if (const auto* ts = o->if_contains("blockTimestamp"); ts && !ts->is_null()) {
    auto t = parse_quantity(*ts, "blockTimestamp");
    if (!t) return t.error();
    log.block_timestamp = *t;
  }
  if (const auto* removed = o->if_contains("removed"); removed && !removed->is_null()) {
    if (!removed->is_bool()) return bad("'removed' is not a boolean");
    log.removed = removed->get_bool();
  }
  return log;
}

}  // namespace

core::Result<std::uint64_t> parse_quantity(const json::value& v, std::string_view field) {
  const auto* s = v.if_string();
  if (!s || s->size() < 3 || (*s)[0] != '0' || (*s)[1] != 'x') {
    return bad("'" + std::string(field) + "' is not a 0x-prefixed hex quantity");
  }
  std::uint64_t n = 0;
  for (std::size_t i = 2; i < s->size(); ++i) {
    const int d = nibble((*s)[i]);
    if (d < 0) return bad("'" + std::string(field) + "' has a character that is not hex");
    if (n >> 60) return bad("'" + std::string(field) + "' does not fit in 64 bits");
    n = n << 4 | static_cast<std::uint64_t>(d);
  }
  return n;
}

std::string quantity(std::uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (n == 0) return "0x0";
  char buf[16];
  int len = 0;
  for (; n; n >>= 4) buf[len++] = kDigits[n & 0xf];
  std::string out = "0x";
  while (len) out.push_back(buf[--len]);
  return out;
}

core::Result<std::vector<Log>> parse_logs(const json::value& result) {
  const auto* arr = result.if_array();
  if (!arr) return bad("eth_getLogs did not return an array");
  std::vector<Log> logs;
  logs.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto log = parse_log((*arr)[i]);
    if (!log) return bad("log " + std::to_string(i) + " of eth_getLogs: " + log.error().message);
    logs.push_back(std::move(*log));
  }
  return logs;
}

core::Result<std::optional<Header>> parse_header(const json::value& result) {
  if (result.is_null()) return std::optional<Header>{};
  const auto* o = result.if_object();
  if (!o) return bad("a block is not an object");
  Header h;
  auto number = quantity_field(*o, "number");
  if (!number) return number.error();
  h.number = *number;
  if (auto ok = fixed_hex(o->if_contains("hash"), "hash", h.hash.bytes); !ok) return ok.error();
  if (auto ok = fixed_hex(o->if_contains("parentHash"), "parentHash", h.parent_hash.bytes); !ok) return ok.error();
  auto ts = quantity_field(*o, "timestamp");
  if (!ts) return ts.error();
  h.timestamp = *ts;
  if (const auto* bloom = o->if_contains("logsBloom"); bloom && !bloom->is_null()) {
    h.logs_bloom.emplace();
    if (auto ok = fixed_hex(bloom, "logsBloom", *h.logs_bloom); !ok) return ok.error();
  }
  return std::optional<Header>{h};
}

bool bloom_may_contain(const Bloom& bloom, core::ByteView item) noexcept {
  const core::Hash h = core::keccak256(item);
  for (std::size_t i = 0; i < 6; i += 2) {
    const unsigned v = (static_cast<unsigned>(h.bytes[i]) << 8 | h.bytes[i + 1]) & 2047u;
    if ((bloom[255 - v / 8] & (1u << (v % 8))) == 0) return false;
  }
  return true;
}

core::Hash address_topic(const core::Address& address) {
  core::Hash h;
  std::copy(address.bytes.begin(), address.bytes.end(), h.bytes.begin() + 12);
  return h;
}

}  // namespace givewatch::chains::eth
