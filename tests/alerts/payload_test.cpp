#include "alerts/payload.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "tests/alerts/fixture.hpp"

namespace givewatch::alerts {
namespace {

using storage::EventType;

std::string webhook(EventType type) {
  return webhook_body(test::config(), test::event(type), CampaignUsd{"1250.5", "250.5"});
}

TEST(WebhookBody, EachEventTypeExactly) {
  EXPECT_EQ(
      webhook(EventType::donation),
      R"json({"type":"donation.created","timestamp":"2024-05-01T12:00:00Z","data":{"chain":"bsc","chain_id":56,"token":"USDT","contract":"0x55d398326f99059fF775485246999027B3197955","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"250500000000000000000","value":"250.5","tx_hash":"0xabcdef0000000000000000000000000000000000000000000000000000000001","log_index":2,"block_number":123,"block_hash":"0x1111111111111111111111111111111111111111111111111111111111111111","timestamp":1714564800,"status":"pending","campaign":"memorial","campaign_name":"Political Prisoners. Memorial","usd":{"confirmed":"1250.5","pending":"250.5"}}})json");
  EXPECT_EQ(
      webhook(EventType::confirmed),
      R"json({"type":"donation.confirmed","timestamp":"2024-05-01T12:00:00Z","data":{"chain":"bsc","chain_id":56,"token":"USDT","contract":"0x55d398326f99059fF775485246999027B3197955","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"250500000000000000000","value":"250.5","tx_hash":"0xabcdef0000000000000000000000000000000000000000000000000000000001","log_index":2,"block_number":123,"block_hash":"0x1111111111111111111111111111111111111111111111111111111111111111","timestamp":1714564800,"status":"confirmed","campaign":"memorial","campaign_name":"Political Prisoners. Memorial","usd":{"confirmed":"1250.5","pending":"250.5"}}})json");
  EXPECT_EQ(
      webhook(EventType::removed),
      R"json({"type":"donation.removed","timestamp":"2024-05-01T12:00:00Z","data":{"chain":"bsc","chain_id":56,"token":"USDT","contract":"0x55d398326f99059fF775485246999027B3197955","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"250500000000000000000","value":"250.5","tx_hash":"0xabcdef0000000000000000000000000000000000000000000000000000000001","log_index":2,"block_number":123,"block_hash":"0x1111111111111111111111111111111111111111111111111111111111111111","timestamp":1714564800,"status":"pending","campaign":"memorial","campaign_name":"Political Prisoners. Memorial","usd":{"confirmed":"1250.5","pending":"250.5"}}})json");
}

TEST(WebhookBody, CampaignNamesAreJsonEscapedOnly) {
  auto config = test::config();
  config.campaigns[1].name = "<b>&*_`|~> \"q\" \\ \n Мемориал";
  const auto body = boost::json::parse(webhook_body(config, test::hostile_event(), CampaignUsd{}));
  EXPECT_EQ(body.at("data").at("campaign_name").as_string(), "<b>&*_`|~> \"q\" \\ \n Мемориал");
  EXPECT_EQ(body.at("data").at("value").as_string(), "12.25");
  EXPECT_EQ(body.at("data").at("usd").at("confirmed").as_string(), "0");
}

TEST(WebhookBody, NullsWhatTheConfigurationNoLongerHas) {
  auto config = test::config();
  config.tokens.erase(config.tokens.begin());
  config.campaigns.erase(config.campaigns.begin());
  const auto body = boost::json::parse(webhook_body(config, test::event(), CampaignUsd{}));
  EXPECT_TRUE(body.at("data").at("campaign_name").is_null());
  EXPECT_TRUE(body.at("data").at("token").is_null());
  EXPECT_TRUE(body.at("data").at("value").is_null());
  EXPECT_EQ(body.at("data").at("campaign").as_string(), "memorial");
}

TEST(WebhookBody, TimestampIsTheBlockTimeInRfc3339) {
  auto event = test::event();
  const auto at = [&](std::uint64_t t) {
    event.donation.timestamp = t;
    return boost::json::parse(webhook_body(test::config(), event, CampaignUsd{})).at("timestamp").as_string();
  };
  EXPECT_EQ(at(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(at(951782399), "2000-02-28T23:59:59Z");
  EXPECT_EQ(at(951782400 + 86399), "2000-02-29T23:59:59Z");
  EXPECT_EQ(at(4102444800), "2100-01-01T00:00:00Z");
}

TEST(SampleEvent, FirstCampaignFirstAddressOneTokenOfItsChain) {
  auto config = test::config();
  std::swap(config.campaigns[0], config.campaigns[1]);  // the hostile campaign first: aurora, USDC
  const auto before = std::chrono::system_clock::now();
  const auto event = sample_event(config);
  EXPECT_EQ(event.seq, 0u);
  EXPECT_EQ(event.type, EventType::donation);
  EXPECT_EQ(event.donation.status, storage::Status::pending);
  EXPECT_EQ(event.donation.campaign, "hostile");
  EXPECT_EQ(event.donation.chain_id, 1313161554u);
  EXPECT_EQ(event.donation.to, test::address("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"));
  EXPECT_EQ(event.donation.token, test::address("0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7"));
  EXPECT_EQ(event.donation.amount, 1000000);  // 1 USDC, 6 decimals
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count();
  EXPECT_GE(static_cast<std::int64_t>(event.donation.timestamp), now - 1);
  EXPECT_LE(static_cast<std::int64_t>(event.donation.timestamp), now + 60);
  EXPECT_NE(event.donation.tx_hash, core::Hash{});
  EXPECT_NE(event.donation.from, core::Address{});

  const auto body = boost::json::parse(webhook_body(config, event, CampaignUsd{}));
  EXPECT_EQ(body.at("data").at("value").as_string(), "1");
  EXPECT_EQ(body.at("data").at("token").as_string(), "USDC");
}

TEST(SampleEvent, EighteenDecimalsAndAnEmptyConfiguration) {
  EXPECT_EQ(sample_event(test::config()).donation.amount, core::parse_amount("1000000000000000000").value());
  const auto empty = sample_event(config::Config{});
  EXPECT_EQ(empty.donation.campaign, "");
  EXPECT_EQ(empty.donation.amount, 0);
  EXPECT_EQ(empty.donation.chain_id, 0u);
}

}  // namespace
}  // namespace givewatch::alerts
