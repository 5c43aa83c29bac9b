#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/assets.hpp"
#include "api/render.hpp"
#include "tests/api/fixture.hpp"

namespace givewatch::api {
namespace {

namespace json = boost::json;
using test::Fixture;
using test::seed;

using test::kAurora;
using test::kBsc;

json::value body(const Response& r) { return json::parse(r.payload()); }
std::string text(const json::value& v) { return std::string(v.as_string()); }

TEST(AddDecimals, SumsExactlyAcrossPrecisions) {
  EXPECT_EQ(render::add_decimals({}), "0");
  EXPECT_EQ(render::add_decimals({{15, 1}, {1, 6}}), "1.500001");
  EXPECT_EQ(render::add_decimals({{core::Amount(1'500'000'000'000'000'000ull), 18}, {1'234'500, 6}}), "2.7345");
  EXPECT_EQ(render::add_decimals({{5, 18}}), "0.000000000000000005");
  EXPECT_EQ(render::add_decimals({{core::kMaxAmount, 0}, {core::kMaxAmount, 0}}),
            "231584178474632390847141970017375815706539969331281128078915168015826259279870");
}

TEST(Handlers, CampaignTotalsAreExactAndKeepPendingApart) {
  Fixture f;
  seed(f);
  auto r = f.get("/v1/campaigns/memorial");
  ASSERT_EQ(r.status, 200u) << r.payload();
  EXPECT_EQ(r.cache_control, "max-age=1");
  const auto c = body(r);
  EXPECT_EQ(c.at("id"), "memorial");
  EXPECT_EQ(c.at("name"), "Political Prisoners. Memorial");
  EXPECT_EQ(c.at("addresses").as_array().size(), 2u);
  EXPECT_EQ(c.at("addresses").at(0).at("address"), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

  const auto& confirmed = c.at("confirmed");
  EXPECT_EQ(confirmed.at("usd"), "2.7345");  // NOTUSD is not a USD token
  EXPECT_EQ(confirmed.at("donations"), 3);
  EXPECT_EQ(confirmed.at("donors"), 2);
  const auto& tokens = confirmed.at("by_token").as_array();
  ASSERT_EQ(tokens.size(), 4u);  // every token of the campaign's chains, in configuration order
  EXPECT_EQ(tokens[0].at("chain"), "bsc");
  EXPECT_EQ(tokens[0].at("token"), "BUSD");
  EXPECT_EQ(tokens[0].at("contract"), "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56");
  EXPECT_EQ(tokens[0].at("decimals"), 18);
  EXPECT_EQ(tokens[0].at("amount"), "1500000000000000000");
  EXPECT_EQ(tokens[0].at("value"), "1.5");
  EXPECT_EQ(tokens[0].at("donations"), 1);
  EXPECT_EQ(tokens[1].at("amount"), "0");  // bsc USDC: only pending
  EXPECT_EQ(tokens[2].at("value"), "1.2345");
  EXPECT_EQ(tokens[0].at("usd"), true);
  EXPECT_EQ(tokens[3].at("token"), "NOTUSD");
  EXPECT_EQ(tokens[3].at("usd"), false);
  EXPECT_EQ(tokens[3].at("value"), "5");

  const auto& pending = c.at("pending");
  EXPECT_EQ(pending.at("usd"), "0.00000000000025");
  EXPECT_EQ(pending.at("donations"), 1);
  EXPECT_EQ(pending.at("donors"), 1);
  EXPECT_EQ(pending.at("by_token").at(1).at("value"), "0.00000000000025");

  // The newest donation by block time.
  EXPECT_EQ(c.at("last_donation").at("block_number"), 20);
  EXPECT_EQ(c.at("last_donation").at("status"), "pending");
  const auto& as_of = c.at("as_of").as_array();
  ASSERT_EQ(as_of.size(), 2u);
  EXPECT_EQ(as_of[0].at("chain"), "bsc");
  EXPECT_EQ(as_of[0].at("indexed_block"), 20);
  EXPECT_EQ(as_of[0].at("confirmed_block"), 15);
  EXPECT_EQ(as_of[0].at("block_hash"), "0x1414141414141414141414141414141414141414141414141414141414141414");

  auto all = body(f.get("/v1/campaigns"));
  ASSERT_EQ(all.at("campaigns").as_array().size(), 2u);
  EXPECT_EQ(all.at("campaigns").at(1).at("confirmed").at("usd"), "0.000000000000000007");
  EXPECT_EQ(all.at("campaigns").at(0), c);
}

TEST(Handlers, ACampaignWithoutDonationsHasZerosAndNoLastDonation) {
  Fixture f;
  const auto c = body(f.get("/v1/campaigns/rbb"));
  EXPECT_EQ(c.at("confirmed").at("usd"), "0");
  EXPECT_EQ(c.at("confirmed").at("donors"), 0);
  EXPECT_TRUE(c.at("last_donation").is_null());
  EXPECT_TRUE(c.at("as_of").at(0).at("block_hash").is_null());
}

TEST(Handlers, DonationsAreNewestFirstFilteredAndPaged) {
  Fixture f;
  seed(f);
  auto page = body(f.get("/v1/campaigns/memorial/donations?limit=2"));
  const auto& list = page.at("donations").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("block_number"), 20);
  EXPECT_EQ(list[0].at("chain"), "bsc");
  EXPECT_EQ(list[0].at("chain_id"), 56);
  EXPECT_EQ(list[0].at("token"), "USDC");
  EXPECT_EQ(list[0].at("value"), "0.00000000000025");
  EXPECT_EQ(list[0].at("from"), "0x0202020202020202020202020202020202020202");
  EXPECT_EQ(list[0].at("timestamp"), 1'700'000'020);
  EXPECT_EQ(list[1].at("block_number"), 10);
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto next = body(f.get("/v1/campaigns/memorial/donations?limit=2&cursor=" + std::string(page.at("next_cursor").as_string())));
  ASSERT_EQ(next.at("donations").as_array().size(), 2u);
  EXPECT_EQ(next.at("donations").at(0).at("block_number"), 6);
  EXPECT_TRUE(next.at("next_cursor").is_null());

  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/donations?status=pending")).at("donations").as_array().size(), 1u);
  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/donations?status=confirmed&chain=aurora")).at("donations").as_array().size(),
            2u);
  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/donations?token=BUSD")).at("donations").as_array().size(), 1u);
  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/donations?token=USDC&chain=aurora")).at("donations").as_array().size(), 1u);
  // Contract addresses are accepted in any case.
  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/donations?token=0x368ebb46aca6b8d0787c96b2b20bd3cc3f2c45f7"))
                .at("donations")
                .as_array()
                .size(),
            1u);
}

TEST(Handlers, BadRequestsSayWhatIsWrong) {
  Fixture f;
  auto expect_error = [&](const std::string& target, unsigned status, const std::string& message) {
    auto r = f.get(target);
    EXPECT_EQ(r.status, status) << target;
    const auto e = body(r).at("error");
    EXPECT_EQ(text(e.at("message")), message) << target;
  };
  expect_error("/v1/campaigns/nope", 404, "no campaign 'nope'; campaigns are: memorial, rbb");
  expect_error("/v1/campaigns/memorial/donations?status=late", 400,
               "status 'late' is not one of confirmed, pending, all");
  expect_error("/v1/campaigns/memorial/donations?limit=0", 400, "limit '0' is not a whole number from 1 to 1000");
  expect_error("/v1/campaigns/memorial/donations?limit=1001", 400, "limit '1001' is not a whole number from 1 to 1000");
  expect_error("/v1/campaigns/memorial/donations?chain=eth", 400,
               "chain 'eth' is not configured; chains are: bsc, aurora");
  expect_error("/v1/campaigns/memorial/donations?token=USDC", 400,
               "token 'USDC' is on chains bsc, aurora; add chain= to choose");
  expect_error("/v1/campaigns/memorial/donations?token=DAI", 400, "token 'DAI' is not configured");
  expect_error("/v1/campaigns/memorial/donations?stauts=pending", 400,
               "unknown parameter 'stauts'; expected status, chain, token, limit, cursor");
  expect_error("/v1/campaigns/memorial/donations?cursor=zz", 400,
               "cursor 'zz' is not a cursor this server issued; start without one");
  expect_error("/v1/tx/eth/0x00", 404, "chain 'eth' is not configured");
  expect_error("/v1/nothing", 404, "no such path: /v1/nothing; the API is described at /openapi.json");
  EXPECT_EQ(f.get("/v1/tx/bsc/0x12").status, 400u);
  EXPECT_EQ(body(f.get("/v1/tx/bsc/0x12")).at("error").at("code"), "bad_request");
  EXPECT_EQ(body(f.get("/v1/campaigns/memorial/events")).at("error").at("code"), "bad_request");

  auto post = f.api->handle(Request{"POST", "/v1/campaigns", "", ""});
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(body(post).at("error").at("code"), "method_not_allowed");
  EXPECT_EQ(post.headers.at(0), (std::pair<std::string, std::string>{"Allow", "GET, HEAD, OPTIONS"}));
}

TEST(Handlers, TransactionsAreFoundInAnyCase) {
  Fixture f;
  seed(f);
  const auto d = f.donation(kBsc, "BUSD", "memorial", core::Amount(1'500'000'000'000'000'000ull), 10, 0, 1);
  std::string hash = core::to_hex(d.tx_hash);
  for (auto& c : hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  hash[1] = 'x';
  auto r = f.get("/v1/tx/bsc/" + hash);
  ASSERT_EQ(r.status, 200u) << r.payload();
  const auto list = body(r).at("donations").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("value"), "1.5");
  EXPECT_EQ(text(list[0].at("tx_hash")), core::to_hex(d.tx_hash));
  auto missing = f.get("/v1/tx/aurora/" + core::to_hex(d.tx_hash));
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(text(body(missing).at("error").at("message")),
            "transaction " + core::to_hex(d.tx_hash) + " on aurora holds no donation to a campaign");
}

TEST(Handlers, EtagsAnswerNotModified) {
  Fixture f;
  seed(f);
  auto first = f.get("/v1/campaigns/memorial");
  ASSERT_FALSE(first.etag.empty());
  EXPECT_EQ(first.etag, etag_of(first.payload()));
  auto again = f.get("/v1/campaigns/memorial", "", first.etag);
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.payload().empty());
  EXPECT_EQ(again.etag, first.etag);
  EXPECT_EQ(f.get("/v1/campaigns/memorial", "", "W/" + first.etag).status, 304u);
  EXPECT_EQ(f.get("/v1/campaigns/memorial", "", "\"other\", " + first.etag).status, 304u);
  EXPECT_EQ(f.get("/v1/campaigns/memorial", "", "\"other\"").status, 200u);
  // A new step changes the document and its ETag.
  f.apply(kBsc, {f.donation(kBsc, "BUSD", "memorial", 1, 30, 0, 9)});
  auto changed = f.get("/v1/campaigns/memorial", "", first.etag);
  EXPECT_EQ(changed.status, 200u);
  EXPECT_NE(changed.etag, first.etag);
}

