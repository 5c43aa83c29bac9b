#pragma once

#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

/// The few Ethereum JSON-RPC shapes givewatch reads, parsed strictly: a field of the wrong shape
/// makes the whole answer an error, so nothing half-understood is ever stored.
namespace givewatch::chains::eth {

/// A log as eth_getLogs returns it.
struct Log {
  core::Address address;
  std::vector<core::Hash> topics;
  core::Bytes data;
  std::uint64_t block_number = 0;
  core::Hash block_hash;
  std::optional<std::uint64_t> block_timestamp;  ///< not every node includes it
  core::Hash tx_hash;
  std::uint32_t log_index = 0;
  bool removed = false;
};

/// A block's logs bloom: 2048 bits, three set by each log's address and by each of its topics.
using Bloom = std::array<std::uint8_t, 256>;

/// The parts of a block header givewatch needs.
struct Header {
  std::uint64_t number = 0;
  core::Hash hash;
  core::Hash parent_hash;
  std::uint64_t timestamp = 0;
  std::optional<Bloom> logs_bloom;  ///< empty when the answer has no logsBloom (or null)
};

/// "0x1b4" → 436. Leading zeros are tolerated; an empty, non-hex or over-64-bit quantity is not.
core::Result<std::uint64_t> parse_quantity(const boost::json::value& v, std::string_view field);
std::string quantity(std::uint64_t n);

core::Result<std::vector<Log>> parse_logs(const boost::json::value& result);
/// A block from eth_getBlockByNumber / eth_getBlockByHash; nullopt for a JSON null (no such block).
core::Result<std::optional<Header>> parse_header(const boost::json::value& result);

/// Whether `bloom` may hold `item` (a log's 20-byte address or a 32-byte topic): for each of the
/// first three pairs of bytes of keccak256(item), the low 11 bits name a bit that must be set (bit v
/// is bit v % 8 of byte 255 - v / 8). False is certain; true may be a false positive.
bool bloom_may_contain(const Bloom& bloom, core::ByteView item) noexcept;

/// The 32-byte topic that matches `address` as an indexed address argument.
core::Hash address_topic(const core::Address& address);

}  // namespace givewatch::chains::eth
