#pragma once

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "core/error.hpp"
#include "storage/store.hpp"

namespace givewatch::api {

/// The text an attestation of `campaign`'s totals signs: canonical (the same store and time give the
/// same bytes) and meant to be read by a person. Lines, each ending in "\n":
///
///     givewatch attestation of campaign totals
///     campaign: memorial
///     name: Memorial
///     time: 2026-12-03T17:40:00Z
///     chain: bsc (chain id 56), confirmed up to block 1234 (hash 0x…)
///       USDT 0x55d3…7955: 12.5 confirmed (12500000000000000000 base units) in 3 donations
///     confirmed USD: 12.5
///
/// Chains in configuration order, each with every configured token of it (zeros included); the
/// block hash is the stored hash of the confirmed block ("not stored" when the store no longer has
/// it). Totals and blocks are read while no step commits in between (retried while steps land).
core::Result<std::string> attestation_message(const config::Config& config, const storage::Store& store,
                                              const config::Campaign& campaign, std::int64_t unix_seconds);

}  // namespace givewatch::api
