#pragma once

#include <span>

#include "core/amount.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"

namespace givewatch::chains {

/// topic0 of a Transfer event, keccak256("Transfer(address,address,uint256)"). ERC-721 shares it,
/// so matching topic0 alone does not make a log an ERC-20 transfer; decode_transfer checks the rest.
inline constexpr core::Hash kTransferTopic{{
    0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
    0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef,
}};

/// One ERC-20 Transfer: `amount` base units of the token contract `token` moved from `from` to `to`.
struct Transfer {
  core::Address token;
  core::Address from;
  core::Address to;
  core::Amount amount;
};

/// Decodes a log emitted by `emitter` as an ERC-20 Transfer. Anything else (another event, the
/// 4-topic ERC-721 shape, data that is not one 32-byte word, address topics with non-zero padding)
/// is Errc::not_a_transfer with the reason, so callers can skip such logs and still say why.
core::Result<Transfer> decode_transfer(const core::Address& emitter, std::span<const core::Hash> topics,
                                       core::ByteView data);

}  // namespace givewatch::chains
