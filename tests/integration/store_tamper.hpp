#pragma once

#include <filesystem>

#include "core/amount.hpp"
#include "storage/types.hpp"

namespace givewatch::test {

/// Changes a stored donation's amount behind givewatch's back: its record in the data directory's
/// RocksDB is rewritten directly, nothing else (totals, events) changes. For audit tests only.
void tamper_amount(const std::filesystem::path& data, const storage::Donation& d, const core::Amount& amount);

/// Deletes a stored donation behind givewatch's back: its record and its two index entries.
void remove_donation(const std::filesystem::path& data, const storage::Donation& d);

}  // namespace givewatch::test