TEST(Handlers, CorsFollowsTheConfiguredOrigins) {
  Fixture f;
  auto allowed = f.get("/v1/campaigns", "https://donate.example");
  EXPECT_NE(std::find(allowed.headers.begin(), allowed.headers.end(),
                      std::pair<std::string, std::string>{"Access-Control-Allow-Origin", "https://donate.example"}),
            allowed.headers.end());
  EXPECT_NE(std::find(allowed.headers.begin(), allowed.headers.end(), std::pair<std::string, std::string>{"Vary", "Origin"}),
            allowed.headers.end());
  // Every answer varies by Origin, also those that allow none: a cache in front must not hand an
  // answer without the header to an allowed origin.
  const std::pair<std::string, std::string> vary{"Vary", "Origin"};
  auto other = f.get("/v1/campaigns", "https://evil.example");
  for (const auto& h : other.headers) EXPECT_NE(h.first, "Access-Control-Allow-Origin");
  EXPECT_NE(std::find(other.headers.begin(), other.headers.end(), vary), other.headers.end());
  auto none = f.get("/v1/campaigns");
  EXPECT_NE(std::find(none.headers.begin(), none.headers.end(), vary), none.headers.end());
  auto preflight = f.api->handle(Request{"OPTIONS", "/v1/campaigns/memorial/events", "", "https://memorial.example"});
  EXPECT_EQ(preflight.status, 204u);
  EXPECT_TRUE(preflight.payload().empty());
}

