#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.hpp"

/// Recursive Length Prefix encoding (the Ethereum Yellow Paper, appendix B), the little that receipt
/// proofs need: byte strings, unsigned integers and lists of items already encoded.
namespace givewatch::proof::rlp {

/// Appends `payload` encoded as a byte string.
void append_string(core::Bytes& out, core::ByteView payload);
/// Appends the list whose items, each already RLP-encoded, are concatenated in `items`.
void append_list(core::Bytes& out, core::ByteView items);

core::Bytes string(core::ByteView payload);
core::Bytes list(core::ByteView items);
/// `n` as the shortest big-endian byte string (0 is the empty string).
core::Bytes uint(std::uint64_t n);

}  // namespace givewatch::proof::rlp
