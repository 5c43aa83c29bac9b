// The donation exports (CSV, JSON Lines) as the handlers answer them: quoting, columns, time bounds,
// filters, and the same rows as the paged list.

#include "api/export.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/filter.hpp"
#include "tests/api/fixture.hpp"

namespace givewatch::api {
namespace {

namespace json = boost::json;
using test::Fixture;
using test::seed;

using test::kAurora;
using test::kBsc;

/// Every piece of a streamed answer, concatenated; fails the test on a storage error or an empty piece.
std::string drain(const Response& r) {
  EXPECT_TRUE(r.stream) << r.payload();
  std::string out;
  while (r.stream) {
    auto piece = r.stream();
    if (!piece) {
      ADD_FAILURE() << piece.error().message;
      break;
    }
    if (!*piece) break;
    EXPECT_FALSE((*piece)->empty()) << "an empty piece would end the chunked body";
    out += **piece;
  }
  return out;
}

/// RFC 4180 records: CRLF-terminated, quoted fields with doubled quotes. Fails on anything else.
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i; i < text.size(); ++i) {
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (text[i] == '"') {
          break;
        } else {
          field += text[i];
        }
      }
      ++i;  // the closing quote
    }
    while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') field += text[i++];
    row.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") {
      ADD_FAILURE() << "a record not ended by CRLF at byte " << i;
      break;
    }
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  return rows;
}

std::vector<json::object> parse_jsonl(std::string_view text) {
  std::vector<json::object> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) {
      ADD_FAILURE() << "a last line without LF";
      break;
    }
    out.push_back(json::parse(text.substr(0, end)).as_object());
    text.remove_prefix(end + 1);
  }
  return out;
}

/// The value of the header `name` of `r`; empty when it has none.
std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

std::string message_of(const Response& r) {
  return std::string(json::parse(r.payload()).at("error").at("message").as_string());
}

TEST(Export, CsvFieldsAreQuotedOnlyWhenRfc4180NeedsIt) {
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("USDC"), "USDC");
  EXPECT_EQ(csv_field("1.5"), "1.5");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  // Whatever is quoted reads back as it was.
  const std::string hard = "a \"b\", c\r\nd";
  const auto rows = parse_csv(csv_field(hard) + "," + csv_field("x") + "\r\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{hard, "x"}));
}

