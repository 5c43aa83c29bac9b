#include "core/bytes.hpp"

#include <cstdio>

#include "core/keccak.hpp"

namespace givewatch::core {
namespace {

constexpr char kLowerDigits[] = "0123456789abcdef";

/// Longest input echoed back in an error message; longer text is cut with "...".
constexpr std::size_t kMaxQuoted = 80;

/// The value of a hex digit, or -1 for anything else.
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// A character as a person can read it in a message: 'g', or \x00 for unprintable bytes.
std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string{'\'', c, '\''};
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(byte));
  return buf;
}

bool has_prefix(std::string_view text) noexcept {
  return text.size() >= 2 && text[0] == '0' && text[1] == 'x';
}

void append_hex(std::string& out, ByteView data) {
  for (const std::uint8_t byte : data) {
    out.push_back(kLowerDigits[byte >> 4]);
    out.push_back(kLowerDigits[byte & 0x0f]);
  }
}

/// Checks a hex string whose "0x" prefix has already been verified and decodes its `out.size()`
/// bytes. `what` names the value for messages ("address", "hash", "hex").
Result<void> decode_fixed(std::string_view what, std::string_view text, std::span<std::uint8_t> out) {
  const std::string_view digits = text.substr(2);
  if (digits.size() != 2 * out.size()) {
    return Error{Errc::bad_hex, std::string(what) + " " + quoted(text, kMaxQuoted) + " has " +
                                    std::to_string(digits.size()) + " hex digits, expected " +
                                    std::to_string(2 * out.size())};
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(digits[2 * i]);
    const int lo = hex_value(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t pos = 2 + 2 * i + (hi < 0 ? 0 : 1);
      return Error{Errc::bad_hex, std::string(what) + " " + quoted(text, kMaxQuoted) + " has " +
                                      describe_char(text[pos]) + " at position " + std::to_string(pos) +
                                      ", expected a hex digit (0-9, a-f, A-F)"};
    }
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return {};
}

Result<void> require_prefix(std::string_view what, std::string_view text, std::size_t digits) {
  if (has_prefix(text)) return {};
  return Error{Errc::bad_hex, std::string(what) + " " + quoted(text, kMaxQuoted) +
                                  " does not start with '0x', expected '0x' and " + std::to_string(digits) +
                                  " hex digits"};
}

}  // namespace

std::string to_hex(ByteView data) {
  std::string out;
  out.reserve(2 + 2 * data.size());
  out.append("0x");
  append_hex(out, data);
  return out;
}

Result<Bytes> from_hex(std::string_view text) {
  const std::size_t skip = has_prefix(text) ? 2 : 0;
  const std::string_view digits = text.substr(skip);
  if (digits.size() % 2 != 0) {
    return Error{Errc::bad_hex, "hex " + quoted(text, kMaxQuoted) + " has " + std::to_string(digits.size()) +
                                    " hex digits, expected an even number (two per byte)"};
  }
  Bytes out(digits.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(digits[2 * i]);
    const int lo = hex_value(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t pos = skip + 2 * i + (hi < 0 ? 0 : 1);
      return Error{Errc::bad_hex, "hex " + quoted(text, kMaxQuoted) + " has " + describe_char(text[pos]) +
                                      " at position " + std::to_string(pos) +
                                      ", expected a hex digit (0-9, a-f, A-F)"};
    }
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

Result<Address> parse_address(std::string_view text) {
  Address address;
  if (auto r = require_prefix("address", text, 40); !r) return r.error();
  if (auto r = decode_fixed("address", text, address.bytes); !r) return r.error();

  bool has_lower = false;
  bool has_upper = false;
  for (const char c : text.substr(2)) {
    has_lower = has_lower || (c >= 'a' && c <= 'f');
    has_upper = has_upper || (c >= 'A' && c <= 'F');
  }
  if (has_lower && has_upper) {
    std::string expected = to_checksum(address);
    if (text != expected) {
      return Error{Errc::bad_checksum, "address " + quoted(text, kMaxQuoted) +
                                           " is mixed-case but fails its EIP-55 checksum, expected " +
                                           quoted(expected, kMaxQuoted) +
                                           " (or the address in all lowercase)"};
    }
  }
  return address;
}

std::string to_checksum(const Address& address) {
  std::string out = to_hex(address);
  const Hash hash = keccak256(std::string_view(out).substr(2));
  for (std::size_t i = 0; i < 40; ++i) {
    const std::uint8_t byte = hash.bytes[i / 2];
    const unsigned nibble = (i % 2 == 0) ? (byte >> 4) : (byte & 0x0fu);
    char& c = out[2 + i];
    if (nibble >= 8 && c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string to_hex(const Address& address) {
  return to_hex(ByteView(address.bytes));
}

Result<Hash> parse_hash(std::string_view text) {
  Hash hash;
  if (auto r = require_prefix("hash", text, 64); !r) return r.error();
  if (auto r = decode_fixed("hash", text, hash.bytes); !r) return r.error();
  return hash;
}

std::string to_hex(const Hash& hash) {
  return to_hex(ByteView(hash.bytes));
}

}  // namespace givewatch::core
