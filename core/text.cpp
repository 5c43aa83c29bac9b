#include "core/text.hpp"

#include <algorithm>
#include <array>

namespace givewatch::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_length(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = b(0);
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < low || b(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (!continuation(b(i))) return 0;
  }
  return n;
}

/// What one character (or one stray byte) at the start of `s` becomes, written into `buf`; sets
/// `used` to the bytes of `s` it stands for.
std::string_view escaped(std::string_view s, std::array<char, 8>& buf, std::size_t& used) {
  const auto c = static_cast<unsigned char>(s[0]);
  used = 1;
  if (c >= 0x20 && c < 0x7F) return s.substr(0, 1);
  if (c == '\n') return "\\n";
  if (c == '\r') return "\\r";
  if (c == '\t') return "\\t";
  if (c < 0x80) {  // the other C0 controls and DEL
    buf = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
    return {buf.data(), 4};
  }
  const std::size_t n = utf8_length(s);
  if (n == 0) {
    buf = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
    return {buf.data(), 4};
  }
  used = n;
  if (c == 0xC2 && static_cast<unsigned char>(s[1]) < 0xA0) {  // C1 controls, U+0080..U+009F
    const auto second = static_cast<unsigned char>(s[1]);
    buf = {'\\', 'u', '0', '0', kHex[second >> 4], kHex[second & 0xF]};
    return {buf.data(), 6};
  }
  return s.substr(0, n);
}

}  // namespace

std::string bounded_text(std::string_view text, std::size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit) + 32);
  std::array<char, 8> buf{};
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t used = 0;
    const std::string_view piece = escaped(text.substr(at), buf, used);
    if (out.size() + piece.size() > limit) break;
    out.append(piece);
    at += used;
  }
  if (at < text.size()) {
    out += "\u2026 (";
    out += std::to_string(text.size());
    out += " bytes)";
  }
  return out;
}

}  // namespace givewatch::core
