#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace givewatch::core {

/// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::span<const std::uint8_t> bytes);

/// Decodes standard base64 with its padding; any other character, a wrong length or non-zero
/// bits after the last byte are Errc::invalid_argument.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace givewatch::core
