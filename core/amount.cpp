#include "core/amount.hpp"

#include <cstddef>

namespace givewatch::core {
namespace {

/// 2^256 - 1 in decimal; a digit string longer than this, or as long and greater, overflows.
constexpr std::string_view kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

/// Longest input echoed back in an error message; longer text is cut with "...".
constexpr std::size_t kMaxQuoted = 100;

/// Decimal digits that always fit in a std::uint64_t (10^19 < 2^64).
constexpr std::size_t kChunkDigits = 19;

}  // namespace

// The backend keeps 64-bit limbs, least significant first; reading and writing them directly is
// several times faster than shifting the whole 256-bit number per limb.
static_assert(sizeof(boost::multiprecision::limb_type) == 8);

Amount amount_from_word(std::span<const std::uint8_t, 32> word) noexcept {
  Amount out;
  auto& backend = out.backend();
  backend.resize(4, 4);
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | word[8 * (3 - limb) + i];
    backend.limbs()[limb] = v;
  }
  backend.normalize();
  return out;
}

std::array<std::uint8_t, 32> amount_to_word(const Amount& amount) noexcept {
  std::array<std::uint8_t, 32> word{};
  const auto& backend = amount.backend();
  for (std::size_t limb = 0; limb < backend.size(); ++limb) {
    std::uint64_t v = backend.limbs()[limb];
    for (std::size_t i = 8; i-- > 0;) {
      word[8 * (3 - limb) + i] = static_cast<std::uint8_t>(v);
      v >>= 8;
    }
  }
  return word;
}

Result<Amount> parse_amount(std::string_view decimal) {
  if (decimal.empty()) {
    return Error{Errc::bad_number, "amount is empty, expected a decimal integer (digits 0-9 only)"};
  }
  for (std::size_t i = 0; i < decimal.size(); ++i) {
    const char c = decimal[i];
    if (c < '0' || c > '9') {
      const auto byte = static_cast<unsigned char>(c);
      const std::string shown =
          (byte >= 0x20 && byte < 0x7f) ? std::string{'\'', c, '\''} : "byte " + std::to_string(byte);
      return Error{Errc::bad_number,
                   "amount " + quoted(decimal, kMaxQuoted) + " has " + shown + " at position " +
                       std::to_string(i) +
                       ", expected digits 0-9 only (no sign, decimal point, spaces or exponent)"};
    }
  }

  const std::size_t first = decimal.find_first_not_of('0');
  if (first == std::string_view::npos) return Amount{0};
  const std::string_view digits = decimal.substr(first);
  if (digits.size() > kMaxDecimal.size() || (digits.size() == kMaxDecimal.size() && digits > kMaxDecimal)) {
    return Error{Errc::overflow, "amount " + quoted(decimal, kMaxQuoted) +
                                     " is 2^256 or more, expected at most 2^256 - 1 (" +
                                     std::string(kMaxDecimal) + ")"};
  }

  // The range check above means none of this can wrap.
  Amount out;
  std::size_t pos = 0;
  std::size_t chunk = digits.size() % kChunkDigits;
  if (chunk == 0) chunk = kChunkDigits;
  while (pos < digits.size()) {
    std::uint64_t v = 0;
    std::uint64_t scale = 1;
    for (std::size_t i = 0; i < chunk; ++i) {
      v = v * 10 + static_cast<std::uint64_t>(digits[pos + i] - '0');
      scale *= 10;
    }
    out = out * scale + v;
    pos += chunk;
    chunk = kChunkDigits;
  }
  return out;
}

std::string to_string(const Amount& amount) {
  return amount.str();
}

std::string format_units(const Amount& amount, unsigned decimals) {
  return format_digits(to_string(amount), decimals);
}

std::string format_digits(std::string digits, unsigned decimals) {
  if (decimals == 0) return digits;
  if (digits.size() <= decimals) digits.insert(0, decimals - digits.size() + 1, '0');
  const std::size_t point = digits.size() - decimals;
  const std::size_t last = digits.find_last_not_of('0');
  if (last == std::string::npos || last < point) {
    digits.resize(point);
    return digits;
  }
  digits.resize(last + 1);
  digits.insert(point, 1, '.');
  return digits;
}

Result<Amount> checked_add(const Amount& a, const Amount& b) {
  Amount sum = a + b;
  if (sum < a) {
    return Error{Errc::overflow, "amount overflow: " + to_string(a) + " + " + to_string(b) +
                                     " exceeds 2^256 - 1, the largest uint256"};
  }
  return sum;
}

Result<Amount> checked_sub(const Amount& a, const Amount& b) {
  if (b > a) {
    return Error{Errc::overflow, "amount underflow: " + to_string(a) + " - " + to_string(b) +
                                     " is below zero, and a uint256 cannot be negative"};
  }
  return Amount{a - b};
}

}  // namespace givewatch::core
