#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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

/// "*" or an origin "scheme://host[:port]" without a path.
core::Result<void> check_origin(std::string_view text);

}  // namespace givewatch::config::detail
