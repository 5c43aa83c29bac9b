// Signed webhooks from the event log against a real receiver on loopback: every event delivered in
// sequence order through a receiver that is down for a minute while donations and a reorg stream,
// and exactly once (deduplicated by webhook-id) through SIGKILLs of givewatch at moments chosen
// from the deliveries it makes. Signatures are checked by the `standardwebhooks` npm package.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/http_receiver.hpp"

namespace givewatch::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::string webhook(const std::string& id, const std::string& url, const std::string& more = "") {
  return "[[alerts]]\nid = \"" + id + "\"\nkind = \"webhook\"\nurl = \"" + url + "\"\nsecret = \"" +
         std::string(kSecret) + "\"\nfrom = \"start\"\nretry_base_ms = 20\n" + more + "\n";
}

/// The event sequence number in a webhook-id "msg_<seq>_<hash>".
std::uint64_t seq_of(const std::string& id) {
  const auto end = id.find('_', 4);
  return std::stoull(id.substr(4, end - 4));
}

std::uint64_t last_seq(const std::filesystem::path& data) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  return store ? (*store)->last_event_seq() : 0;
}

/// The requests the receiver answered 2xx, first delivery of each webhook-id only, in arrival order.
std::vector<HttpReceiver::Request> first_deliveries(const std::vector<HttpReceiver::Request>& all) {
  std::set<std::string> seen;
  std::vector<HttpReceiver::Request> out;
  for (const auto& r : all) {
    if (r.answered / 100 != 2) continue;
    if (seen.insert(r.headers.at("webhook-id")).second) out.push_back(r);
  }
  return out;
}

std::size_t distinct_delivered(const HttpReceiver& receiver) {
  return first_deliveries(receiver.requests()).size();
}

/// Every event 1..last delivered once after deduplication, in sequence order; a redelivery carries
/// the same id and the same body.
void expect_every_event_in_order(const std::vector<HttpReceiver::Request>& all, std::uint64_t last) {
  const auto firsts = first_deliveries(all);
  ASSERT_EQ(firsts.size(), last);
  for (std::size_t i = 0; i < firsts.size(); ++i) {
    ASSERT_EQ(seq_of(firsts[i].headers.at("webhook-id")), i + 1) << "delivery " << i << " is out of order";
  }
  std::map<std::string, std::string> body_of;
  std::uint64_t highest = 0;
  for (const auto& r : all) {
    const auto& id = r.headers.at("webhook-id");
    auto [it, fresh] = body_of.emplace(id, r.body);
    if (!fresh) {
      EXPECT_EQ(it->second, r.body) << "a redelivery of " << id << " changed its body";
    }
    // A new id is never sent before every earlier event was delivered.
    if (fresh) {
      EXPECT_EQ(seq_of(id), highest + 1) << id << " sent before event " << highest + 1 << " was delivered";
    }
    if (r.answered / 100 == 2) highest = std::max(highest, seq_of(id));
  }
}

/// Checks every delivery's signature with the standardwebhooks package (code givewatch does not share).
void expect_signatures_verify(const std::vector<HttpReceiver::Request>& requests, const std::filesystem::path& dir) {
  json::array cases;
  for (const auto& r : requests) {
    cases.push_back(json::object{{"secret", kSecret},
                                 {"id", r.headers.at("webhook-id")},
                                 {"timestamp", std::stoll(r.headers.at("webhook-timestamp"))},
                                 {"body", r.body},
                                 {"signature", r.headers.at("webhook-signature")},
                                 {"valid", true}});
  }
  const auto file = dir / "cases.json";
  std::ofstream(file) << json::serialize(cases);
  std::string out, err;
  const int status = run_command({std::string(GIVEWATCH_SOURCE_DIR) + "/scripts/devnet/node",
                                  std::string(GIVEWATCH_SOURCE_DIR) + "/tests/alerts/verify_webhook.mjs", file.string()},
                                 out, err);
  EXPECT_EQ(status, 0) << out << err;
}

std::uint16_t api_port_of(const std::filesystem::path& config) {
  const auto text = read_file(config);
  const auto at = text.find("listen = \"127.0.0.1:") + 20;
  return static_cast<std::uint16_t>(std::stoul(text.substr(at, text.find('"', at) - at)));
}

