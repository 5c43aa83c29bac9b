#include "proof/encode.hpp"

#include <array>
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "core/keccak.hpp"
#include "proof/rlp.hpp"

namespace givewatch::proof {
namespace json = boost::json;

namespace {

core::Error bad(std::string what) {
  return core::Error{core::Errc::bad_hex, std::move(what)};
}

/// A field of `o` as bytes: `kind` says how a field is read and how long it may be.
enum class Kind {
  fixed,     ///< exactly `size` bytes (hashes, addresses, the bloom, the nonce)
  bytes,     ///< any length (extraData, log data)
  quantity,  ///< a number without leading zero bytes, at most 32 bytes (0 is empty)
};

core::Result<core::Bytes> read(const json::object& o, std::string_view name, Kind kind, std::size_t size = 0) {
  const auto* v = o.if_contains(name);
  if (!v) return bad("the '" + std::string(name) + "' field is missing");
  const auto* s = v->if_string();
  if (!s || !s->starts_with("0x")) return bad("'" + std::string(name) + "' is not a 0x-prefixed hex string");
  std::string_view digits(s->data() + 2, s->size() - 2);
  if (kind == Kind::quantity) {
    if (digits.empty()) return bad("'" + std::string(name) + "' is an empty quantity");
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits == "0") return core::Bytes{};
    if (digits.size() > 64) return bad("'" + std::string(name) + "' is a quantity over 256 bits");
  }
  std::string even = digits.size() % 2 ? "0" + std::string(digits) : std::string(digits);
  if (kind != Kind::quantity && digits.size() % 2) return bad("'" + std::string(name) + "' is not whole bytes");
  auto bytes = core::from_hex(even);
  if (!bytes) return bad("'" + std::string(name) + "' is not hex");
  if (kind == Kind::fixed && bytes->size() != size) {
    return bad("'" + std::string(name) + "' is " + std::to_string(bytes->size()) + " bytes, not " + std::to_string(size));
  }
  return bytes;
}

core::Result<std::uint64_t> read_u64(const json::object& o, std::string_view name) {
  auto b = read(o, name, Kind::quantity);
  if (!b) return b.error();
  if (b->size() > 8) return bad("'" + std::string(name) + "' is over 64 bits");
  std::uint64_t n = 0;
  for (auto x : *b) n = n << 8 | x;
  return n;
}

template <std::size_t N>
core::Result<std::array<std::uint8_t, N>> read_fixed(const json::object& o, std::string_view name) {
  auto b = read(o, name, Kind::fixed, N);
  if (!b) return b.error();
  std::array<std::uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

/// Appends field `name` of `o`, RLP-encoded.
core::Result<void> append(core::Bytes& out, const json::object& o, std::string_view name, Kind kind,
                          std::size_t size = 0) {
  auto b = read(o, name, kind, size);
  if (!b) return b.error();
  rlp::append_string(out, *b);
  return {};
}

struct Field {
  std::string_view name;
  Kind kind;
  std::size_t size;
};

constexpr std::array<Field, 15> kClassicHeader = {{
    {"parentHash", Kind::fixed, 32},   {"sha3Uncles", Kind::fixed, 32},       {"miner", Kind::fixed, 20},
    {"stateRoot", Kind::fixed, 32},    {"transactionsRoot", Kind::fixed, 32}, {"receiptsRoot", Kind::fixed, 32},
    {"logsBloom", Kind::fixed, 256},   {"difficulty", Kind::quantity, 0},     {"number", Kind::quantity, 0},
    {"gasLimit", Kind::quantity, 0},   {"gasUsed", Kind::quantity, 0},        {"timestamp", Kind::quantity, 0},
    {"extraData", Kind::bytes, 0},     {"mixHash", Kind::fixed, 32},          {"nonce", Kind::fixed, 8},
}};

/// The fields the forks appended, in the order they did.
constexpr std::array<Field, 6> kForkHeader = {{
    {"baseFeePerGas", Kind::quantity, 0},       // London
    {"withdrawalsRoot", Kind::fixed, 32},       // Shanghai
    {"blobGasUsed", Kind::quantity, 0},         // Cancun
    {"excessBlobGas", Kind::quantity, 0},       // Cancun
    {"parentBeaconBlockRoot", Kind::fixed, 32}, // Cancun
    {"requestsHash", Kind::fixed, 32},          // Prague
}};

bool present(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && !v->is_null();
}

core::Result<std::vector<core::Hash>> transaction_hashes(const json::object& block) {
  const auto* txs = block.if_contains("transactions");
  if (!txs || !txs->is_array()) return bad("the block's 'transactions' is not an array");
  std::vector<core::Hash> out;
  out.reserve(txs->get_array().size());
  for (const auto& t : txs->get_array()) {
    core::Result<core::Hash> h = core::Hash{};
    if (t.is_string()) {
      h = core::parse_hash(t.get_string());
    } else if (t.is_object() && t.get_object().contains("hash") && t.get_object().at("hash").is_string()) {
      h = core::parse_hash(t.get_object().at("hash").get_string());
    } else {
      return bad("a transaction of the block is neither a hash nor an object with one");
    }
    if (!h) return bad("a transaction hash of the block: " + h.error().message);
    out.push_back(*h);
  }
  return out;
}

core::Result<void> append_logs(core::Bytes& out, const json::object& receipt, std::vector<ReceiptLog>& logs) {
  const auto* v = receipt.if_contains("logs");
  if (!v || !v->is_array()) return bad("the receipt's 'logs' is not an array");
  core::Bytes items;
  for (const auto& entry : v->get_array()) {
    const auto* o = entry.if_object();
    if (!o) return bad("a log of the receipt is not an object");
    ReceiptLog log;
    auto address = read_fixed<20>(*o, "address");
    if (!address) return address.error();
    log.address.bytes = *address;
    auto index = read_u64(*o, "logIndex");
    if (!index) return index.error();
    if (*index > UINT32_MAX) return bad("a log's 'logIndex' is over 32 bits");
    log.log_index = static_cast<std::uint32_t>(*index);
    const auto* topics = o->if_contains("topics");
    if (!topics || !topics->is_array()) return bad("a log's 'topics' is not an array");
    core::Bytes topic_items;
    for (const auto& t : topics->get_array()) {
      auto h = t.is_string() ? core::parse_hash(t.get_string()) : core::Result<core::Hash>(bad("not a string"));
      if (!h) return bad("a log topic: " + h.error().message);
      rlp::append_string(topic_items, h->bytes);
      log.topics.push_back(*h);
    }
    auto data = read(*o, "data", Kind::bytes);
    if (!data) return data.error();
    core::Bytes fields;
    rlp::append_string(fields, log.address.bytes);
    rlp::append_list(fields, topic_items);
    rlp::append_string(fields, *data);
    rlp::append_list(items, fields);
    log.data = std::move(*data);
    logs.push_back(std::move(log));
  }
  rlp::append_list(out, items);
  return {};
}

}  // namespace

core::Result<EncodedHeader> encode_header(const json::value& value) {
  const auto* block = value.if_object();
  if (!block) return bad("the block is not an object");
  EncodedHeader out;
  core::Bytes fields;
  for (const auto& f : kClassicHeader) {
    if (auto ok = append(fields, *block, f.name, f.kind, f.size); !ok) return ok.error();
  }
  std::optional<std::string_view> missing;
  for (const auto& f : kForkHeader) {
    if (!present(*block, f.name)) {
      if (!missing) missing = f.name;
      continue;
    }
    if (missing) {
      return bad("the block has '" + std::string(f.name) + "' but not '" + std::string(*missing) +
                 "', which comes before it in the header");
    }
    if (auto ok = append(fields, *block, f.name, f.kind, f.size); !ok) return ok.error();
  }
  out.rlp = rlp::list(fields);
  auto hash = read_fixed<32>(*block, "hash");
  if (!hash) return hash.error();
  out.hash.bytes = *hash;
  auto number = read_u64(*block, "number");
  if (!number) return number.error();
  out.number = *number;
  auto root = read_fixed<32>(*block, "receiptsRoot");
  if (!root) return root.error();
  out.receipts_root.bytes = *root;
  auto txs = transaction_hashes(*block);
  if (!txs) return txs.error();
  out.transactions = std::move(*txs);
  return out;
}

core::Result<EncodedReceipt> encode_receipt(const json::value& value) {
  const auto* receipt = value.if_object();
  if (!receipt) return bad("the receipt is not an object");
  EncodedReceipt out;
  std::uint64_t type = 0;
  if (present(*receipt, "type")) {
    auto t = read_u64(*receipt, "type");
    if (!t) return t.error();
    type = *t;
  }
  if (type > 0x04 && type != 0x7b && type != 0x7e) {
    return bad("receipt type " + std::to_string(type) + " is not one givewatch can encode");
  }
  out.type = static_cast<std::uint8_t>(type);
  core::Bytes fields;
  if (present(*receipt, "status")) {
    auto status = read(*receipt, "status", Kind::quantity);
    if (!status) return status.error();
    if (status->size() > 1 || (status->size() == 1 && (*status)[0] != 1)) return bad("'status' is neither 0x0 nor 0x1");
    rlp::append_string(fields, *status);
  } else if (auto ok = append(fields, *receipt, "root", Kind::fixed, 32); !ok) {
    return bad("the receipt has neither 'status' nor a pre-Byzantium 'root'");
  }
  if (auto ok = append(fields, *receipt, "cumulativeGasUsed", Kind::quantity); !ok) return ok.error();
  if (auto ok = append(fields, *receipt, "logsBloom", Kind::fixed, 256); !ok) return ok.error();
  if (auto ok = append_logs(fields, *receipt, out.logs); !ok) return ok.error();
  if (type == 0x7b && present(*receipt, "baseFee")) {
    if (auto ok = append(fields, *receipt, "baseFee", Kind::quantity); !ok) return ok.error();
  }
  // A deposit's nonce is hashed only with a receipt version (since Canyon): between Regolith and
  // Canyon receipts carry a nonce that their trie leaves out (op-geth, core/types/receipt.go).
  if (type == 0x7e && present(*receipt, "depositReceiptVersion")) {
    if (auto ok = append(fields, *receipt, "depositNonce", Kind::quantity); !ok) return ok.error();
    if (auto ok = append(fields, *receipt, "depositReceiptVersion", Kind::quantity); !ok) return ok.error();
  }
  if (type != 0) out.value.push_back(out.type);
  rlp::append_list(out.value, fields);
  auto index = read_u64(*receipt, "transactionIndex");
  if (!index) return index.error();
  out.tx_index = *index;
  auto tx = read_fixed<32>(*receipt, "transactionHash");
  if (!tx) return tx.error();
  out.tx_hash.bytes = *tx;
  auto block = read_fixed<32>(*receipt, "blockHash");
  if (!block) return block.error();
  out.block_hash.bytes = *block;
  return out;
}

}  // namespace givewatch::proof