TEST(Handlers, ReadinessNamesEveryChainThatIsBehind) {
  Fixture f;
  f.chains.views = {ChainView{"bsc", kBsc, 0, 0, 0, true, 0, 0, {}},
                    ChainView{"aurora", kAurora, 1000, 100, 90, true, 0, 0, {EndpointView{"http://a", true, "", 1, {}, {}, 0}}}};
  auto r = f.get("/readyz");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(body(r), json::parse(R"J({"ready":false,"reasons":["bsc: the chain head is not known yet (no endpoint has answered)",
                                    "aurora: 900 blocks behind the head (indexing)"]})J"));
  f.chains.views = {ChainView{"bsc", kBsc, 500, 498, 490, false, 0, 0, {EndpointView{"http://b", true, "", 1, {}, {}, 0}}},
                    ChainView{"aurora", kAurora, 1000, 1000, 990, false, 0, 0, {EndpointView{"http://a", false, "x", 1, {}, {}, 0}}}};
  EXPECT_EQ(body(f.get("/readyz")), json::parse(R"({"ready":false,"reasons":["aurora: no healthy endpoint"]})"));
  f.chains.views[1].endpoints[0].healthy = true;
  auto ready = f.get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(f.get("/healthz").status, 200u);

  const auto chains = body(f.get("/v1/chains")).at("chains");
  EXPECT_EQ(chains.at(0).at("lag_blocks"), 2);
  EXPECT_TRUE(chains.at(0).at("explorer").is_null());
  EXPECT_EQ(chains.at(0).at("confirmations"), 12);
  EXPECT_EQ(chains.at(0).at("finality"), "confirmations");
  // Whether /proof serves the chain, from its config (Aurora's headers cannot carry one: off by default).
  EXPECT_EQ(chains.at(0).at("proofs"), true);
  EXPECT_EQ(chains.at(1).at("proofs"), false);
  EXPECT_EQ(chains.at(1).at("endpoints").at(0).at("last_error"), "x");
  EXPECT_TRUE(chains.at(0).at("endpoints").at(0).at("last_error").is_null());
}

