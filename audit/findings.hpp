#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/bytes.hpp"

namespace givewatch::audit {

/// What an audit can find wrong with the store, compared with the chain.
enum class Kind {
  receipt_missing,  ///< the node has no receipt for the stored transaction
  tx_failed,        ///< the transaction reverted (receipt status 0)
  log_missing,      ///< the receipt has no log at the stored log index
  not_a_donation,   ///< the log is there, but the watcher's rules do not make it a donation
  differs,          ///< token, sender, receiver, amount or campaign differ from the log's
  block_differs,    ///< the receipt names another block number or hash than the store
  not_canonical,    ///< the stored block hash is not the canonical block at that number now
  not_deep_enough,  ///< stored as confirmed, not as deep as the chain's confirmations or finality require
  missing,          ///< a donation on the chain, in the audited range, that the store lacks
  extra,            ///< a stored donation that eth_getLogs over its block does not return
};

inline constexpr Kind kKinds[] = {Kind::receipt_missing, Kind::tx_failed,     Kind::log_missing, Kind::not_a_donation,
                                  Kind::differs,         Kind::block_differs, Kind::not_canonical,
                                  Kind::not_deep_enough, Kind::missing,       Kind::extra};

std::string_view to_string(Kind kind) noexcept;

/// One problem, about one donation (stored or on chain).
struct Finding {
  Kind kind = Kind::differs;
  std::string chain;
  core::Hash tx_hash;
  std::uint32_t log_index = 0;
  std::uint64_t block_number = 0;
  std::string campaign;
  std::string detail;  ///< what differs, in words
};

/// What one audit did and found.
struct Report {
  std::uint64_t donations_checked = 0;  ///< stored donations checked against their receipts
  std::uint64_t logs_recounted = 0;     ///< Transfer logs eth_getLogs returned for the recount
  std::vector<Finding> findings;
  std::vector<std::string> incomplete;  ///< per chain that could not be audited to the end: why

  bool clean() const noexcept { return findings.empty() && incomplete.empty(); }
  std::map<Kind, std::uint64_t> counts() const;
};

/// "not_canonical bsc tx 0x… log 3 block 120 (memorial): …", one line.
std::string to_text(const Finding& f);
/// {"kind","chain","tx_hash","log_index","block_number","campaign","detail"}.
boost::json::object to_json(const Finding& f);
/// The closing summary, several lines, ending in "clean" or the number of problems.
std::string summary(const Report& r);

}  // namespace givewatch::audit
