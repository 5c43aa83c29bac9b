#include "alerts/filter.hpp"

#include <gtest/gtest.h>

#include "tests/alerts/fixture.hpp"

namespace givewatch::alerts {
namespace {

using config::AlertEvent;
using storage::EventType;

/// min_value as config would hold it: `units` / 10^`scale`.
config::DecimalValue value(std::string_view units, unsigned scale) {
  return config::DecimalValue{.units = core::parse_amount(units).value(), .scale = scale, .text = ""};
}

config::Alert sink() {
  return test::alert(config::AlertKind::webhook);
}

TEST(Filter, EventTypes) {
  auto alert = sink();
  const auto config = test::config();
  EXPECT_TRUE(matches(config, alert, test::event(EventType::donation)));
  EXPECT_TRUE(matches(config, alert, test::event(EventType::confirmed)));
  EXPECT_TRUE(matches(config, alert, test::event(EventType::removed)));
  alert.events = {AlertEvent::confirmed, AlertEvent::removed};
  EXPECT_FALSE(matches(config, alert, test::event(EventType::donation)));
  EXPECT_TRUE(matches(config, alert, test::event(EventType::confirmed)));
  EXPECT_TRUE(matches(config, alert, test::event(EventType::removed)));
  alert.events = {AlertEvent::donation};
  EXPECT_TRUE(matches(config, alert, test::event(EventType::donation)));
  EXPECT_FALSE(matches(config, alert, test::event(EventType::confirmed)));
  EXPECT_FALSE(matches(config, alert, test::event(EventType::removed)));
  alert.events = {};
  EXPECT_FALSE(matches(config, alert, test::event(EventType::donation)));
}

TEST(Filter, Campaigns) {
  auto alert = sink();
  const auto config = test::config();
  EXPECT_TRUE(matches(config, alert, test::event()));
  EXPECT_TRUE(matches(config, alert, test::hostile_event()));
  alert.campaigns = {"hostile"};
  EXPECT_FALSE(matches(config, alert, test::event()));
  EXPECT_TRUE(matches(config, alert, test::hostile_event()));
  alert.campaigns = {"memorial", "hostile"};
  EXPECT_TRUE(matches(config, alert, test::event()));
  alert.campaigns = {"memoria"};  // whole ids only
  EXPECT_FALSE(matches(config, alert, test::event()));
}

/// Whether a sink wanting every event of every campaign, from min_value `units` / 10^`scale` on,
/// is told about `event`.
bool passes(const storage::Event& event, std::string_view units, unsigned scale) {
  auto alert = sink();
  alert.min_value = value(units, scale);
  return matches(test::config(), alert, event);
}

TEST(Filter, MinValueOfAnEighteenDecimalToken) {
  auto event = test::event();  // 250.5 USDT, 18 decimals
  EXPECT_TRUE(passes(event, "2505", 1));
  EXPECT_TRUE(passes(event, "250500000000000000000", 18));  // equal, written at the token's own scale
  EXPECT_FALSE(passes(event, "250500000000000000001", 18));
  EXPECT_FALSE(passes(event, "2505000000000000000000001", 22));  // finer than the token: 10^-22 more
  EXPECT_TRUE(passes(event, "2505000000000000000000000", 22));
  event.donation.amount -= 1;  // one base unit less
  EXPECT_FALSE(passes(event, "2505", 1));
  event.donation.amount = core::parse_amount("251000000000000000000").value();
  EXPECT_TRUE(passes(event, "251", 0));
}

TEST(Filter, MinValueOfASixDecimalToken) {
  auto event = test::hostile_event();  // 12.25 USDC, 6 decimals
  EXPECT_TRUE(passes(event, "1225", 2));
  EXPECT_FALSE(passes(event, "12250001", 6));
  EXPECT_FALSE(passes(event, "12250000000000000001", 18));  // 10^-18 above: still more than the donation
  EXPECT_TRUE(passes(event, "12", 0));
  event.donation.amount = 12249999;  // one base unit less
  EXPECT_FALSE(passes(event, "1225", 2));
  // The same threshold against an 18-decimal donation of the same value: decimals are the token's.
  auto usdt = test::event();
  usdt.donation.amount = core::parse_amount("12250000000000000000").value();
  EXPECT_TRUE(passes(usdt, "1225", 2));
  usdt.donation.amount -= 1;
  EXPECT_FALSE(passes(usdt, "1225", 2));
}

TEST(Filter, MinValueZeroPassesEverythingEvenZeroAndUnknownTokens) {
  auto alert = sink();
  auto config = test::config();
  auto event = test::event();
  event.donation.amount = 0;
  EXPECT_TRUE(matches(config, alert, event));
  alert.min_value = value("0", 6);
  EXPECT_TRUE(matches(config, alert, event));
  config.tokens.clear();
  EXPECT_TRUE(matches(config, alert, test::event()));
}

TEST(Filter, ATokenNoLongerConfiguredPassesNoThreshold) {
  auto alert = sink();
  auto config = test::config();
  config.tokens.erase(config.tokens.begin());  // USDT of bsc
  auto event = test::event();
  alert.min_value = value("1", 18);
  EXPECT_FALSE(matches(config, alert, event));
  config.chains.clear();  // a chain removed takes its tokens with it
  EXPECT_FALSE(matches(config, alert, test::hostile_event()));
}

TEST(Filter, LargestAmountAgainstTheLargestThresholds) {
  auto alert = sink();
  auto config = test::config();
  config.tokens[0].decimals = 77;
  auto event = test::event();
  event.donation.amount = core::kMaxAmount;  // 1.157… with 77 decimals
  alert.min_value = value("1", 0);
  EXPECT_TRUE(matches(config, alert, event));
  alert.min_value = value("2", 0);
  EXPECT_FALSE(matches(config, alert, event));
  config.tokens[0].decimals = 0;  // 1.157…e77 whole tokens
  alert.min_value = value(core::to_string(core::kMaxAmount), 0);
  EXPECT_TRUE(matches(config, alert, event));
  event.donation.amount -= 1;
  EXPECT_FALSE(matches(config, alert, event));
}

}  // namespace
}  // namespace givewatch::alerts
