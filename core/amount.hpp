#pragma once

#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace givewatch::core {

/// A token amount in base units: an unsigned 256-bit integer, exactly as the EVM holds it.
/// Arithmetic that can leave [0, 2^256) goes through checked_add / checked_sub.
using Amount = boost::multiprecision::uint256_t;

/// The largest value a token amount can take, 2^256 - 1.
inline const Amount kMaxAmount = ~Amount{0};

/// Reads a big-endian 32-byte ABI word.
Amount amount_from_word(std::span<const std::uint8_t, 32> word) noexcept;

/// Writes the big-endian 32-byte ABI word.
std::array<std::uint8_t, 32> amount_to_word(const Amount& amount) noexcept;

/// Parses a decimal string of digits (no sign, no point, no spaces) up to 2^256 - 1.
Result<Amount> parse_amount(std::string_view decimal);

/// The plain decimal string of base units, e.g. "1234500".
std::string to_string(const Amount& amount);

/// The exact decimal value given the token's `decimals`, without trailing zeros:
/// 1234500 with 6 decimals is "1.2345", 5 with 18 is "0.000000000000000005", 0 is "0".
std::string format_units(const Amount& amount, unsigned decimals);

/// format_units for a plain decimal string of digits of any length (a sum that may pass 2^256).
std::string format_digits(std::string digits, unsigned decimals);

/// a + b, or Errc::overflow when the sum exceeds 2^256 - 1.
Result<Amount> checked_add(const Amount& a, const Amount& b);

/// a - b, or Errc::overflow when b > a.
Result<Amount> checked_sub(const Amount& a, const Amount& b);

}  // namespace givewatch::core
