// givewatch's webhook signatures checked by the reference Standard Webhooks implementation
// (tests/alerts/verify_webhook.mjs, the npm package `standardwebhooks`, run by the project's Node 22).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "alerts/payload.hpp"
#include "alerts/signing.hpp"
#include "core/base64.hpp"
#include "core/keccak.hpp"
#include "tests/alerts/fixture.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::alerts {
namespace {

namespace json = boost::json;

/// One delivery as a receiver sees it, and whether it must verify.
struct Case {
  std::vector<std::uint8_t> key;
  std::string id;
  std::int64_t timestamp = 0;
  std::string body;
  std::string signature;
  bool valid = true;
};

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A key of `size` bytes that differs per `seed`: Keccak-256 blocks of the seed, chained.
std::vector<std::uint8_t> key_of(std::size_t size, int seed) {
  std::vector<std::uint8_t> key;
  auto block = core::keccak256("key " + std::to_string(seed));
  while (key.size() < size) {
    key.insert(key.end(), block.bytes.begin(), block.bytes.end());
    block = core::keccak256(core::ByteView(block.bytes));
  }
  key.resize(size);
  return key;
}

/// Bodies a sink sends and ones it could: every event type of both fixture campaigns, chat bodies
/// (non-ASCII text), and JSON with escapes, emoji and a large array.
std::vector<std::string> bodies() {
  const auto config = test::config();
  const CampaignUsd usd{"1250.5", "0.000001"};
  std::vector<std::string> out;
  for (const auto type :
       {storage::EventType::donation, storage::EventType::confirmed, storage::EventType::removed}) {
    out.push_back(webhook_body(config, test::event(type), usd));
    out.push_back(webhook_body(config, test::hostile_event(type), usd));
    out.push_back(chat_body(config, test::alert(config::AlertKind::telegram, "ru"), test::event(type), usd));
  }
  out.push_back(webhook_body(config, sample_event(config), usd));
  out.push_back(
      json::serialize(json::object{{"name", "Мемориал ✊ — 🕊️ \"q\" \\ \u2028 end"}}));
  out.push_back(R"({"a":"\u00e9\ud83d\ude00","b":[1,2.5,-3e10,null,true]})");
  out.push_back("{}");
  out.push_back("[]");
  json::array big;
  for (int i = 0; i < 5000; ++i) big.push_back(json::string("пожертвование " + std::to_string(i)));
  out.push_back(json::serialize(big));
  return out;
}

std::vector<Case> signed_cases() {
  std::vector<Case> cases;
  const auto all = bodies();
  const std::size_t sizes[] = {24, 32, 33, 48, 64, 1, 100};
  for (std::size_t i = 0; i < all.size() + 5; ++i) {
    Case c;
    c.key = key_of(sizes[i % std::size(sizes)], static_cast<int>(i));
    auto event = test::event();
    event.seq = i * 1000003;
    c.id = event_id(event);
    c.timestamp = now() - static_cast<std::int64_t>(i);
    c.body = all[i % all.size()];
    c.signature = sign(c.key, c.id, c.timestamp, c.body);
    cases.push_back(std::move(c));
  }
  return cases;
}

/// Writes the cases as verify_webhook.mjs reads them and runs it; its exit status and output.
std::pair<int, std::string> verify(const std::vector<Case>& cases) {
  givewatch::test::TempDir dir("alerts-verify");
  const auto file = dir.path() / "cases.json";
  json::array out;
  for (const auto& c : cases) {
    out.push_back(json::object{{"secret", "whsec_" + core::base64_encode(c.key)},
                               {"id", c.id},
                               {"timestamp", c.timestamp},
                               {"body", c.body},
                               {"signature", c.signature},
                               {"valid", c.valid}});
  }
  std::ofstream(file) << json::serialize(out);
  return givewatch::test::run_command(std::string("'") + GIVEWATCH_NODE + "' '" + VERIFY_WEBHOOK_SCRIPT + "' '" +
                                      file.string() + "' 2>&1");
}

TEST(WebhookSignature, TheReferenceImplementationAcceptsEverySignature) {
  auto cases = signed_cases();
  ASSERT_GE(cases.size(), 20u);
  const auto [status, output] = verify(cases);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find(std::to_string(cases.size()) + " of " + std::to_string(cases.size()) +
                        " cases as expected"),
            std::string::npos)
      << output;
}

TEST(WebhookSignature, TheReferenceImplementationRejectsWhatWasNotSigned) {
  const auto good = signed_cases().front();
  std::vector<Case> cases;
  auto tampered = good;
  tampered.body.back() == '}' ? tampered.body.insert(tampered.body.size() - 1, " ")
                              : tampered.body.append(" ");
  cases.push_back(tampered);
  auto other_key = good;
  other_key.key.front() ^= 0x80;
  cases.push_back(other_key);
  auto other_id = good;
  other_id.id += "0";
  cases.push_back(other_id);
  auto other_time = good;
  other_time.timestamp -= 1;
  cases.push_back(other_time);
  for (auto& c : cases) c.valid = false;
  cases.push_back(good);  // and the untouched one still verifies
  const auto [status, output] = verify(cases);
  EXPECT_EQ(status, 0) << output;

  // The check can fail: a tampered body claimed valid makes the verifier exit 1 and say which case.
  tampered.valid = true;
  const auto [bad_status, bad_output] = verify({good, tampered});
  EXPECT_EQ(bad_status, 1) << bad_output;
  EXPECT_NE(bad_output.find("case 1 (" + tampered.id + "): expected valid, got WebhookVerificationError"),
            std::string::npos)
      << bad_output;
}

}  // namespace
}  // namespace givewatch::alerts