/// Each delivered donation.created body's data equals the API's donation (but its status, which
/// confirmations change later), with the campaign's name and USD sums added.
void expect_bodies_are_the_apis_donations(const std::vector<HttpReceiver::Request>& firsts, std::uint16_t port) {
  std::size_t compared = 0;
  for (const auto& r : firsts) {
    const json::value body = json::parse(r.body);
    const auto& data = body.at("data").as_object();
    ASSERT_TRUE(data.contains("campaign_name") && data.at("usd").as_object().contains("confirmed")) << r.body;
    if (body.at("type") != "donation.created" || compared >= 40) continue;
    const std::string tx(data.at("tx_hash").as_string());
    const auto answer = http_get(port, "/v1/tx/" + std::string(data.at("chain").as_string()) + "/" + tx);
    if (answer.status == 404) continue;  // removed by the reorg since
    ASSERT_EQ(answer.status, 200u) << answer.body;
    bool found = false;
    const json::value found_in_api = json::parse(answer.body);
    for (const auto& d : found_in_api.at("donations").as_array()) {
      if (d.at("log_index") != data.at("log_index")) continue;
      found = true;
      for (const auto& [key, value] : d.as_object()) {
        if (key != "status") {
          EXPECT_EQ(data.at(key), value) << key << " of " << tx;
        }
      }
    }
    EXPECT_TRUE(found) << tx;
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

TEST(Alerts, AReceiverDownForAMinuteMissesNothingAndGetsEveryEventInOrder) {
  ScratchDir dir("alerts-down");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto& bsc = devnet.chain("bsc");
  HttpReceiver receiver;
  ConfigOptions options;
  options.extra_toml = webhook("ops", receiver.url());
  devnet.traffic("bsc", 10, 2, 301);
  const auto data = dir.path() / "data";
  const auto config = write_config(devnet, dir.path(), options);
  Daemon daemon(config, dir.path() / "givewatch.log");
  ASSERT_TRUE(receiver.wait_for([](const auto& r) { return !r.empty(); })) << daemon.log();

  receiver.down();
  const auto down_at = std::chrono::steady_clock::now();
  // While it is down: 120 donations, indexed, then orphaned by a reorg; 100 more on the new branch.
  const auto snapshot = devnet.snapshot("bsc");
  devnet.traffic("bsc", 120, 5, 302);
  const auto first_head = devnet.mine("bsc", 1);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, first_head)) << daemon.log();
  devnet.revert("bsc", snapshot);
  devnet.traffic("bsc", 100, 5, 303);
  const auto head = devnet.mine("bsc", 6);
  ASSERT_TRUE(wait_indexed(data, bsc.chain_id, head, head - 3)) << daemon.log();
  std::this_thread::sleep_until(down_at + 60s);  // the receiver's downtime, as asked, not a speed bound
  const auto up_at = std::chrono::steady_clock::now();
  receiver.up();

  const auto last = last_seq(data);
  ASSERT_TRUE(receiver.wait_for([&](const auto&) { return distinct_delivered(receiver) >= last; }, 120s))
      << distinct_delivered(receiver) << " of " << last << "\n" << daemon.log();
  const auto all = receiver.requests();
  expect_every_event_in_order(all, last);
  expect_signatures_verify(all, dir.path());
  expect_bodies_are_the_apis_donations(first_deliveries(all), api_port_of(config));
  std::size_t removed = 0, created = 0;
  for (const auto& r : first_deliveries(all)) {
    const auto type = json::parse(r.body).at("type");
    removed += type == "donation.removed";
    created += type == "donation.created";
  }
  EXPECT_GE(created, 200u);
  EXPECT_GE(removed, 100u) << "the reorg's removals are delivered";
  for (const auto& r : all) EXPECT_FALSE(r.at > down_at && r.at < up_at) << "a request arrived while it was down";
  const auto alerts = json::parse(http_get(api_port_of(config), "/v1/alerts").body).at("alerts").at(0);
  EXPECT_EQ(alerts.at("cursor").to_number<std::uint64_t>(), last);
  EXPECT_EQ(alerts.at("behind").to_number<std::uint64_t>(), 0u);
  EXPECT_GE(alerts.at("attempts").at("unreachable").to_number<std::uint64_t>(), 3u) << alerts;
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(daemon.log().find(std::string(kSecret).substr(6, 12)), std::string::npos) << "the secret leaked";
}

TEST(Alerts, SigkillsDuringDeliveryLoseAndDuplicateNothingForAReceiverThatDeduplicates) {
  ScratchDir dir("alerts-kill");
  Devnet devnet(dir.path() / "devnet", "bsc");
  HttpReceiver receiver;
  ConfigOptions options;
  options.extra_toml = webhook("ops", receiver.url());
  devnet.traffic("bsc", 60, 0, 401);
  const auto data = dir.path() / "data";
  const auto config = write_config(devnet, dir.path(), options);
  std::mt19937 random(std::random_device{}());
  int kills = 0, seed = 402;
  while (kills < 12) {
    const auto before = receiver.requests().size();
    devnet.traffic("bsc", 15, 0, seed++);  // events ahead of the receiver in every life
    Daemon daemon(config, dir.path() / "givewatch.log");
    // A kill after 1..25 more requests: a moment the daemon reports by delivering, on any machine.
    const std::size_t more = std::uniform_int_distribution<std::size_t>(1, 25)(random);
    ASSERT_TRUE(receiver.wait_for([&](const auto& r) { return r.size() >= before + more; }, 120s)) << daemon.log();
    daemon.kill();
    ++kills;
  }
  devnet.mine("bsc", 5);
  Daemon daemon(config, dir.path() / "givewatch.log");
  const auto head = devnet.head("bsc");
  ASSERT_TRUE(wait_indexed(data, devnet.chain("bsc").chain_id, head, head - 3)) << daemon.log();
  const auto last = last_seq(data);
  ASSERT_TRUE(receiver.wait_for([&](const auto&) { return distinct_delivered(receiver) >= last; }, 120s))
      << distinct_delivered(receiver) << " of " << last << "\n" << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
  const auto all = receiver.requests();
  expect_every_event_in_order(all, last);
  std::cout << kills << " kills; " << all.size() << " requests for " << last << " events ("
            << all.size() - last << " redeliveries)\n";
}

}  // namespace
}  // namespace givewatch::test
