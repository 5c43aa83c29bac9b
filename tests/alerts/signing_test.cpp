#include "alerts/signing.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/base64.hpp"
#include "tests/alerts/fixture.hpp"

namespace givewatch::alerts {
namespace {

std::vector<std::uint8_t> secret_key(std::string_view whsec) {
  return core::base64_decode(whsec.substr(std::string_view("whsec_").size())).value();
}

TEST(Sign, TheStandardWebhooksExample) {
  // The example of the Standard Webhooks specification and its reference libraries.
  const auto key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  EXPECT_EQ(sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(Sign, EveryPartIsSigned) {
  const auto key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const auto base = sign(key, "msg_1", 1614265330, "{}");
  EXPECT_NE(sign(key, "msg_2", 1614265330, "{}"), base);
  EXPECT_NE(sign(key, "msg_1", 1614265331, "{}"), base);
  EXPECT_NE(sign(key, "msg_1", 1614265330, "{ }"), base);
  auto other = key;
  other.back() ^= 1;
  EXPECT_NE(sign(other, "msg_1", 1614265330, "{}"), base);
  // The separators are part of the message: moving a character across one changes the signature.
  EXPECT_NE(sign(key, "msg_11", 614265330, "{}"), base);
}

TEST(Sign, EmptyKeyAndBody) {
  // HMAC-SHA256 of "a.0." with an empty key, as Python's hmac module computes it.
  EXPECT_EQ(sign({}, "a", 0, ""), "v1,bgTtLRZwJ7Vl4qiHkyGQ/EK5IJ9kqBwQsfukbZGFDAQ=");
}

TEST(EventId, FormatAndStability) {
  const auto event = test::event();
  const auto id = event_id(event);
  ASSERT_EQ(id.size(), std::string("msg_7_").size() + 16);
  EXPECT_EQ(id.substr(0, 6), "msg_7_");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 6), std::string::npos);
  EXPECT_EQ(event_id(test::event()), id);  // a fresh copy of the same event, as after a restart
  const storage::Event copy = event;
  EXPECT_EQ(event_id(copy), id);
}

TEST(EventId, PinnedSoThatAnUpgradeKeepsIdsOfEventsBeingRetried) {
  // Computed independently (@noble/hashes keccak_256 over the same big-endian encoding: type, chain
  // id, block number, block hash, tx hash, log index as u64, token, from, to, amount as a 32-byte
  // word, campaign length as u64 and bytes, status).
  EXPECT_EQ(event_id(test::event()), "msg_7_ed8978546d4f21bc");
}

TEST(EventId, DiffersWhenAnyContentFieldDiffers) {
  using storage::Event;
  const std::vector<std::function<void(Event&)>> changes = {
      [](Event& e) { e.type = storage::EventType::confirmed; },
      [](Event& e) { e.donation.chain_id += 1; },
      [](Event& e) { e.donation.block_number += 1; },
      [](Event& e) { e.donation.block_hash.bytes[31] ^= 1; },
      [](Event& e) { e.donation.tx_hash.bytes[0] ^= 1; },
      [](Event& e) { e.donation.log_index += 1; },
      [](Event& e) { e.donation.token.bytes[19] ^= 1; },
      [](Event& e) { e.donation.from.bytes[0] ^= 1; },
      [](Event& e) { e.donation.to.bytes[5] ^= 1; },
      [](Event& e) { e.donation.amount += 1; },
      [](Event& e) { e.donation.campaign = "memoriaL"; },
      [](Event& e) { e.donation.campaign += '\0'; },
      [](Event& e) { e.donation.status = storage::Status::confirmed; },
  };
  const auto base = test::event();
  std::set<std::string> hashes{event_id(base).substr(6)};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto changed = base;
    changes[i](changed);
    EXPECT_TRUE(hashes.insert(event_id(changed).substr(6)).second) << "change " << i << " kept the id";
  }
  // The seq is in the id; the same content under another seq is another delivery.
  auto later = base;
  later.seq = 8;
  EXPECT_EQ(event_id(later).substr(0, 6), "msg_8_");
  EXPECT_EQ(event_id(later).substr(6), event_id(base).substr(6));
}

}  // namespace
}  // namespace givewatch::alerts
