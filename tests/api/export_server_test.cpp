// A large export through the real HTTP server on loopback: the body arrives whole, in chunks of at
// most a page, and the process's peak memory grows by far less than the body's size.

#include <gtest/gtest.h>
#include <malloc.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/export.hpp"
#include "tests/api/fixture.hpp"
#include "tests/api/running.hpp"

namespace givewatch::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

using test::kAurora;
using test::kBsc;

// Under AddressSanitizer the store fills ~5x slower and freed memory is held in quarantine, so the
// sanitizer build exports fewer rows and does not measure memory (the chunk bound still holds).
#if defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t kRows = 20'000;
constexpr bool kMeasureMemory = false;
#else
constexpr std::uint64_t kRows = 100'000;
constexpr bool kMeasureMemory = true;
#endif
constexpr std::uint64_t kPeakGrowthLimitKb = 8 * 1024;

/// A field of /proc/self/status in kB (VmRSS, VmHWM).
std::uint64_t status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

/// Lowers the peak resident set (VmHWM) to the current one; false where the kernel does not allow it.
bool reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// `rows` donations to memorial, as a watcher writes them: steps of 1,000 donations over 250 blocks of
/// one chain, the chains taking turns, confirmations trailing by 100 blocks.
void fill(test::Fixture& f, std::uint64_t rows) {
  std::uint64_t next_block[2] = {1, 1};
  for (std::uint64_t done = 0, step = 0; done < rows; ++step) {
    const bool bsc = step % 2 == 0;
    const std::uint64_t chain = bsc ? kBsc : kAurora;
    std::uint64_t& block = next_block[bsc ? 0 : 1];
    std::vector<storage::Donation> ds;
    for (std::uint64_t i = 0; i < 1000 && done < rows; ++i, ++done) {
      const char* symbol = bsc ? (i % 2 ? "BUSD" : "USDC") : (i % 2 ? "USDC" : "NOTUSD");
      auto d = f.donation(chain, symbol, "memorial", core::Amount(1'000'000 + done * 12'345), block + i / 4,
                          static_cast<std::uint32_t>(i % 4), static_cast<std::uint8_t>(1 + done % 200));
      for (std::size_t b = 0; b < 8; ++b) d.tx_hash.bytes[b] = static_cast<std::uint8_t>(done >> (8 * b));
      ds.push_back(std::move(d));
    }
    block += 250;
    f.apply(chain, std::move(ds), block > 100 ? std::optional<std::uint64_t>(block - 100) : std::nullopt);
  }
}

/// What a client reading a chunked body saw, without keeping the body.
struct Received {
  std::string head;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;  ///< CRLF-terminated records
  std::uint64_t chunks = 0;
  std::uint64_t largest_chunk = 0;
  std::string first_lines;  ///< the start of the first chunk
  bool ended = false;       ///< the last chunk arrived
};

/// GETs `target` and decodes the chunked body as it arrives, holding at most one chunk.
Received get_chunked(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  Received r;
  std::string pending;
  bool in_head = true;
  std::uint64_t need = 0;  // bytes of the current chunk's data still to come; 0: a size line is next
  char buf[64 * 1024];
  while (!r.ended) {
    boost::system::error_code ec;
    const auto n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    pending.append(buf, n);
    while (true) {
      if (in_head) {
        const auto end = pending.find("\r\n\r\n");
        if (end == std::string::npos) break;
        r.head = pending.substr(0, end + 4);
        pending.erase(0, end + 4);
        in_head = false;
      } else if (need == 0) {
        const auto end = pending.find("\r\n");
        if (end == std::string::npos) break;
        need = std::stoull(pending.substr(0, end), nullptr, 16);
        pending.erase(0, end + 2);
        if (need == 0) {
          r.ended = true;
          break;
        }
        ++r.chunks;
        r.largest_chunk = std::max(r.largest_chunk, need);
        need += 2;  // the data's CRLF
      } else {
        if (pending.size() < need) break;
        const std::string_view data(pending.data(), need - 2);
        if (r.first_lines.empty()) r.first_lines = std::string(data.substr(0, 2048));
        r.bytes += data.size();
        for (auto at = data.find("\r\n"); at != std::string_view::npos; at = data.find("\r\n", at + 2))
          ++r.lines;
        pending.erase(0, need);
        need = 0;
      }
    }
  }
  return r;
}

TEST(ExportServer, ALargeExportStreamsInPagesWithFlatMemory) {
  // The allocator as the daemon sets it (daemon/main.cpp): fixed thresholds, so that blocks of a
  // page's size and more are mapped and unmapped, not kept once freed (glibc would raise its
  // thresholds after the store's large write batches). What an export frees is then given back
  // before the next one is measured.
  mallopt(M_TRIM_THRESHOLD, 4 << 20);
  test::Fixture f;
  fill(f, kRows);
  // Read every page once first, so that RocksDB's block cache and the allocator hold what any pass
  // over the store holds; what the export adds on top is then its own.
  storage::DonationQuery q{.campaign = "memorial", .limit = DonationExport::kPageRows};
  std::uint64_t stored = 0;
  for (bool more = true; more;) {
    auto page = f.store->donations(q);
    ASSERT_TRUE(page) << page.error().message;
    stored += page->donations.size();
    more = page->next_cursor.has_value();
    if (more) q.cursor = *page->next_cursor;
  }
  ASSERT_EQ(stored, kRows);

  ServerOptions options;
  options.port = 0;
  test::Running server(*f.api, options);
  // A first export brings the server thread to its steady state: its own malloc arena (glibc gives
  // each thread one; it keeps ~9 MB after a first export, however large) and the code it runs.
  // The second is measured: holding the body, or any part growing with it, would show there.
  reset_peak();
  const std::uint64_t first_before = status_kb("VmRSS");
  const auto first = get_chunked(server.port(), "/v1/campaigns/memorial/donations.csv");
  const std::uint64_t first_growth = status_kb("VmHWM") - first_before;
  ASSERT_TRUE(first.ended);
  const bool measured = kMeasureMemory && reset_peak();
  const std::uint64_t rss_before = status_kb("VmRSS");
  const auto started = std::chrono::steady_clock::now();
  const auto got = get_chunked(server.port(), "/v1/campaigns/memorial/donations.csv");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uint64_t peak_growth = status_kb("VmHWM") - rss_before;

  ASSERT_EQ(got.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got.head;
  EXPECT_NE(got.head.find("\r\nTransfer-Encoding: chunked\r\n"), std::string::npos) << got.head;
  EXPECT_NE(got.head.find("\r\nContent-Type: text/csv; charset=utf-8\r\n"), std::string::npos) << got.head;
  EXPECT_EQ(got.head.find("Content-Length"), std::string::npos) << got.head;
  EXPECT_TRUE(got.ended) << "no last chunk";
  EXPECT_EQ(got.lines, kRows + 1);  // the header and every donation
  const auto newest = f.store->donations(storage::DonationQuery{.campaign = "memorial", .limit = 1});
  ASSERT_TRUE(newest && !newest->donations.empty());
  EXPECT_EQ(got.first_lines.substr(0, csv_header().size() + csv_row(f.config, newest->donations[0]).size()),
            csv_header() + csv_row(f.config, newest->donations[0]));
  // The server handed the socket one page at a time: a page of rows of at most 512 bytes.
  EXPECT_GE(got.chunks, kRows / DonationExport::kPageRows);
  EXPECT_LE(got.largest_chunk, DonationExport::kPageRows * 512);
  std::cout << "export: " << kRows << " rows, " << got.bytes << " bytes in " << got.chunks
            << " chunks (largest " << got.largest_chunk << "), " << seconds << " s, "
            << static_cast<double>(kRows) / seconds << " rows/s; peak RSS growth " << peak_growth
            << " kB (first export: " << first_growth << " kB)" << (measured ? "" : " (not measured)") << '\n';
  if (measured) {
    EXPECT_GT(got.bytes, 3 * kPeakGrowthLimitKb * 1024)
        << "the body must dwarf the bound for the bound to mean anything";
    EXPECT_LT(peak_growth, kPeakGrowthLimitKb) << "the export held more than a few pages at once";
  }
}

/// Sends `request` raw and reads until the server closes the connection.
std::string exchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  std::string out;
  char buf[8192];
  boost::system::error_code ec;
  while (!ec) out.append(buf, socket.read_some(asio::buffer(buf), ec));
  return out;
}

TEST(ExportServer, HeadHttp10AndKeepAliveAfterAStreamedBody) {
  test::Fixture f;
  test::seed(f);
  test::Running server(*f.api, ServerOptions{.port = 0});
  const std::string target = "/v1/campaigns/memorial/donations.csv?status=confirmed";
  std::string body = csv_header();
  for (const auto& d :
       f.store
           ->donations(storage::DonationQuery{.campaign = "memorial", .status = storage::Status::confirmed})
           .value()
           .donations) {
    body += csv_row(f.config, d);
  }

  // HTTP/1.1: chunked, then the same connection answers the next request.
  const auto both =
      exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n" +
                                  "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::ostringstream chunk;
  chunk << std::hex << body.size();
  EXPECT_NE(both.find("\r\nContent-Disposition: attachment; filename=\"memorial-donations.csv\"\r\n"),
            std::string::npos)
      << both;
  EXPECT_NE(both.find("\r\nCache-Control: no-store\r\n"), std::string::npos) << both;
  EXPECT_NE(both.find("\r\n\r\n" + chunk.str() + "\r\n" + body + "\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"),
            std::string::npos)
      << both;
  EXPECT_TRUE(both.ends_with(R"({"status":"ok"})")) << both;

  // HEAD: the head alone.
  const auto head =
      exchange(server.port(), "HEAD " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_TRUE(head.ends_with("\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")) << head;

  // HTTP/1.0 knows no chunks: the body as it is, ended by closing the connection.
  const auto old = exchange(server.port(), "GET " + target + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(old.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << old;
  EXPECT_EQ(old.find("Transfer-Encoding"), std::string::npos) << old;
  EXPECT_EQ(old.find("Connection: keep-alive"), std::string::npos) << old;
  EXPECT_TRUE(old.ends_with("\r\n\r\n" + body)) << old;
}

}  // namespace
}  // namespace givewatch::api
