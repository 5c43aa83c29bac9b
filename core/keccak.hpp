#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"

namespace givewatch::core {

/// The Keccak-f[1600] permutation on a 5x5 state of 64-bit lanes (x + 5*y order), 24 rounds.
void keccak_f1600(std::array<std::uint64_t, 25>& state) noexcept;

/// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3-256's 0x06).
Hash keccak256(ByteView data) noexcept;
Hash keccak256(std::string_view text) noexcept;

}  // namespace givewatch::core
