// The REST API and its event streams, served by the daemon while it indexes real EVM nodes.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/free_port.hpp"

namespace givewatch::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string text(const json::value& v) { return std::string(v.as_string()); }

/// The daemon on a devnet, its API on a port of the test's choosing.
struct Served {
  ScratchDir dir;
  Devnet devnet;
  std::uint16_t port = free_port();
  std::unique_ptr<Daemon> daemon;

  Served(const std::string& name, const std::string& chains) : dir(name), devnet(dir.path() / "devnet", chains) {}

  void start() {
    ConfigOptions options;
    options.api_port = port;
    daemon = std::make_unique<Daemon>(write_config(devnet, dir.path(), options), dir.path() / "givewatch.log");
  }

  /// Waits until /readyz says every chain is caught up and each chain's cursor has reached its head.
  bool caught_up(std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::map<std::string, std::uint64_t> heads;
    for (const auto& c : devnet.chains()) heads[c.name] = devnet.head(c.name);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        auto chains = json::parse(http_get(port, "/v1/chains").body).at("chains").as_array();
        bool all = http_get(port, "/readyz").status == 200;
        for (const auto& c : chains) all = all && c.at("indexed_block").to_number<std::uint64_t>() >= heads[text(c.at("name"))];
        if (all) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  /// Every donation of a campaign through the API, following next_cursor with pages of `limit`.
  std::vector<json::value> all_donations(const std::string& campaign, int limit, std::string cursor = "") {
    std::vector<json::value> out;
    while (true) {
      std::string target = "/v1/campaigns/" + campaign + "/donations?limit=" + std::to_string(limit);
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto page = json::parse(http_get(port, target).body);
      for (auto& d : page.at("donations").as_array()) out.push_back(d);
      if (page.at("next_cursor").is_null()) break;
      cursor = text(page.at("next_cursor"));
    }
    return out;
  }
};

TEST(Api, TotalsAndDonationListsEqualTheChainsTruth) {
  Served s("api-totals", "bsc,aurora,celo");
  for (const auto& c : s.devnet.chains()) s.devnet.traffic(c.name, 60, 15, 70);
  s.start();
  ASSERT_TRUE(s.caught_up()) << s.daemon->log();
  const auto truth = s.devnet.truth();

  for (const auto& campaign : s.devnet.campaigns()) {
    auto doc = json::parse(http_get(s.port, "/v1/campaigns/" + campaign).body);
    // confirmed + pending per token contract = the truth's sum; donation counts and donors too.
    std::map<std::string, core::Amount> want;
    std::set<core::Address> donors;
    std::uint64_t count = 0;
    for (const auto& [key, t] : truth) {
      if (t.campaign != campaign) continue;
      want[core::to_checksum(t.token)] += t.amount;
      donors.insert(t.from);
      ++count;
    }
    std::map<std::string, core::Amount> have;
    std::uint64_t have_count = 0;
    for (const char* part : {"confirmed", "pending"}) {
      for (const auto& t : doc.at(part).at("by_token").as_array()) {
        const auto amount = core::parse_amount(text(t.at("amount"))).value();
        if (amount != 0) have[text(t.at("contract"))] += amount;
      }
      have_count += doc.at(part).at("donations").to_number<std::uint64_t>();
    }
    EXPECT_EQ(have, want) << campaign;
    EXPECT_EQ(have_count, count) << campaign;

    // The list, through pages of 7, is exactly the truth's donations of this campaign.
    std::set<std::pair<std::string, std::uint64_t>> listed;
    for (const auto& d : s.all_donations(campaign, 7)) {
      EXPECT_TRUE(listed.emplace(text(d.at("tx_hash")), d.at("log_index").to_number<std::uint64_t>()).second)
          << "listed twice";
    }
    std::set<std::pair<std::string, std::uint64_t>> expected;
    for (const auto& [key, t] : truth) {
      if (t.campaign == campaign) expected.emplace(core::to_hex(t.tx_hash), t.log_index);
    }
    EXPECT_EQ(listed, expected) << campaign;
  }

  // Every donation's receipt can be looked up by its transaction.
  std::map<std::uint64_t, std::string> chain_names;
  for (const auto& c : s.devnet.chains()) chain_names[c.chain_id] = c.name;
  for (const auto& [key, t] : truth) {
    const auto hash = core::to_hex(t.tx_hash);
    auto tx = json::parse(http_get(s.port, "/v1/tx/" + chain_names.at(t.chain_id) + "/" + hash).body);
    const json::value* found = nullptr;
    for (const auto& d : tx.at("donations").as_array()) {
      if (d.at("log_index").to_number<std::uint32_t>() == t.log_index) found = &d;
    }
    ASSERT_NE(found, nullptr) << hash << " log " << t.log_index;
    EXPECT_EQ(text(found->at("amount")), core::to_string(t.amount)) << hash;
  }
  EXPECT_EQ(s.daemon->stop(), 0);
}

TEST(Api, PagesStayStableWhileDonationsArriveAndHttpSemanticsHold) {
  Served s("api-pages", "bsc");
  s.devnet.traffic("bsc", 40, 5, 80);
  s.start();
  ASSERT_TRUE(s.caught_up()) << s.daemon->log();
  const std::string campaign = "memorial";
  const auto before = s.all_donations(campaign, 1000);
  ASSERT_GT(before.size(), 6u);

  auto first = json::parse(http_get(s.port, "/v1/campaigns/" + campaign + "/donations?limit=3").body);
  // New donations arrive between pages.
  s.devnet.traffic("bsc", 12, 0, 81);
  const auto head = s.devnet.mine("bsc", 1);
  ASSERT_TRUE(wait_indexed(s.dir.path() / "data", 56, head, std::nullopt, 30s));
  std::vector<json::value> paged(first.at("donations").as_array().begin(), first.at("donations").as_array().end());
  for (auto& d : s.all_donations(campaign, 3, text(first.at("next_cursor")))) paged.push_back(d);
  ASSERT_EQ(paged.size(), before.size());  // no duplicates, no gaps
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(paged[i].at("tx_hash"), before[i].at("tx_hash"));
    EXPECT_EQ(paged[i].at("log_index"), before[i].at("log_index"));
  }