TEST(Export, TimesParseInThreeFormsAndPrintInIso8601) {
  EXPECT_EQ(parse_time("2026-01-31").value(), 1'769'817'600u);
  EXPECT_EQ(parse_time("2026-01-31T12:00:00Z").value(), 1'769'860'800u);
  EXPECT_EQ(parse_time("1769817600").value(), 1'769'817'600u);
  EXPECT_EQ(parse_time("0").value(), 0u);
  EXPECT_EQ(parse_time("2024-02-29T23:59:59Z").value(), 1'709'251'199u);
  EXPECT_EQ(parse_time("9999-12-31T23:59:59Z").value(), 253'402'300'799u);
  for (const char* bad : {"", "2026-02-30", "2025-02-29", "2026-1-31", "2026-13-01", "2026-01-31T24:00:00Z",
                          "2026-01-31T12:60:00Z", "2026-01-31T12:00:60Z", "2026-01-31T12:00:00",
                          "2026-01-31 12:00:00Z", "2026-01-31T12:00:00+00:00", "1969-12-31", "-5", "1e9",
                          "253402300800", "9999999999999", "2026-01-31t12:00:00z", "２０２６-01-31"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
  EXPECT_EQ(
      parse_time("yesterday").error().message,
      "'yesterday' is not an ISO date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or Unix seconds up to "
      "year 9999");
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(1'709'251'199), "2024-02-29T23:59:59Z");
  EXPECT_EQ(iso8601(1'700'000'005), "2023-11-14T22:13:25Z");
  EXPECT_EQ(iso8601(253'402'300'799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(iso8601(951'782'400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(iso8601(4'107'542'400), "2100-03-01T00:00:00Z");  // 2100 is no leap year
  // A chain's block time is outside input: an absurd one still prints, as an expanded year.
  EXPECT_EQ(iso8601(253'402'300'800), "10000-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(UINT64_MAX), "584554051223-11-09T07:00:15Z");
  // Every day from 1970 to 2100 round-trips through parse_time.
  for (std::uint64_t t = 0; t < 4'102'444'800; t += 86'400 + 3'607) {
    ASSERT_EQ(parse_time(iso8601(t)).value(), t) << t;
  }
}

TEST(Export, CsvHasTheHeaderAndEveryColumnOfADonation) {
  Fixture f;
  seed(f);
  auto r = f.get("/v1/campaigns/memorial/donations.csv?chain=aurora&token=USDC");
  ASSERT_EQ(r.status, 200u) << r.payload();
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(r.etag.empty());
  EXPECT_EQ(header(r, "Content-Disposition"), "attachment; filename=\"memorial-donations.csv\"");
  const auto d = f.donation(kAurora, "USDC", "memorial", 1'234'500, 5, 0, 1);
  EXPECT_EQ(drain(r),
            "chain,chain_id,token,contract,amount,value,from,to,tx_hash,log_index,block_number,block_hash,"
            "timestamp,"
            "status,explorer_url\r\n"
            "aurora,1313161554,USDC,0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7,1234500,1.2345,"
            "0x0101010101010101010101010101010101010101,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed," +
                core::to_hex(d.tx_hash) +
                ",0,5,0x0505050505050505050505050505050505050505050505050505050505050505"
                ",2023-11-14T22:13:25Z,confirmed,https://explorer.aurora.dev/tx/" +
                core::to_hex(d.tx_hash) + "\r\n");
  // Without a configured explorer the last field is empty; pending is named.
  EXPECT_EQ(
      drain(f.get("/v1/campaigns/memorial/donations.csv?status=pending")),
      csv_header() +
          "bsc,56,USDC,0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d,250000,0.00000000000025,"
          "0x0202020202020202020202020202020202020202,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed," +
          core::to_hex(f.donation(kBsc, "USDC", "memorial", 250'000, 20, 3, 2).tx_hash) +
          ",3,20,0x1414141414141414141414141414141414141414141414141414141414141414,2023-11-14T22:13:40Z,"
          "pending,\r\n");
}

TEST(Export, JsonLinesAreTheListItemsWithTheExplorerLink) {
  Fixture f;
  seed(f);
  auto r = f.get("/v1/campaigns/memorial/donations.jsonl");
  ASSERT_EQ(r.status, 200u) << r.payload();
  EXPECT_EQ(r.content_type, "application/x-ndjson");
  EXPECT_EQ(header(r, "Content-Disposition"), "attachment; filename=\"memorial-donations.jsonl\"");
  const auto lines = parse_jsonl(drain(r));
  const auto list =
      json::parse(f.get("/v1/campaigns/memorial/donations").payload()).at("donations").as_array();
  ASSERT_EQ(lines.size(), 4u);
  ASSERT_EQ(list.size(), 4u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    json::object line = lines[i];
    const auto url = line.at("explorer_url");
    line.erase("explorer_url");
    EXPECT_EQ(line, list[i].as_object()) << i;
    if (list[i].at("chain") == "aurora") {
      EXPECT_EQ(url, json::value("https://explorer.aurora.dev/tx/" +
                                 std::string(list[i].at("tx_hash").as_string())));
    } else {
      EXPECT_TRUE(url.is_null()) << url;
    }
  }
  EXPECT_TRUE(drain(f.get("/v1/campaigns/rbb/donations.jsonl?status=pending")).empty());
  EXPECT_EQ(drain(f.get("/v1/campaigns/rbb/donations.csv?status=pending")), csv_header());
}

TEST(Export, FromIsInclusiveToExclusiveInEveryForm) {
  Fixture f;
  seed(f);  // memorial's block times: 1700000020, 1700000010, 1700000006, 1700000005
  auto blocks = [&](const std::string& query) {
    std::vector<std::uint64_t> out;
    for (const auto& line : parse_jsonl(drain(f.get("/v1/campaigns/memorial/donations.jsonl?" + query)))) {
      out.push_back(line.at("block_number").to_number<std::uint64_t>());
    }
    return out;
  };
  EXPECT_EQ(blocks("from=1700000006&to=1700000020"), (std::vector<std::uint64_t>{10, 6}));
  EXPECT_EQ(blocks("from=1700000006"), (std::vector<std::uint64_t>{20, 10, 6}));
  EXPECT_EQ(blocks("to=1700000006"), (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(blocks("from=2023-11-14T22:13:26Z&to=2023-11-14T22:13:40Z"), (std::vector<std::uint64_t>{10, 6}));
  EXPECT_EQ(blocks("from=2023-11-14&to=2023-11-15"), (std::vector<std::uint64_t>{20, 10, 6, 5}));
  EXPECT_TRUE(blocks("from=2023-11-15").empty());
  EXPECT_TRUE(blocks("to=2023-11-14").empty());
  EXPECT_EQ(blocks("from=1700000006&status=confirmed&chain=aurora"), (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(blocks("token=BUSD"), (std::vector<std::uint64_t>{10}));
}

TEST(Export, BadParametersAreRefusedLikeTheList) {
  Fixture f;
  auto expect_400 = [&](const std::string& query, const std::string& message) {
    for (const char* ext : {".csv", ".jsonl"}) {
      auto r = f.get(std::string("/v1/campaigns/memorial/donations") + ext + "?" + query);
      EXPECT_EQ(r.status, 400u) << query;
      EXPECT_FALSE(r.stream) << query;
      EXPECT_EQ(json::parse(r.payload()).at("error").at("code"), "bad_request");
      EXPECT_EQ(message_of(r), message) << query;
    }
  };
  expect_400(
      "from=2026-02-30",
      "from '2026-02-30' is not an ISO date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or Unix seconds "
      "up to year 9999");
  expect_400("to=tomorrow",
             "to 'tomorrow' is not an ISO date (2026-01-31), a UTC time (2026-01-31T12:00:00Z) or Unix "
             "seconds up to "
             "year 9999");
  expect_400("from=2026-01-31&to=2026-01-31",
             "from (2026-01-31T00:00:00Z) must be before to (2026-01-31T00:00:00Z): from is inclusive, to "
             "exclusive");
  expect_400("status=late", "status 'late' is not one of confirmed, pending, all");
  expect_400("chain=eth", "chain 'eth' is not configured; chains are: bsc, aurora");
  expect_400("token=USDC", "token 'USDC' is on chains bsc, aurora; add chain= to choose");
  expect_400("token=DAI", "token 'DAI' is not configured");
  expect_400("limit=10", "unknown parameter 'limit'; expected status, chain, token, from, to");
  expect_400("cursor=ab", "unknown parameter 'cursor'; expected status, chain, token, from, to");
  // The list takes no time range.
  EXPECT_EQ(message_of(f.get("/v1/campaigns/memorial/donations?from=0")),
            "unknown parameter 'from'; expected status, chain, token, limit, cursor");
  EXPECT_EQ(f.get("/v1/campaigns/nope/donations.csv").status, 404u);
}

/// The list's items, every page of `limit` followed to the end.
std::vector<json::object> paged_list(Fixture& f, const std::string& campaign, const std::string& query,
                                     std::size_t limit) {
  std::vector<json::object> out;
  std::string cursor;
  do {
    std::string target = "/v1/campaigns/" + campaign + "/donations?limit=" + std::to_string(limit) + query;
    if (!cursor.empty()) target += "&cursor=" + cursor;
    const auto page = json::parse(f.get(target).payload());
    for (const auto& d : page.at("donations").as_array()) out.push_back(d.as_object());
    cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  return out;
}

/// A list item as the CSV row it must be exported as.
std::vector<std::string> as_csv_fields(const json::object& d) {
  std::vector<std::string> out;
  for (const auto column : kCsvColumns) {
    if (column == "timestamp") {
      out.push_back(iso8601(d.at("timestamp").to_number<std::uint64_t>()));
    } else if (column == "explorer_url") {
      out.push_back(d.at("chain") == "aurora"
                        ? "https://explorer.aurora.dev/tx/" + std::string(d.at("tx_hash").as_string())
                        : "");
    } else {
      const auto& v = d.at(column);
      out.push_back(v.is_string() ? std::string(v.as_string()) : v.is_null() ? "" : json::serialize(v));
    }
  }
  return out;
}

TEST(Export, ExportsHoldExactlyTheRowsOfThePagedList) {
  Fixture f;
  // 1,150 donations over both chains and every token, in steps of 50 blocks, the older half confirmed;
  // several share a block time across chains.
  const char* bsc_tokens[] = {"BUSD", "USDC"};
  const char* aurora_tokens[] = {"USDC", "NOTUSD"};
  for (std::uint64_t step = 0; step < 23; ++step) {
    std::vector<storage::Donation> bsc, aurora;
    for (std::uint64_t i = 0; i < 25; ++i) {
      const std::uint64_t block = 1 + step * 50 + i * 2;
      const auto n = static_cast<std::uint32_t>(i);
      bsc.push_back(f.donation(kBsc, bsc_tokens[i % 2], i % 5 ? "memorial" : "rbb",
                               core::Amount(1000 + block), block, n % 3,
                               static_cast<std::uint8_t>(1 + i % 7)));
      aurora.push_back(f.donation(kAurora, aurora_tokens[i % 2], "memorial", core::Amount(block), block, 0,
                                  static_cast<std::uint8_t>(i)));
    }
    f.apply(kBsc, std::move(bsc), step * 50 < 600 ? std::optional<std::uint64_t>(step * 50) : std::nullopt);
    f.apply(kAurora, std::move(aurora),
            step * 50 < 600 ? std::optional<std::uint64_t>(step * 50) : std::nullopt);
  }
  for (const std::string query : {"", "&status=pending", "&status=confirmed&chain=bsc", "&token=NOTUSD"}) {
    const auto list = paged_list(f, "memorial", query, 37);
    ASSERT_GT(list.size(), query.empty() ? 1000u : 100u) << query;
    const std::string export_query = query.empty() ? "" : "?" + query.substr(1);
    const auto rows = parse_csv(drain(f.get("/v1/campaigns/memorial/donations.csv" + export_query)));
    const auto lines = parse_jsonl(drain(f.get("/v1/campaigns/memorial/donations.jsonl" + export_query)));
    ASSERT_EQ(rows.size(), list.size() + 1) << query;
    ASSERT_EQ(lines.size(), list.size()) << query;
    EXPECT_EQ(rows[0], std::vector<std::string>(kCsvColumns.begin(), kCsvColumns.end()));
    for (std::size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(rows[i + 1], as_csv_fields(list[i])) << query << " row " << i;
      json::object line = lines[i];
      line.erase("explorer_url");
      EXPECT_EQ(line, list[i]) << query << " line " << i;
    }
  }
  // Small pages and a time range that starts and ends inside pages give the same rows as one page.
  const auto all = paged_list(f, "memorial", "", 1000);
  const auto from = all[all.size() * 3 / 4].at("timestamp").to_number<std::uint64_t>();
  const auto to = all[all.size() / 4].at("timestamp").to_number<std::uint64_t>();
  std::vector<json::object> expected;
  for (const auto& d : all) {
    const auto t = d.at("timestamp").to_number<std::uint64_t>();
    if (t >= from && t < to) expected.push_back(d);
  }
  for (const std::size_t page : {std::size_t{1}, std::size_t{7}, std::size_t{500}}) {
    DonationFilter filter;
    filter.query.campaign = "memorial";
    filter.from = from;
    filter.to = to;
    DonationExport rows(f.config, *f.store, filter, ExportFormat::jsonl, page);
    Response r;
    r.stream = [&rows] { return rows.next(); };
    auto lines = parse_jsonl(drain(r));
    ASSERT_EQ(lines.size(), expected.size()) << page;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      lines[i].erase("explorer_url");
      EXPECT_EQ(lines[i], expected[i]) << page << " line " << i;
    }
  }
}

}  // namespace
}  // namespace givewatch::api
