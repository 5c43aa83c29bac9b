#include "api/export.hpp"

#include <boost/json.hpp>
#include <memory>

#include "api/render.hpp"

namespace givewatch::api {

namespace json = boost::json;

namespace {

/// A field of render::donation as CSV text: strings as they are, numbers in decimal, null empty.
std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

}  // namespace

std::string_view content_type(ExportFormat format) {
  return format == ExportFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
}

std::string file_name(std::string_view campaign, ExportFormat format) {
  return std::string(campaign) + (format == ExportFormat::csv ? "-donations.csv" : "-donations.jsonl");
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

std::string csv_header() {
  std::string out;
  for (const auto column : kCsvColumns) {
    if (!out.empty()) out += ',';
    out += column;
  }
  return out + "\r\n";
}

std::string explorer_url(const config::Config& config, const storage::Donation& d) {
  const auto* chain = render::chain_of(config, d.chain_id);
  if (!chain || chain->explorer.empty()) return {};
  return chain->explorer + "/tx/" + core::to_hex(d.tx_hash);
}

std::string csv_row(const config::Config& config, const storage::Donation& d) {
  const json::object o = render::donation(config, d);
  std::string out;
  for (const auto column : kCsvColumns) {
    if (column != kCsvColumns.front()) out += ',';
    if (column == "timestamp") {
      out += iso8601(d.timestamp);
    } else if (column == "explorer_url") {
      out += csv_field(explorer_url(config, d));
    } else {
      out += csv_field(text_of(o.at(column)));
    }
  }
  return out + "\r\n";
}

std::string jsonl_line(const config::Config& config, const storage::Donation& d) {
  json::object o = render::donation(config, d);
  const std::string url = explorer_url(config, d);
  o["explorer_url"] = url.empty() ? json::value(nullptr) : json::value(url);
  return json::serialize(o) + "\n";
}

DonationExport::DonationExport(const config::Config& config, const storage::Store& store,
                               DonationFilter filter, ExportFormat format, std::size_t page_rows)
    : config_(config), store_(store), filter_(std::move(filter)), format_(format) {
  filter_.query.limit = page_rows;
  filter_.query.cursor.clear();
}

core::Result<std::optional<std::string>> DonationExport::next() {
  std::string out;
  if (format_ == ExportFormat::csv && !header_) {
    header_ = true;
    out = csv_header();
  }
  // Pages whose rows are all newer than `to` give nothing: read on until a page gives a row.
  bool rows = false;
  while (!done_ && !rows) {
    auto page = store_.donations(filter_.query);
    if (!page) return page.error();
    for (const auto& d : page->donations) {
      if (filter_.to && d.timestamp >= *filter_.to) continue;
      if (filter_.from && d.timestamp < *filter_.from) {
        done_ = true;  // newest first: every later row is older still
        break;
      }
      out += format_ == ExportFormat::csv ? csv_row(config_, d) : jsonl_line(config_, d);
      rows = true;
    }
    if (!page->next_cursor) done_ = true;
    if (!done_) filter_.query.cursor = *page->next_cursor;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Response export_response(const config::Config& config, const storage::Store& store, const config::Campaign& c,
                         const boost::urls::params_view& params, std::span<const std::string_view> known,
                         ExportFormat format) {
  auto filter = parse_donation_filter(config, c, params, known);
  if (!filter) return error(400, "bad_request", filter.error().message);
  Response r;
  r.content_type = std::string(content_type(format));
  r.cache_control = "no-store";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name(c.id, format) + "\"");
  auto rows = std::make_shared<DonationExport>(config, store, std::move(*filter), format);
  r.stream = [rows] { return rows->next(); };
  return r;
}

}  // namespace givewatch::api