TEST(Handlers, MetricsSpeakPrometheus) {
  Fixture f;
  seed(f);
  EndpointView e{"http://node", true, "", 12, {{"timeout", 2}}, {{0.005, 3}, {0.01, 10}}, 0.042};
  f.chains.views = {ChainView{"bsc", kBsc, 40, 38, 35, false, 2, 3, {e}}};
  f.chains.views[0].bloom_rechecks = 4;
  f.chains.views[0].bloom_recovered = 3;
  f.chains.views[0].bloom_unconfirmed = 1;
  auto r = f.get("/metrics");
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  for (const char* line : {"givewatch_chain_head_block{chain=\"bsc\"} 40", "givewatch_chain_lag_blocks{chain=\"bsc\"} 2",
                           "givewatch_reorgs_total{chain=\"bsc\"} 2", "givewatch_reorg_depth_max_blocks{chain=\"bsc\"} 3",
                           "givewatch_bloom_rechecks_total{chain=\"bsc\"} 4", "givewatch_bloom_recovered_total{chain=\"bsc\"} 3",
                           "givewatch_bloom_unconfirmed_total{chain=\"bsc\"} 1",
                           "givewatch_rpc_requests_total{chain=\"bsc\",endpoint=\"http://node\"} 12",
                           "givewatch_rpc_errors_total{chain=\"bsc\",endpoint=\"http://node\",kind=\"timeout\"} 2",
                           "givewatch_rpc_latency_seconds_bucket{chain=\"bsc\",endpoint=\"http://node\",le=\"0.01\"} 10",
                           "givewatch_rpc_latency_seconds_bucket{chain=\"bsc\",endpoint=\"http://node\",le=\"+Inf\"} 12",
                           "givewatch_rpc_latency_seconds_sum{chain=\"bsc\",endpoint=\"http://node\"} 0.042",
                           "givewatch_campaign_donations{campaign=\"memorial\",status=\"confirmed\"} 3",
                           "givewatch_campaign_donations{campaign=\"memorial\",status=\"pending\"} 1",
                           "givewatch_donations_stored 5", "# TYPE givewatch_rpc_latency_seconds histogram"}) {
    EXPECT_NE(r.payload().find(std::string(line) + "\n"), std::string::npos) << line << "\n" << r.payload();
  }
}

TEST(Handlers, EveryReceiptPathServesTheReceiptPage) {
  Fixture f;
  std::string_view page;
  for (const auto& a : assets()) {
    if (a.path == "/receipt.html") page = a.body;
  }
  ASSERT_FALSE(page.empty());
  // Any chain and hash: the page's script asks the API and says what it finds.
  for (const char* path : {"/receipt/bsc/0x5f0c5aa9ac0b1e13da0bb8b1a5c43b5eb0ab1f19aa0e1c6c6b6ac70e0ba2f7a1?lang=ru",
                           "/receipt/nowhere/0x12"}) {
    const auto r = f.get(path);
    EXPECT_EQ(r.status, 200u) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(r.payload(), page) << path;
  }
  EXPECT_EQ(f.get("/receipt/bsc").status, 404u);
  EXPECT_EQ(f.get("/receipt/bsc/0x12/more").status, 404u);
}

TEST(Handlers, EventStreamsAreRecognised) {
  Fixture f;
  ASSERT_TRUE(f.api->event_stream("/v1/campaigns/memorial/events"));
  EXPECT_EQ((*f.api->event_stream("/v1/campaigns/memorial/events"))->id, "memorial");
  EXPECT_FALSE(f.api->event_stream("/v1/campaigns/nope/events"));  // answered 404 by the handlers
  ASSERT_TRUE(f.api->event_stream("/v1/events"));
  EXPECT_EQ(*f.api->event_stream("/v1/events"), nullptr) << "every campaign";
  EXPECT_FALSE(f.api->event_stream("/v1/campaigns/memorial"));
  EXPECT_FALSE(f.api->event_stream("/v1/campaigns//events"));
}

}  // namespace
}  // namespace givewatch::api
