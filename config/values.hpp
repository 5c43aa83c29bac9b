#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"

/// Checks of single values, independent of TOML; each error message says what is wrong and what is
/// expected, and is meant to follow "invalid <thing> '<value>': ".
namespace givewatch::config::detail {

/// Optimal string alignment distance (edits plus adjacent swaps), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` when it is near enough to be a typo of it, else the first
/// candidate that `word` (3 characters or more) begins.
std::optional<std::string_view> closest(std::string_view word, std::span<const std::string_view> candidates);

/// 1..max_length characters from [a-z0-9-]: chain names and campaign ids.
bool is_slug(std::string_view text, std::size_t max_length) noexcept;

struct Listen {
  std::string host;  ///< without the brackets of an IPv6 literal
  std::uint16_t port = 0;
};

/// "host:port", "[ipv6]:port"; the port is 1..65535.
core::Result<Listen> parse_listen(std::string_view text);

/// An http:// or https:// URL with a host; errors show `example` as one.
core::Result<void> check_http_url(std::string_view text, std::string_view example);

/// check_http_url for an RPC endpoint.
core::Result<void> check_rpc_url(std::string_view text);
/// A WebSocket endpoint: ws:// or wss:// with a host.
core::Result<void> check_ws_url(std::string_view text);

/// "*" or an origin "scheme://host[:port]" without a path.
core::Result<void> check_origin(std::string_view text);

/// A non-negative decimal number such as "10", "0.5" or "1000.000001": digits, at most one '.' with
/// digits on both sides, at most 77 fractional digits; normalised without leading zeros of the
/// whole part or trailing zeros of the fraction ("010.50" is 105 / 10^1, written "10.5").
core::Result<DecimalValue> parse_decimal_value(std::string_view text);

/// The key of a Standard Webhooks secret: "whsec_" followed by standard base64 of 24..64 bytes.
/// The messages never quote any part of `text`; they follow "invalid 'secret' ...: ".
core::Result<std::vector<std::uint8_t>> parse_webhook_secret(std::string_view text);

/// A Telegram bot token, "<digits>:<letters, digits, '_', '-'>"; the messages never quote it.
core::Result<void> check_bot_token(std::string_view text);

/// A Telegram chat: a numeric id such as "-1001234567890", or "@username" of a public channel.
core::Result<void> check_chat_id(std::string_view text);

}  // namespace givewatch::config::detail
