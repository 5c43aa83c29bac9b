#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace givewatch::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// A 20-byte EVM account or contract address, compared as raw bytes.
struct Address {
  std::array<std::uint8_t, 20> bytes{};
  friend auto operator<=>(const Address&, const Address&) = default;
};

/// A 32-byte hash (block, transaction, topic), compared as raw bytes.
struct Hash {
  std::array<std::uint8_t, 32> bytes{};
  friend auto operator<=>(const Hash&, const Hash&) = default;
};

/// Lowercase hex of `data`, "0x"-prefixed.
std::string to_hex(ByteView data);

/// Decodes hex with an optional "0x" prefix; odd length or a non-hex digit is Errc::bad_hex.
Result<Bytes> from_hex(std::string_view text);

/// Parses "0x" + 40 hex digits. All-lowercase and all-uppercase are accepted as they are;
/// mixed case must carry a valid EIP-55 checksum (Errc::bad_checksum otherwise).
Result<Address> parse_address(std::string_view text);

/// The EIP-55 checksummed form, e.g. "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".
std::string to_checksum(const Address& address);

/// Lowercase "0x"-prefixed hex.
std::string to_hex(const Address& address);

/// Parses "0x" + 64 hex digits, in any case.
Result<Hash> parse_hash(std::string_view text);

/// Lowercase "0x"-prefixed hex.
std::string to_hex(const Hash& hash);

}  // namespace givewatch::core
