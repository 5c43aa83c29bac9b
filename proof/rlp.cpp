#include "proof/rlp.hpp"

namespace givewatch::proof::rlp {
namespace {

/// The prefix of a payload of `size` bytes: `short_base` + size below 56 bytes, else
/// `short_base` + 55 + the length of the size, then the size in big-endian.
void append_prefix(core::Bytes& out, std::uint8_t short_base, std::size_t size) {
  if (size < 56) {
    out.push_back(static_cast<std::uint8_t>(short_base + size));
    return;
  }
  std::uint8_t digits[8];
  int n = 0;
  for (std::size_t s = size; s != 0; s >>= 8) digits[n++] = static_cast<std::uint8_t>(s & 0xff);
  out.push_back(static_cast<std::uint8_t>(short_base + 55 + n));
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

void append_string(core::Bytes& out, core::ByteView payload) {
  if (payload.size() == 1 && payload[0] < 0x80) {
    out.push_back(payload[0]);  // a single byte below 0x80 is its own encoding
    return;
  }
  append_prefix(out, 0x80, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
}

void append_list(core::Bytes& out, core::ByteView items) {
  append_prefix(out, 0xc0, items.size());
  out.insert(out.end(), items.begin(), items.end());
}

core::Bytes string(core::ByteView payload) {
  core::Bytes out;
  out.reserve(payload.size() + 9);
  append_string(out, payload);
  return out;
}

core::Bytes list(core::ByteView items) {
  core::Bytes out;
  out.reserve(items.size() + 9);
  append_list(out, items);
  return out;
}

core::Bytes uint(std::uint64_t n) {
  core::Bytes be;
  for (std::uint64_t v = n; v != 0; v >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(v & 0xff));
  return string(be);
}

}  // namespace givewatch::proof::rlp