  // ETag and 304, driven by the store: with every block indexed and confirmed as deep as it goes,
  // nothing changes the document, so its ETag is answered with 304. (caught_up: the daemon itself
  // reports the step, which it does only after the store took it.)
  const auto data = s.dir.path() / "data";
  ASSERT_TRUE(wait_indexed(data, 56, head, head - 3, 30s)) << s.daemon->log();
  ASSERT_TRUE(s.caught_up()) << s.daemon->log();
  const std::string path = "/v1/campaigns/" + campaign;
  auto doc = http_get(s.port, path);
  EXPECT_EQ(doc.status, 200u);
  EXPECT_EQ(doc.headers["cache-control"], "max-age=1");
  EXPECT_EQ(doc.headers["access-control-allow-origin"], "*");
  const std::string etag = doc.headers["etag"];
  ASSERT_FALSE(etag.empty());
  auto again = http_get(s.port, path, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.headers["etag"], etag);
  // A donation to the campaign is stored: the same request gets the new document and a new ETag.
  auto sent = s.devnet.run("traffic", {"--chain", "bsc", "--donations", "1", "--seed", "82", "--campaigns", campaign});
  const auto tx = core::parse_hash(text(sent.at("donations").at(0).at("tx_hash"))).value();
  ASSERT_TRUE(wait_for_store(data, 60s, [&](storage::Store& store) {
    auto found = store.donations_by_tx(56, tx);
    return found && !found->empty();
  })) << s.daemon->log();
  ASSERT_TRUE(s.caught_up()) << s.daemon->log();
  auto changed = http_get(s.port, path, {{"If-None-Match", etag}});
  ASSERT_EQ(changed.status, 200u);
  EXPECT_NE(changed.headers["etag"], etag);
  auto donations = [](const std::string& body) {
    const auto v = json::parse(body);
    return v.at("confirmed").at("donations").to_number<std::uint64_t>() +
           v.at("pending").at("donations").to_number<std::uint64_t>();
  };
  EXPECT_EQ(donations(changed.body), donations(doc.body) + 1);

  // CORS, errors.
  EXPECT_EQ(http_get(s.port, "/v1/campaigns/nobody").status, 404u);
  EXPECT_EQ(http_get(s.port, "/v1/campaigns/memorial/donations?limit=5000").status, 400u);
  EXPECT_EQ(http_get(s.port, "/v1/tx/bsc/0xnothex").status, 400u);
  EXPECT_EQ(http_get(s.port, "/v1/tx/bsc/0x" + std::string(64, '0')).status, 404u);
  EXPECT_EQ(s.daemon->stop(), 0);
}

TEST(Api, EventStreamsCarryNewDonationsAndReorgRemovals) {
  Served s("api-events", "bsc");
  s.devnet.traffic("bsc", 10, 0, 90);
  s.start();
  ASSERT_TRUE(s.caught_up()) << s.daemon->log();
  EventStream stream(s.port, "/v1/campaigns/memorial/events");
  ASSERT_NE(stream.wait_for("event: totals", 5s).find("event: totals"), std::string::npos);

  // A fresh donation to memorial arrives as a `donation` event, then the new totals.
  const auto snapshot = s.devnet.snapshot("bsc");
  auto sent = s.devnet.run("traffic", {"--chain", "bsc", "--donations", "3", "--seed", "91", "--campaigns", "memorial"});
  const std::string tx = text(sent.at("donations").at(0).at("tx_hash"));
  auto seen = stream.wait_for(tx, 10s);
  ASSERT_NE(seen.find(tx), std::string::npos) << seen;
  EXPECT_NE(seen.find("event: donation\ndata: {\"chain\":\"bsc\""), std::string::npos);
  EXPECT_NE(seen.find("\"status\":\"pending\""), std::string::npos);

  // The chain goes back and another branch wins: the orphaned donations are `removed`.
  s.devnet.revert("bsc", snapshot);
  s.devnet.traffic("bsc", 2, 0, 92);
  s.devnet.mine("bsc", 4);
  seen = stream.wait_for("event: removed", 15s);
  const auto at = seen.find("event: removed");
  ASSERT_NE(at, std::string::npos) << seen << s.daemon->log();
  EXPECT_NE(seen.find(tx, at), std::string::npos) << "the removed donation is the orphaned one";
  EXPECT_EQ(s.daemon->stop(), 0);
}

}  // namespace
}  // namespace givewatch::test
