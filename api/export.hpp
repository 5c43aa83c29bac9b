#pragma once

#include <array>
#include <boost/url/params_view.hpp>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/filter.hpp"
#include "api/handlers.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"

/// A campaign's donations as a file: CSV (RFC 4180) or JSON Lines. The same bytes answer
/// GET /v1/campaigns/{id}/donations.csv|.jsonl and `givewatch export`.
namespace givewatch::api {

enum class ExportFormat { csv, jsonl };

/// The CSV columns, in order.
inline constexpr std::array<std::string_view, 15> kCsvColumns = {
    "chain",   "chain_id",  "token",        "contract",   "amount",    "value",  "from",        "to",
    "tx_hash", "log_index", "block_number", "block_hash", "timestamp", "status", "explorer_url"};

/// `text/csv; charset=utf-8` or `application/x-ndjson`.
std::string_view content_type(ExportFormat format);

/// The file name offered for a campaign's export: `<campaign>-donations.csv` or `.jsonl`.
std::string file_name(std::string_view campaign, ExportFormat format);

/// `text` as one CSV field: as it is, or in double quotes with each quote doubled when it holds a
/// comma, a double quote, CR or LF (RFC 4180).
std::string csv_field(std::string_view text);

/// The header row, CRLF-terminated.
std::string csv_header();

/// One donation as a CSV row, CRLF-terminated: the fields of render::donation, the time in ISO 8601
/// UTC, and the configured explorer's link to the transaction (empty without an explorer).
std::string csv_row(const config::Config& config, const storage::Donation& d);

/// One donation as a JSON Lines line, LF-terminated: render::donation (the list's item, Unix
/// seconds included) plus `explorer_url` (null without an explorer).
std::string jsonl_line(const config::Config& config, const storage::Donation& d);

/// The transaction on the chain's configured explorer, `EXPLORER/tx/HASH`; empty without one.
std::string explorer_url(const config::Config& config, const storage::Donation& d);

/// An export read from the store a page at a time, in the list's order (newest block time first),
/// so that memory stays flat however many rows there are. Each page is read at one instant; a
/// donation arriving meanwhile may or may not appear, none appears twice (the list's cursor).
class DonationExport {
 public:
  static constexpr std::size_t kPageRows = 500;

  DonationExport(const config::Config& config, const storage::Store& store, DonationFilter filter,
                 ExportFormat format, std::size_t page_rows = kPageRows);

  /// The next piece, never empty: the CSV header row with the first page, then one page of rows at
  /// a time; nullopt after the last. Storage errors are returned as they are.
  core::Result<std::optional<std::string>> next();

 private:
  const config::Config& config_;
  const storage::Store& store_;
  DonationFilter filter_;
  ExportFormat format_;
  bool header_ = false;
  bool done_ = false;
};

/// The answer to GET /v1/campaigns/{id}/donations.csv|.jsonl: a 400 for a bad or unknown query
/// parameter (`known`, as for the list), else a 200 whose body streams a DonationExport.
Response export_response(const config::Config& config, const storage::Store& store, const config::Campaign& c,
                         const boost::urls::params_view& params, std::span<const std::string_view> known,
                         ExportFormat format);

}  // namespace givewatch::api
