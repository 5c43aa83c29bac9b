#pragma once

#include <boost/url/params_view.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "storage/types.hpp"

/// The query parameters of the donation routes — the list and its exports — read in one place, so
/// that the list, the exports and `givewatch export` accept and refuse the same values.
namespace givewatch::api {

/// Which of a campaign's donations a request asks for.
struct DonationFilter {
  storage::DonationQuery query;       ///< campaign, chain, token, status; limit and cursor (the list)
  std::optional<std::uint64_t> from;  ///< block time in Unix seconds, inclusive (exports)
  std::optional<std::uint64_t> to;    ///< block time in Unix seconds, exclusive (exports)
};

/// Reads a donation route's query parameters for campaign `c`. A parameter not in `known` is refused
/// first, then every value is checked against the configuration. The error (Errc::invalid_argument)
/// is the message of a 400 answer: what was wrong and what is accepted.
core::Result<DonationFilter> parse_donation_filter(const config::Config& config, const config::Campaign& c,
                                                   const boost::urls::params_view& params,
                                                   std::span<const std::string_view> known);

/// A time bound of an export: an ISO date `2026-01-31` (its midnight UTC), a UTC timestamp
/// `2026-01-31T12:00:00Z`, or Unix seconds `1769817600`. Years 1970 to 9999.
core::Result<std::uint64_t> parse_time(std::string_view text);

/// Unix seconds as an ISO 8601 UTC timestamp, `2026-01-31T12:00:00Z`.
std::string iso8601(std::uint64_t unix_seconds);

/// "a, b, c": names listed in an error message.
std::string comma_list(const std::vector<std::string>& items);

}  // namespace givewatch::api
